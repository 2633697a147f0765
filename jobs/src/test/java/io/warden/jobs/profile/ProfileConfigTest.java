package io.warden.jobs.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.jobs.config.ConfigException;
import io.warden.jobs.config.ConfigLoader;
import io.warden.jobs.config.WardenConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileConfigTest {
    @TempDir Path dir;

    @Test
    void shouldLoadAConfigWhoseProfileIsNotBuiltYet() throws Exception {
        Path config =
                ReferenceData.writeConfig(
                        dir,
                        "${env:BROKERS:-localhost:9092}",
                        "ref",
                        "profile: reference/churn.profile.json\n"
                                + "profile-sha256: "
                                + "ab".repeat(32)
                                + "\n"
                                + "detectors:\n"
                                + "  confidence: {alpha: 0.001}\n"
                                + "  drift: {window: 1m}\n");
        assertThatThrownBy(() -> ConfigLoader.load(config, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[1].profile");

        WardenConfig loaded = ProfileConfig.load(config, Map.of("BROKERS", "kafka:9093"));

        assertThat(loaded.kafka().bootstrapServers()).isEqualTo("kafka:9093");
        assertThat(loaded.model("churn", null).orElseThrow().features().names())
                .containsExactly("a", "b", "c");
        assertThat(loaded.model("churn", null).orElseThrow().profile()).isNull();
        assertThat(loaded.topics().events()).isEqualTo("ref.events");
    }

    @Test
    void shouldStillNameEveryOtherProblemByKey() throws Exception {
        Path config = ReferenceData.writeConfig(dir);
        Files.writeString(
                config,
                Files.readString(config)
                        .replace("classes: [low, mid, high]", "classes: [low]")
                        .replace("join-timeout: 30s", "join-timeout: 0s"));

        assertThatThrownBy(() -> ProfileConfig.load(config, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(config.toString())
                .hasMessageContaining("input.join-timeout: must be positive")
                .hasMessageContaining("models[1].output.classes: at least two class labels");
    }

    @Test
    void shouldReportMissingFilesAndBrokenYamlAsConfigLoaderDoes() throws Exception {
        assertThatThrownBy(() -> ProfileConfig.load(dir.resolve("nope.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config file not found");
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "kafka: [\n");
        assertThatThrownBy(() -> ProfileConfig.load(broken, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML");
    }
}
