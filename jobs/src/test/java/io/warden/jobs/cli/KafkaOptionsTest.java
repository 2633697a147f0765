package io.warden.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Where a command's Kafka client properties and topic names come from, and which wins. */
class KafkaOptionsTest {
    @TempDir Path dir;

    private static KafkaOptions parse(String... args) {
        TailCommand tail = new TailCommand();
        new CommandLine(tail).parseArgs(args);
        return tail.kafka;
    }

    private Path config() throws Exception {
        Path file = CliFixtures.writeConfig(dir, "config-host:9092", "opts");
        String yaml =
                Files.readString(file)
                        .replace(
                                "    client.id: warden\n",
                                "    client.id: warden\n"
                                        + "    isolation.level: read_uncommitted\n"
                                        + "    request.timeout.ms: \"5000\"\n");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void shouldDefaultToLocalhostWithoutConfigOrBootstrap() {
        assertThat(parse("alerts").clientProperties())
                .containsExactly(Map.entry("bootstrap.servers", "localhost:9092"));
    }

    @Test
    void shouldLayerCommandDefaultsConfigPropertiesAndBootstrap() throws Exception {
        Path config = config();
        Map<String, Object> props =
                parse("-c", config.toString(), "alerts")
                        .clientProperties(
                                Map.of("isolation.level", "read_committed", "max.poll.records", 7));

        assertThat(props)
                .containsEntry("bootstrap.servers", "config-host:9092")
                .containsEntry("client.id", "warden")
                // The config's kafka.properties override what the command would set.
                .containsEntry("isolation.level", "read_uncommitted")
                .containsEntry("max.poll.records", 7);
    }

    @Test
    void shouldLetCommandLineOptionsOverrideTheConfig() throws Exception {
        Path config = config();
        Map<String, Object> props =
                parse(
                                "-c",
                                config.toString(),
                                "-X",
                                "request.timeout.ms=900",
                                "-X",
                                "isolation.level=read_committed",
                                "-X",
                                "bootstrap.servers=x-host:1",
                                "-b",
                                "b-host:2",
                                "alerts")
                        .clientProperties(Map.of("isolation.level", "read_uncommitted"));

        assertThat(props)
                .containsEntry("request.timeout.ms", "900")
                .containsEntry("isolation.level", "read_committed")
                // --bootstrap-servers beats -X bootstrap.servers, which beats the config's.
                .containsEntry("bootstrap.servers", "b-host:2");
        assertThat(
                        parse("-c", config.toString(), "-X", "bootstrap.servers=x-host:1", "alerts")
                                .clientProperties())
                .containsEntry("bootstrap.servers", "x-host:1");
    }

    @Test
    void shouldResolveTopicRolesThroughTheConfigOrTheDefaults() throws Exception {
        KafkaOptions defaults = parse("alerts");
        assertThat(defaults.topic("alerts")).isEqualTo("warden.alerts");
        assertThat(defaults.topic("dead-letter")).isEqualTo("warden.deadletter");
        assertThat(defaults.topic("my.topic")).isEqualTo("my.topic");

        KafkaOptions configured = parse("-c", config().toString(), "alerts");
        assertThat(configured.topic("alerts")).isEqualTo("opts.warden.alerts");
        assertThat(configured.topic("deadletter")).isEqualTo("opts.warden.deadletter");
        assertThat(configured.topic("requests")).isEqualTo("opts.inference.requests");
    }
}
