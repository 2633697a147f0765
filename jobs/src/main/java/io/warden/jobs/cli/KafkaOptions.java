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
 * bootstrap address with extra client properties; and the topic names, the config's or the
 * defaults, that topic roles ({@code alerts}, {@code requests}, ...) stand for.
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
            description =
                    "Kafka client property, key=value (repeatable); overrides the config's"
                            + " kafka.properties and the command's own settings.")
    Map<String, String> properties = new LinkedHashMap<>();

    private WardenConfig loaded;

    /** The loaded config, or null without --config. */
    WardenConfig config() {
        if (loaded == null && config != null) {
            loaded = ConfigLoader.load(config);
        }
        return loaded;
    }

    /**
     * Uses a config the command has loaded itself (e.g. leniently, as {@code warden profile} does)
     * instead of loading {@code --config} again with every check.
     */
    void useConfig(WardenConfig c) {
        loaded = c;
    }

    /** Topic names: the config's or the defaults. */
    TopicSettings topics() {
        WardenConfig c = config();
        return c == null ? TopicSettings.defaults() : c.topics();
    }

    /** Client properties incl. bootstrap.servers; see {@link #clientProperties(Map)}. */
    Map<String, Object> clientProperties() {
        return clientProperties(Map.of());
    }

    /**
     * Client properties incl. {@code bootstrap.servers}, later sources overriding earlier ones: the
     * command's own defaults, the config's {@code kafka.properties} and {@code
     * kafka.bootstrap-servers}, {@code -X key=value}, and {@code --bootstrap-servers}. Without any
     * of them the bootstrap address is {@code localhost:9092}.
     *
     * @param commandDefaults what the command sets unless the user says otherwise (e.g. a
     *     consumer's {@code isolation.level})
     * @return a new mutable map
     */
    Map<String, Object> clientProperties(Map<String, ?> commandDefaults) {
        Map<String, Object> props = new HashMap<>(commandDefaults);
        WardenConfig c = config();
        if (c != null) {
            c.kafka().clientProperties().forEach((k, v) -> props.put((String) k, v));
        }
        props.putAll(properties);
        if (bootstrapServers != null) {
            props.put("bootstrap.servers", bootstrapServers);
        }
        props.putIfAbsent("bootstrap.servers", "localhost:9092");
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
            case "performance" -> t.performance();
            case "scores" -> t.scores();
            case "deadletter", "dead-letter" -> t.deadLetter();
            default -> nameOrRole;
        };
    }
}
