package io.warden.jobs.cli;

import io.warden.jobs.config.ConfigLoader;
import io.warden.jobs.config.TopicSettings;
import io.warden.jobs.config.WardenConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a command reaches Kafka: the connection (and security properties) of a warden.yaml, or a
 * bootstrap address with extra client properties.
 */
final class KafkaOptions {
    @Option(
            names = {"-c", "--config"},
            description = "Take Kafka connection and topic names from this warden.yaml.")
    Path config;

    @Option(
            names = {"-b", "--bootstrap-servers"},
            description = "Kafka bootstrap servers (overrides the config's).")
    String bootstrapServers;

    @Option(
            names = {"-X", "--property"},
            description = "Extra Kafka client property, key=value (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    private WardenConfig loaded;

    /** The loaded config, or null without --config. */
    WardenConfig config() {
        if (loaded == null && config != null) {
            loaded = ConfigLoader.load(config);
        }
        return loaded;
    }

    /** Topic names: the config's or the defaults. */
    TopicSettings topics() {
        WardenConfig c = config();
        return c == null ? TopicSettings.defaults() : c.topics();
    }

    /** Client properties incl. bootstrap.servers. */
    Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        WardenConfig c = config();
        if (c != null) {
            c.kafka().clientProperties().forEach((k, v) -> props.put((String) k, v));
        }
        props.putAll(properties);
        if (bootstrapServers != null) {
            props.put("bootstrap.servers", bootstrapServers);
        }
        if (!props.containsKey("bootstrap.servers")) {
            props.put("bootstrap.servers", "localhost:9092");
        }
        return props;
    }

    /** Resolves a topic given as a role (alerts, deadletter, ...) or a literal name. */
    String topic(String nameOrRole) {
        TopicSettings t = topics();
        return switch (nameOrRole) {
            case "requests" -> t.requests();
            case "responses" -> t.responses();
            case "events" -> t.events();
            case "feedback" -> t.feedback();
            case "alerts" -> t.alerts();
            case "decisions" -> t.decisions();
            case "drift" -> t.drift();
            case "scores" -> t.scores();
            case "deadletter", "dead-letter" -> t.deadLetter();
            default -> nameOrRole;
        };
    }
}
