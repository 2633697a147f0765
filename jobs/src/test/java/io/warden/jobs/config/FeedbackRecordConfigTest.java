package io.warden.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.poisoning.ClassConditionalOutliers;
import io.warden.jobs.poisoning.FeedbackRecordModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models[].detectors.poisoning.records}: binding, the reference file resolved next to the
 * config, the detectors fitted from it, and every problem named by key, file and line.
 */
class FeedbackRecordConfigTest {
    @TempDir Path dir;

    private WardenConfig parse(String records) {
        return ConfigLoader.parse(
                """
                kafka:
                  bootstrap-servers: localhost:9092
                models:
                  - name: m
                    features: {tensor: x, names: [f1, f2]}
                    output: {tensor: p, classes: [a, b]}
                    detectors:
                      performance: {reference-accuracy: 0.9}
                      poisoning:
                        records:
                """
                        + records.indent(10),
                dir,
                "warden.yaml",
                Map.of());
    }

    /** Rows per class around (0, 0) for a and (5, 5) for b, with the label column last. */
    private Path reference(String name, int perClass) throws Exception {
        Random r = new Random(3);
        StringBuilder csv = new StringBuilder("f2,f1,label,note\n");
        for (int i = 0; i < perClass; i++) {
            csv.append(r.nextGaussian()).append(',').append(r.nextGaussian()).append(",a,x\n");
            csv.append(5 + r.nextGaussian())
                    .append(',')
                    .append(5 + r.nextGaussian())
                    .append(",b,\"y, z\"\n");
        }
        Path file = dir.resolve(name);
        Files.writeString(file, csv);
        return file;
    }

    @Test
    void shouldFitTheDetectorsFromTheReferenceNextToTheConfig() throws Exception {
        Path file = reference("ref.csv", 300);
        WardenConfig c =
                parse(
                        "reference: ref.csv\nreference-sha256: "
                                + ModelFile.sha256Of(file)
                                + "\nalpha: 0.01\nspectral-window: 0\n");
        ModelSpec.FeedbackRecordSettings s = c.models().get(0).detectors().poisoning().records();
        assertThat(Path.of(s.reference())).isEqualTo(file.toAbsolutePath());
        assertThat(s.labelColumn()).isEqualTo("label");
        assertThat(s.method()).isEqualTo(ModelSpec.OutlierPValue.CONFORMAL);
        FeedbackRecordModel model = FeedbackRecordModel.fit(c.models().get(0));
        assertThat(model.spectral()).isNull();
        ClassConditionalOutliers outliers = model.outliers();
        assertThat(outliers.dimension()).isEqualTo(2);
        // The columns are read by name, not position: (f1, f2) = (5, 5) is class b's centre.
        assertThat(outliers.assess(new double[] {5, 5}, 1).flagged()).isFalse();
        assertThat(outliers.assess(new double[] {5, 5}, 0).flagged()).isTrue();
        assertThat(outliers.assess(new double[] {0, 0}, 0).flagged()).isFalse();
    }

    @Test
    void shouldDefaultToSpectralWindowsOf200AndMediumSeverity() throws Exception {
        reference("ref.csv", 2000);
        WardenConfig c = parse("reference: ref.csv\n");
        ModelSpec.FeedbackRecordSettings s = c.models().get(0).detectors().poisoning().records();
        assertThat(s.alpha()).isEqualTo(0.001);
        assertThat(s.spectralWindow()).isEqualTo(200);
        assertThat(s.severity()).isEqualTo(io.warden.schemas.Severity.MEDIUM);
        assertThat(FeedbackRecordModel.fit(c.models().get(0)).spectral()).isNotNull();
    }

    @Test
    void shouldNameTheKeyOfEveryBadSetting() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        "reference: missing.csv\nalpha: 2\nshrinkage: -1\n"
                                                + "spectral-window: 5\nepsilon: 0.5\n"
                                                + "separation-factor: 0.5\n"
                                                + "review-min-flagged: -1\n"
                                                + "review-flag-rate: 1\n"))
                .hasMessageContaining("poisoning.records.reference: no such file")
                .hasMessageContaining("poisoning.records.alpha: must be in (0, 1), got 2.0")
                .hasMessageContaining("poisoning.records.shrinkage: must be in [0, 1]")
                .hasMessageContaining(
                        "poisoning.records.spectral-window: must be 0 (off) or in [20, 100000]")
                .hasMessageContaining("poisoning.records.epsilon: must be in (0, 1/3]")
                .hasMessageContaining("poisoning.records.separation-factor: must be a finite")
                .hasMessageContaining("poisoning.records.review-min-flagged: must be in [0, 1000]")
                .hasMessageContaining("poisoning.records.review-flag-rate: must be in (0, 1)");
    }

    @Test
    void shouldRefuseAReferenceTooSmallForTheConformalAlpha() throws Exception {
        reference("ref.csv", 300);
        // alpha 0.001 needs 999 calibration rows, i.e. 1998 rows, of each class.
        assertThatThrownBy(() -> parse("reference: ref.csv\n"))
                .hasMessageContaining("poisoning.records.reference: ")
                .hasMessageContaining("every class needs at least 1998 rows")
                .hasMessageContaining("'a' has 300 rows, 'b' has 300 rows");
        // The chi-squared p-value needs no calibration rows.
        assertThat(parse("reference: ref.csv\nmethod: chi-squared\n")).isNotNull();
    }

    @Test
    void shouldNameTheFileLineAndColumnOfABadCell() throws Exception {
        Files.writeString(dir.resolve("bad.csv"), "f1,f2,label\n1,2,a\n1,oops,b\n");
        assertThatThrownBy(() -> parse("reference: bad.csv\nmethod: chi-squared\n"))
                .hasMessageContaining("bad.csv line 3 column f2: 'oops' is not a finite number");
        Files.writeString(dir.resolve("label.csv"), "f1,f2,label\n1,2,c\n");
        assertThatThrownBy(() -> parse("reference: label.csv\nmethod: chi-squared\n"))
                .hasMessageContaining(
                        "label.csv line 2 column label: 'c' is not one of the model's classes");
        Files.writeString(dir.resolve("cols.csv"), "f1,label\n1,a\n");
        assertThatThrownBy(() -> parse("reference: cols.csv\nmethod: chi-squared\n"))
                .hasMessageContaining("cols.csv header lacks the column(s) [f2]");
    }

    @Test
    void shouldRefuseAReferenceWhoseHashIsNotThePinnedOne() throws Exception {
        reference("ref.csv", 300);
        assertThatThrownBy(
                        () ->
                                parse(
                                        "reference: ref.csv\nmethod: chi-squared\n"
                                                + "reference-sha256: "
                                                + "ab".repeat(32)
                                                + "\n"))
                .hasMessageContaining("poisoning.records.reference-sha256: ")
                .hasMessageContaining("not the pinned " + "ab".repeat(32));
    }
}
