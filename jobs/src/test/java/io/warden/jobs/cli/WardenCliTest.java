package io.warden.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.jobs.monitor.MonitorJobMain;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's entry point: help, version, and exit codes scripts can trust. */
class WardenCliTest {
    @TempDir Path dir;

    @Test
    void shouldPrintHelpListingEveryCommandAndExit0() {
        Cli.Result result = Cli.run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .contains("Usage: warden")
                .contains("demo", "run", "produce", "tail", "profile");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void shouldPrintHelpOfASubcommand() {
        Cli.Result result = Cli.run("tail", "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Usage: warden tail").contains("--idle-timeout");
    }

    @Test
    void shouldPrintUsageWithoutACommand() {
        Cli.Result result = Cli.run();

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Usage: warden");
    }

    @Test
    void shouldPrintTheVersionAndExit0() {
        Cli.Result result = Cli.run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("warden ");
    }

    @Test
    void shouldExitWith2OnAnUnknownCommand() {
        Cli.Result result = Cli.run("frobnicate");

        assertThat(result.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(result.err()).contains("frobnicate");
    }

    @Test
    void shouldExitWith2OnAnUnknownOptionOrAMissingRequiredOne() {
        assertThat(Cli.run("tail", "--no-such-option", "alerts").exitCode())
                .isEqualTo(WardenCli.EXIT_USAGE);
        Cli.Result missing = Cli.run("run");
        assertThat(missing.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(missing.err()).contains("--config");
    }

    @Test
    void shouldExitWith3NamingTheKeyOfABrokenConfig() throws Exception {
        Path config = dir.resolve("warden.yaml");
        Files.writeString(
                config,
                """
                kafka:
                  bootstrap-servers: localhost:9092
                models:
                  - name: m
                    features: {tensor: input, names: [a, b]}
                    output: {tensor: probabilities, type: softmaxx, classes: [x, y]}
                """);

        Cli.Result result = Cli.run("run", "--config", config.toString());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(WardenCli.EXIT_CONFIG);
        assertThat(result.err())
                .startsWith("warden: configuration error: ")
                .contains(config.toString())
                .contains("models[0].output.type");
    }

    @Test
    void shouldExitWith3ForAMissingConfigFile() {
        Cli.Result result = Cli.run("run", "--config", dir.resolve("nope.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(WardenCli.EXIT_CONFIG);
        assertThat(result.err()).contains("nope.yaml").contains("config file not found");
    }

    @Test
    void shouldPrintTheFlinkSubmitLine() throws Exception {
        Path config = CliFixtures.writeConfig(dir, "localhost:9092", "submit");

        Cli.Result result = Cli.run("run", "--config", config.toString(), "--print-submit");

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.outLines())
                .anySatisfy(
                        line ->
                                assertThat(line)
                                        .startsWith("flink run ")
                                        .contains("-c " + MonitorJobMain.class.getName())
                                        .contains("-flink-job.jar")
                                        .endsWith("--config " + config.toAbsolutePath()));
    }
}
