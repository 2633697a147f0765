package io.warden.jobs.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.warden.jobs.config.ConfigException;
import io.warden.jobs.config.ConfigLoader;
import io.warden.jobs.config.WardenConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads {@code warden.yaml} for building a profile: checked as {@link ConfigLoader#load} checks it,
 * except the models' {@code profile}, {@code profile-sha256} and {@code detectors}, which are left
 * out before the checks. The profile is what is being built (its file may not exist yet, or be the
 * one being replaced, with an old pin), and the detectors, which need it, do not run here; {@code
 * warden run} checks both. Everything the profile is built from (Kafka, topics, input, the models'
 * names, versions, features and outputs) is checked as usual, and errors name the same keys.
 */
public final class ProfileConfig {
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory())
                    .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    /** The keys of a model that {@code warden profile} leaves out. */
    private static final String[] IGNORED_MODEL_KEYS = {"profile", "profile-sha256", "detectors"};

    private ProfileConfig() {}

    /** Loads with the process environment for {@code ${env:...}}. */
    public static WardenConfig load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * Loads with the given environment.
     *
     * @throws ConfigException naming the file and every problem
     */
    public static WardenConfig load(Path file, Map<String, String> env) {
        String text;
        JsonNode tree;
        try {
            text = Files.readString(file);
            tree = YAML.readTree(text);
        } catch (IOException e) {
            // A missing or unreadable file, or broken YAML: ConfigLoader words those.
            return ConfigLoader.load(file, env);
        }
        if (tree instanceof ObjectNode root && root.get("models") instanceof ArrayNode models) {
            for (JsonNode model : models) {
                if (model instanceof ObjectNode m) {
                    for (String key : IGNORED_MODEL_KEYS) {
                        m.remove(key);
                    }
                }
            }
        }
        String stripped;
        try {
            stripped = YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a YAML tree just read cannot be written back", e);
        }
        return ConfigLoader.parse(
                stripped, file.toAbsolutePath().getParent(), file.toString(), env);
    }
}
