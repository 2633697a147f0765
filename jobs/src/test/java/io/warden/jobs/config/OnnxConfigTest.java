package io.warden.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.detectors.onnx.ExecutionProvider;
import io.warden.detectors.onnx.ModelFile;
import io.warden.jobs.config.ModelSpec.BuiltinDetector;
import io.warden.jobs.config.ModelSpec.OnnxDetectorSettings;
import io.warden.jobs.config.ModelSpec.ScoreDirection;
import io.warden.jobs.onnx.LinearScoreModel;
import io.warden.schemas.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models[].detectors.onnx}: binding, defaults, the pin and every validation message. */
class OnnxConfigTest {
    @TempDir Path dir;
    private ModelFile model;

    @BeforeEach
    void writeModel() throws IOException {
        Files.createDirectories(dir.resolve("models"));
        model =
                new LinearScoreModel(new double[] {1, 2, 3, 4}, 0.5)
                        .write(dir.resolve("models/linear.onnx"));
    }

    private WardenConfig load(String onnx) throws IOException {
        return load("", onnx);
    }

    /** Loads the model with {@code onnx} as its ONNX detectors, after a {@code topics} section. */
    private WardenConfig load(String topics, String onnx) throws IOException {
        Path file = dir.resolve("warden.yaml");
        Files.writeString(
                file,
                """
                kafka:
                  bootstrap-servers: localhost:9092
                """
                        + topics
                        + """
                models:
                  - name: iris
                    features: {tensor: input, names: [a, b, c, d, e]}
                    output: {tensor: probabilities, classes: [x, y]}
                    detectors:
                      onnx:
                """
                        + onnx.indent(8));
        return ConfigLoader.load(file, Map.of());
    }

    private String entry(String extra) {
        return "- name: linear\n  model: models/linear.onnx\n  sha256: "
                + model.sha256()
                + "\n  input: features\n  output: score\n  features: [a, b, c, d]\n"
                + extra;
    }

    @Test
    void shouldLoadADetectorWithItsDefaultsAndResolveItsPath() throws IOException {
        WardenConfig c = load(entry("  threshold: 2.5\n"));

        OnnxDetectorSettings d = c.models().get(0).detectors().onnx().get(0);
        assertThat(d.model()).isEqualTo(dir.resolve("models/linear.onnx").toString());
        assertThat(d.direction()).isEqualTo(ScoreDirection.HIGH);
        assertThat(d.threshold()).isEqualTo(2.5);
        assertThat(d.alpha()).isNull();
        assertThat(d.batchSize()).isEqualTo(64);
        assertThat(d.maxWait()).isEqualTo(Duration.ofMillis(50));
        assertThat(d.intraOpThreads()).isEqualTo(1);
        assertThat(d.executionProvider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(d.severity()).isEqualTo(Severity.MEDIUM);
    }

    @Test
    void shouldBindTheControlAndAdversarialExamplesTopics() throws IOException {
        WardenConfig c =
                load(
                        "topics:\n  control: ml.control\n  adversarial-examples: ml.adversarial\n",
                        entry("  threshold: 2.5\n"));

        assertThat(c.topics().control()).isEqualTo("ml.control");
        assertThat(c.topics().adversarialExamples()).isEqualTo("ml.adversarial");
        assertThat(c.topics().alerts()).isEqualTo("warden.alerts");
    }

    @Test
    void shouldLeaveTheControlAndAdversarialExamplesTopicsOffByDefault() throws IOException {
        WardenConfig c = load(entry("  threshold: 2.5\n"));

        assertThat(c.topics().control()).isNull();
        assertThat(c.topics().adversarialExamples()).isNull();
    }

    @Test
    void shouldRejectIllegalOrSharedControlAndAdversarialExamplesTopics() {
        assertThatThrownBy(
                        () ->
                                load(
                                        "topics:\n  control: warden.alerts\n"
                                                + "  adversarial-examples: 'bad topic'\n",
                                        entry("  threshold: 2.5\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "topics.control: 'warden.alerts' is already used by topics.alerts")
                .hasMessageContaining(
                        "topics.adversarial-examples: 'bad topic' is not a legal Kafka topic name");
    }

    @Test
    void shouldBindEveryKey() throws IOException {
        WardenConfig c =
                load(
                        entry(
                                """
                                  direction: low
                                  threshold: -1
                                  batch-size: 16
                                  max-wait: 200ms
                                  intra-op-threads: 2
                                  execution-provider: cuda
                                  severity: high
                                """));

        OnnxDetectorSettings d = c.models().get(0).detectors().onnx().get(0);
        assertThat(d.direction()).isEqualTo(ScoreDirection.LOW);
        assertThat(d.batchSize()).isEqualTo(16);
        assertThat(d.maxWait()).isEqualTo(Duration.ofMillis(200));
        assertThat(d.intraOpThreads()).isEqualTo(2);
        assertThat(d.executionProvider()).isEqualTo(ExecutionProvider.CUDA);
        assertThat(d.severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void shouldRefuseAModelFileThatDoesNotMatchItsPinNamingKeyAndFile() {
        String wrong = "ab".repeat(32);
        assertThatThrownBy(() -> load(entry("  threshold: 1\n").replace(model.sha256(), wrong)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[0].detectors.onnx[0].sha256")
                .hasMessageContaining(dir.resolve("models/linear.onnx").toString())
                .hasMessageContaining("expected " + wrong)
                .hasMessageContaining("actual " + model.sha256());
    }

    @Test
    void shouldAcceptAnUpperCasePinAndNameAMalformedOne() throws IOException {
        load(
                entry("  threshold: 1\n")
                        .replace(model.sha256(), model.sha256().toUpperCase(Locale.ROOT)));

        assertThatThrownBy(() -> load(entry("  threshold: 1\n").replace(model.sha256(), "abc")))
                .hasMessageContaining("models[0].detectors.onnx[0].sha256")
                .hasMessageContaining("must be 64 hex digits");
    }

    @Test
    void shouldNameAMissingModelFileAndAMissingPin() {
        assertThatThrownBy(
                        () -> load(entry("  threshold: 1\n").replace("linear.onnx", "gone.onnx")))
                .hasMessageContaining("models[0].detectors.onnx[0].model")
                .hasMessageContaining(dir.resolve("models/gone.onnx").toString());
        assertThatThrownBy(
                        () ->
                                load(
                                        entry("  threshold: 1\n")
                                                .replace("  sha256: " + model.sha256() + "\n", "")))
                .hasMessageContaining("models[0].detectors.onnx[0].sha256: required");
    }

    @Test
    void shouldNameEveryBadSetting() {
        String yaml =
                entry("  threshold: 1\n  alpha: 0.01\n  batch-size: 0\n  max-wait: 0s\n")
                        + entry("  intra-op-threads: 0\n").replace("[a, b, c, d]", "[a, z, a]");
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[0].detectors.onnx[0]: give exactly one of threshold")
                .hasMessageContaining("models[0].detectors.onnx[0].batch-size: must be in [1,")
                .hasMessageContaining("models[0].detectors.onnx[0].max-wait: must be positive")
                .hasMessageContaining(
                        "models[0].detectors.onnx[1].name: 'linear' is used by another")
                .hasMessageContaining("models[0].detectors.onnx[1].features: [z] not in")
                .hasMessageContaining("models[0].detectors.onnx[1].features: duplicate names [a]")
                .hasMessageContaining("models[0].detectors.onnx[1]: give exactly one of")
                .hasMessageContaining("models[0].detectors.onnx[1].intra-op-threads");
    }

    @Test
    void shouldRequireAProfileForAlpha() {
        assertThatThrownBy(() -> load(entry("  alpha: 0.01\n")))
                .hasMessageContaining("models[0].detectors.onnx[0].alpha: needs reference rows")
                .hasMessageContaining("or use threshold");
    }

    @Test
    void shouldNameTensorsTheModelDoesNotHaveAndAWrongWidth() {
        assertThatThrownBy(
                        () ->
                                load(
                                        entry("  threshold: 1\n")
                                                .replace("output: score", "output: nope")))
                .hasMessageContaining("models[0].detectors.onnx[0]: ")
                .hasMessageContaining("nope")
                .hasMessageContaining("score");
        assertThatThrownBy(
                        () ->
                                load(
                                        entry("  threshold: 1\n")
                                                .replace("  features: [a, b, c, d]\n", "")))
                .hasMessageContaining("models[0].detectors.onnx[0]: ")
                .hasMessageContaining("linear.onnx");
    }

    @Test
    void shouldNameAnUnknownKeyOfADetector() {
        assertThatThrownBy(() -> load(entry("  threshold: 1\n  treshold: 2\n")))
                .hasMessageContaining("unknown key 'treshold'")
                .hasMessageContaining("batch-size");
    }

    // ---- builtin ---------------------------------------------------------------------------

    /**
     * A config with the demo model's features and, unless {@code profile} is false, its profile.
     */
    private WardenConfig loadDemo(boolean profile, String onnx) throws IOException {
        Path reference = dir.resolve("reference/demo-classifier.profile.json");
        Files.createDirectories(reference.getParent());
        Files.copy(Path.of("..", "deploy", "reference", "demo-classifier.profile.json"), reference);
        Path file = dir.resolve("warden.yaml");
        Files.writeString(
                file,
                """
                kafka:
                  bootstrap-servers: localhost:9092
                models:
                  - name: demo-classifier
                """
                        + (profile ? "    profile: reference/demo-classifier.profile.json\n" : "")
                        + """
                            features: {tensor: input, names: [f0, f1, f2, f3, f4, f5, f6, f7]}
                            output: {tensor: probabilities, classes: [alpha, bravo, charlie, delta]}
                            detectors:
                              onnx:
                        """
                        + onnx.indent(8));
        return ConfigLoader.load(file, Map.of());
    }

    @Test
    void shouldLoadBuiltinDetectors() throws IOException {
        WardenConfig c =
                loadDemo(
                        true,
                        """
                        - name: maha
                          builtin: mahalanobis
                          threshold: 40
                        - name: pca
                          builtin: pca
                          alpha: 0.01
                        """);

        List<OnnxDetectorSettings> onnx = c.models().get(0).detectors().onnx();
        assertThat(onnx)
                .extracting(OnnxDetectorSettings::builtin)
                .containsExactly(BuiltinDetector.MAHALANOBIS, BuiltinDetector.PCA);
        assertThat(onnx.get(0).model()).isNull();
        assertThat(onnx.get(0).sha256()).isNull();
        assertThat(onnx.get(0).threshold()).isEqualTo(40.0);
        assertThat(onnx.get(1).alpha()).isEqualTo(0.01);
    }

    @Test
    void shouldNameTheKeysGivenWithBuiltin() {
        assertThatThrownBy(
                        () ->
                                loadDemo(
                                        true,
                                        """
                                        - name: maha
                                          builtin: mahalanobis
                                          model: models/linear.onnx
                                          sha256: %s
                                          input: features
                                          output: score
                                          features: [f0, f1]
                                          threshold: 40
                                        """
                                                .formatted(model.sha256())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[0].detectors.onnx[0].model: not with builtin")
                .hasMessageContaining("models[0].detectors.onnx[0].sha256: not with builtin")
                .hasMessageContaining("models[0].detectors.onnx[0].input: not with builtin")
                .hasMessageContaining("models[0].detectors.onnx[0].output: not with builtin")
                .hasMessageContaining("models[0].detectors.onnx[0].features: not with builtin");
    }

    @Test
    void shouldNameTheMissingModelWhenNeitherBuiltinNorModelIsGiven() {
        assertThatThrownBy(() -> loadDemo(true, "- name: none\n  threshold: 1\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[0].detectors.onnx[0].model: required")
                .hasMessageContaining("or builtin: pca | mahalanobis")
                .hasMessageContaining("models[0].detectors.onnx[0].sha256: required")
                .hasMessageContaining("models[0].detectors.onnx[0].input: required")
                .hasMessageContaining("models[0].detectors.onnx[0].output: required");
    }

    @Test
    void shouldRequireAProfileForBuiltin() {
        assertThatThrownBy(
                        () ->
                                loadDemo(
                                        false,
                                        "- name: maha\n  builtin: mahalanobis\n  threshold: 1\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "models[0].detectors.onnx[0].builtin: needs the model's profile");
    }

    @Test
    void shouldNameAnUnknownBuiltin() {
        assertThatThrownBy(
                        () -> loadDemo(true, "- name: x\n  builtin: isolation\n  threshold: 1\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("builtin")
                .hasMessageContaining(
                        "'isolation' is not valid, expected one of [pca, mahalanobis]");
    }
}
