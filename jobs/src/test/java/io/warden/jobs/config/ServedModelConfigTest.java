package io.warden.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.squeezing.BitDepthReduction;
import io.warden.detectors.squeezing.MedianSmoothing;
import io.warden.jobs.config.ModelSpec.EnsembleCombination;
import io.warden.jobs.onnx.LinearScoreModel;
import io.warden.jobs.onnx.OnnxDetector;
import io.warden.jobs.onnx.OnnxDetectors;
import io.warden.jobs.onnx.SoftmaxLinearModel;
import io.warden.schemas.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code served-model}, {@code detectors.squeezing}, {@code detectors.integrity} and {@code
 * detectors.evasion-ensemble}: binding, defaults, the pin and the validation messages.
 */
class ServedModelConfigTest {
    @TempDir Path dir;
    private ModelFile served;
    private ModelFile score;

    @BeforeEach
    void writeModels() throws IOException {
        double[][] w = new double[3][4];
        for (int c = 0; c < 3; c++) {
            w[c][c] = 1;
        }
        served = new SoftmaxLinearModel(w, new double[3]).write(dir.resolve("served.onnx"));
        score = new LinearScoreModel(new double[] {1, 1, 1, 1}, 0).write(dir.resolve("s.onnx"));
    }

    private WardenConfig load(String servedModel, String detectors) throws IOException {
        Path file = dir.resolve("warden.yaml");
        Files.writeString(
                file,
                """
                kafka:
                  bootstrap-servers: localhost:9092
                models:
                  - name: pixels
                    features: {tensor: input, shape: [2, 2]}
                    output: {tensor: probabilities, classes: [x, y, z]}
                """
                        + servedModel.indent(4)
                        + "    detectors:\n"
                        + detectors.indent(6));
        return ConfigLoader.load(file, Map.of());
    }

    private String servedModel() {
        return "served-model:\n  model: served.onnx\n  sha256: "
                + served.sha256()
                + "\n  input: features\n  output: probabilities\n";
    }

    private static final String SQUEEZING =
            """
            squeezing:
              squeezers:
                - {type: bit-depth, bits: 2, min: 0, max: 1}
                - {type: median, window: 2}
              threshold: 0.5
            """;

    @Test
    void shouldLoadServedModelDetectorsWithTheirDefaults() throws IOException {
        WardenConfig c = load(servedModel(), SQUEEZING + "integrity: {}\n");

        ModelSpec m = c.models().get(0);
        assertThat(m.servedModel().model()).isEqualTo(dir.resolve("served.onnx").toString());
        assertThat(m.servedModel().intraOpThreads()).isEqualTo(1);
        assertThat(m.detectors().squeezing().name()).isEqualTo("squeezing");
        assertThat(m.detectors().integrity().sampleRate()).isEqualTo(0.01);
        assertThat(m.detectors().integrity().tolerance()).isEqualTo(1e-4);
        assertThat(m.detectors().integrity().severity()).isEqualTo(Severity.HIGH);

        OnnxDetectors detectors = OnnxDetectors.from(c, dir.resolve("builtin"));
        assertThat(detectors.all())
                .extracting(OnnxDetector::kind)
                .containsExactly(OnnxDetector.Kind.SQUEEZING, OnnxDetector.Kind.INTEGRITY);
        OnnxDetector squeezing = detectors.all().get(0);
        assertThat(squeezing.squeezing().squeezers())
                .containsExactly(new BitDepthReduction(2, 0, 1), new MedianSmoothing(2, 2, 2));
        assertThat(squeezing.sha256()).isEqualTo(served.sha256());
        assertThat(detectors.all().get(1).detectorId()).isEqualTo("onnx.integrity");
        assertThat(detectors.ensembles()).isEmpty();
    }

    @Test
    void shouldRefuseAServedModelThatDoesNotMatchItsPin() {
        String wrong = "cd".repeat(32);
        assertThatThrownBy(
                        () ->
                                load(
                                        servedModel().replace(served.sha256(), wrong),
                                        "integrity: {}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[0].served-model.sha256")
                .hasMessageContaining(dir.resolve("served.onnx").toString())
                .hasMessageContaining("expected " + wrong);
    }

    @Test
    void shouldRefuseAServedModelWhoseOutputIsNotOneValuePerClass() {
        String wrong =
                "served-model:\n  model: s.onnx\n  sha256: "
                        + score.sha256()
                        + "\n  input: features\n  output: score\n";
        assertThatThrownBy(() -> load(wrong, "integrity: {}\n"))
                .hasMessageContaining("models[0].served-model.output")
                .hasMessageContaining("gives 1 values per row, but the model has 3 classes");
    }

    @Test
    void shouldNameEveryProblemOfTheDetectorsOnTheServedModel() {
        assertThatThrownBy(() -> load("", SQUEEZING + "integrity: {sample-rate: 0}\n"))
                .hasMessageContaining(
                        "models[0].detectors.squeezing: needs the model's served-model")
                .hasMessageContaining("models[0].detectors.integrity: needs the model's")
                .hasMessageContaining(
                        "models[0].detectors.integrity.sample-rate: must be in (0, 1]");
        assertThatThrownBy(
                        () ->
                                load(
                                        servedModel(),
                                        """
                                        squeezing:
                                          squeezers:
                                            - {type: median}
                                            - {type: bit-depth, bits: 2}
                                            - {type: rounding, step: -1}
                                          threshold: 3
                                        """))
                .hasMessageContaining("squeezing.squeezers[0]: median needs window")
                .hasMessageContaining("squeezing.squeezers[1]: bit-depth needs bits, min and max")
                .hasMessageContaining("squeezing.squeezers[2]: step 0 must be positive")
                .hasMessageContaining("squeezing.threshold: must be in (0, 2)");
    }

    @Test
    void shouldRefuseMedianSmoothingOfTabularFeatures() throws IOException {
        Path file = dir.resolve("tabular.yaml");
        Files.writeString(
                file,
                """
                kafka:
                  bootstrap-servers: localhost:9092
                models:
                  - name: t
                    features: {tensor: input, names: [a, b, c, d]}
                    output: {tensor: probabilities, classes: [x, y, z]}
                """
                        + servedModel().indent(4)
                        + """
                            detectors:
                              squeezing:
                                squeezers: [{type: median, window: 2}]
                                threshold: 0.5
                        """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessageContaining("squeezers[0]: median needs image-shaped features");
    }

    @Test
    void shouldRefuseAnEnsembleWithoutMembersOrWithMembersThatJudgeThemselves() {
        assertThatThrownBy(() -> load(servedModel(), "evasion-ensemble: {alpha: 0.01}\n"))
                .hasMessageContaining("models[0].detectors.evasion-ensemble: has no members");
        String member =
                "onnx:\n  - name: s\n    model: s.onnx\n    sha256: "
                        + score.sha256()
                        + "\n    input: features\n    output: score\n    threshold: 1\n";
        assertThatThrownBy(
                        () ->
                                load(
                                        servedModel(),
                                        SQUEEZING
                                                + member
                                                + "evasion-ensemble: {combination: bonferroni}\n"))
                .hasMessageContaining(
                        "models[0].detectors.onnx[0]: neither threshold nor alpha with"
                                + " evasion-ensemble")
                .hasMessageContaining(
                        "models[0].detectors.squeezing: neither threshold nor alpha with"
                                + " evasion-ensemble")
                .hasMessageContaining(
                        "models[0].detectors.evasion-ensemble.alpha: needs reference rows");
    }

    @Test
    void shouldBindTheEnsemblesCombination() {
        assertThat(new ModelSpec.EnsembleSettings(null, null, null).combination())
                .isEqualTo(EnsembleCombination.FISHER);
        assertThat(EnsembleCombination.BONFERRONI.toCombination().name()).isEqualTo("BONFERRONI");
    }
}
