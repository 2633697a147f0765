package io.warden.detectors.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.warden.detectors.multivariate.Covariance;
import io.warden.detectors.multivariate.PcaReconstruction;
import io.warden.detectors.profile.ProfileBuilder;
import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ProfileMetadata;
import io.warden.detectors.profile.ProfileSchema;
import io.warden.detectors.profile.ProfileSettings;
import io.warden.detectors.profile.ReferenceProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built-in ONNX exports scored by real ONNX Runtime sessions through {@link OnnxScorer},
 * against the same scores computed in Java in double precision.
 *
 * <p>Tolerance: |ONNX &minus; Java| &le; {@value #TOLERANCE} &middot; max(1, |Java|), i.e. relative
 * 1e-4 for scores above 1 and absolute 1e-4 below. ONNX Runtime computes in float (about 7
 * significant digits) from parameters rounded to float once; the largest error seen on these data
 * was 4e-6 on that scale, so the bound leaves a margin of about 25.
 */
class BuiltInDetectorsTest {

    private static final double TOLERANCE = 1e-4;
    private static final int D = 6;
    private static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "f");
    private static final double[] UNITS = {1.0, 1000.0, 0.01, 5.0, 1.0, 250.0};

    @TempDir Path dir;

    /** Correlated Gaussian rows in mixed units: x_i = units_i (g_i + 0.8 g_(i-1)) + i. */
    private static double[][] referenceRows(int n, long seed) {
        Random random = new Random(seed);
        double[][] rows = new double[n][D];
        for (double[] row : rows) {
            double previous = random.nextGaussian();
            for (int i = 0; i < D; i++) {
                double g = random.nextGaussian();
                row[i] = UNITS[i] * (g + 0.8 * previous) + i;
                previous = g;
            }
        }
        return rows;
    }

    /** Rows to score: shifted and wider than the reference, some with NaN or infinite values. */
    private static float[][] queryRows(int n, long seed, int width) {
        Random random = new Random(seed);
        float[][] rows = new float[n][width];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < width; i++) {
                double unit = UNITS[i % UNITS.length];
                rows[r][i] = (float) (unit * (1.5 * random.nextGaussian() + 0.3) + i);
            }
            if (r % 10 == 3) {
                rows[r][r % width] = Float.NaN;
            }
            if (r % 10 == 7) {
                rows[r][(r + 1) % width] =
                        r % 20 == 7 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            }
        }
        return rows;
    }

    private static ReferenceProfile profile(List<String> names, double[][] rows) {
        ProfileBuilder builder =
                ProfileBuilder.create(ProfileSchema.numeric(names), ProfileSettings.defaults());
        for (double[] row : rows) {
            builder.add(row);
        }
        return builder.build(ProfileMetadata.of(Instant.parse("2026-01-02T03:04:05Z"), "m"));
    }

    private static final ReferenceProfile PROFILE = profile(NAMES, referenceRows(3000, 42));

    private float[] score(ExportedModel model, float[][] rows) throws IOException {
        ModelFile file = model.writeTo(dir.resolve(model.name() + ".onnx"));
        int width = model.featureCount();
        float[] flat = new float[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * width, width);
        }
        float[] out = new float[rows.length];
        try (OnnxScorer scorer = new OnnxScorer(file, model.settings())) {
            scorer.score(flat, rows.length, out);
        }
        return out;
    }

    private static double[] widen(float[] row) {
        double[] x = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            x[i] = row[i];
        }
        return x;
    }

    private static void assertScores(
            float[][] rows, float[] scores, ToDoubleFunction<double[]> expected) {
        for (int r = 0; r < rows.length; r++) {
            double want = expected.applyAsDouble(widen(rows[r]));
            assertThat(Double.isFinite(want)).as("Java score of row %d", r).isTrue();
            assertThat((double) scores[r])
                    .as("ONNX score of row %d (Java %s)", r, want)
                    .isBetween(
                            want - TOLERANCE * Math.max(1.0, Math.abs(want)),
                            want + TOLERANCE * Math.max(1.0, Math.abs(want)));
        }
    }

    /**
     * The squared Mahalanobis distance straight from its definition: the regularized population
     * covariance S + ridge D^2 inverted by LU decomposition, non-finite values imputed by the mean.
     */
    static ToDoubleFunction<double[]> directMahalanobis(Covariance reference, double ridge) {
        int d = reference.dimension();
        double[][] s = reference.covarianceMatrix(0);
        for (int i = 0; i < d; i++) {
            s[i][i] += ridge * (s[i][i] > 0 ? s[i][i] : 1.0);
        }
        RealMatrix inverse =
                new LUDecomposition(new Array2DRowRealMatrix(s)).getSolver().getInverse();
        double[] mean = reference.mean();
        return x -> {
            double[] delta = new double[d];
            for (int i = 0; i < d; i++) {
                delta[i] = Double.isFinite(x[i]) ? x[i] - mean[i] : 0.0;
            }
            double sum = 0.0;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    sum += delta[i] * inverse.getEntry(i, j) * delta[j];
                }
            }
            return sum;
        };
    }

    @ParameterizedTest(name = "batch {0}")
    @ValueSource(ints = {1, 7, 256})
    void pcaScoresAreThePcaReconstructionErrors(int batch) throws IOException {
        PcaReconstruction pca =
                PROFILE.multivariate().orElseThrow().pca().orElseThrow().reconstruction();
        assertThat(pca.componentCount()).isBetween(1, D - 1);
        float[][] rows = queryRows(batch, batch, D);

        float[] scores = score(BuiltInDetectors.pcaReconstruction(PROFILE), rows);

        assertScores(rows, scores, pca::error);
    }

    @ParameterizedTest(name = "batch {0}")
    @ValueSource(ints = {1, 7, 256})
    void mahalanobisScoresAreTheDirectComputation(int batch) throws IOException {
        Covariance reference = PROFILE.multivariate().orElseThrow().covariance();
        float[][] rows = queryRows(batch, 100 + batch, D);

        float[] scores = score(BuiltInDetectors.mahalanobis(PROFILE), rows);

        assertScores(rows, scores, directMahalanobis(reference, BuiltInDetectors.DEFAULT_RIDGE));
    }

    @ParameterizedTest(name = "batch {0}")
    @ValueSource(ints = {1, 7, 256})
    void mahalanobisOfADiagonalCovarianceIsTheSumOfSquaredZScores(int batch) throws IOException {
        double[] mean = {1.0, -2.0, 300.0, 0.5};
        double[] variance = {4.0, 0.25, 10_000.0, 1.0};
        int n = 50;
        double[] comoment = new double[16];
        for (int i = 0; i < 4; i++) {
            comoment[i * 4 + i] = variance[i] * n;
        }
        Covariance diagonal = Covariance.of(n, mean, comoment);
        double ridge = 1e-3;
        float[][] rows = queryRows(batch, 200 + batch, 4);

        float[] scores = score(BuiltInDetectors.mahalanobis(diagonal, ridge), rows);

        // The ridge scales every variance by (1 + ridge).
        assertScores(
                rows,
                scores,
                x -> {
                    double sum = 0.0;
                    for (int i = 0; i < 4; i++) {
                        double z = Double.isFinite(x[i]) ? (x[i] - mean[i]) : 0.0;
                        sum += z * z / variance[i];
                    }
                    return sum / (1.0 + ridge);
                });
    }

    @Test
    void aDegenerateReferenceStillGivesUsableModels() throws IOException {
        // Feature 2 is constant, feature 3 repeats feature 0: the covariance is singular twice.
        double[][] rows = referenceRows(500, 7);
        for (double[] row : rows) {
            row[2] = 0.125;
            row[3] = row[0];
        }
        ReferenceProfile degenerate = profile(NAMES, rows);
        Covariance reference = degenerate.multivariate().orElseThrow().covariance();
        PcaReconstruction pca =
                degenerate.multivariate().orElseThrow().pca().orElseThrow().reconstruction();
        float[][] query = queryRows(64, 8, D);
        for (float[] row : query) {
            row[2] = 0.125f;
            row[3] = row[0];
        }
        float[][] broken = {query[0].clone(), query[1].clone()};
        broken[0][2] = 0.25f; // leaves the constant
        broken[1][3] = broken[1][0] + 0.5f; // breaks the duplicate

        ExportedModel mahalanobis = BuiltInDetectors.mahalanobis(degenerate);
        float[] scores = score(mahalanobis, query);
        float[] brokenScores = score(mahalanobis, broken);
        float[] pcaScores = score(BuiltInDetectors.pcaReconstruction(degenerate), query);

        assertScores(query, scores, directMahalanobis(reference, BuiltInDetectors.DEFAULT_RIDGE));
        assertScores(query, pcaScores, pca::error);
        assertScores(
                broken, brokenScores, directMahalanobis(reference, BuiltInDetectors.DEFAULT_RIDGE));
        float typical = 0;
        for (float s : scores) {
            typical = Math.max(typical, s);
        }
        // A step of 0.125 off a constant: about 0.125^2 / ridge = 15625.
        assertThat(brokenScores[0]).as("a row off the constant").isGreaterThan(100 * typical);
        assertThat(brokenScores[1]).as("a row off the duplicate").isGreaterThan(100 * typical);
    }

    @Test
    void allConstantFeaturesGiveTheSquaredDistanceOverTheRidge() throws IOException {
        double[][] rows = {{1.0, 2.0}, {1.0, 2.0}, {1.0, 2.0}};
        float[][] query = {{1.0f, 2.0f}, {1.5f, 2.0f}};
        float[] scores = score(BuiltInDetectors.mahalanobis(rows, 0.01), query);
        assertThat(scores[0]).isZero();
        assertThat((double) scores[1]).isCloseTo(0.25 / 0.01, within(1e-3));
    }

    @Test
    void theSameReferenceGivesTheSameBytesAndId() throws IOException {
        ReferenceProfile again = profile(NAMES, referenceRows(3000, 42));
        ExportedModel first = BuiltInDetectors.mahalanobis(PROFILE);
        ExportedModel second = BuiltInDetectors.mahalanobis(again);
        ExportedModel pcaFirst = BuiltInDetectors.pcaReconstruction(PROFILE);
        ExportedModel pcaSecond = BuiltInDetectors.pcaReconstruction(again);

        Path a = first.writeTo(dir.resolve("a.onnx")).path();
        Path b = second.writeTo(dir.resolve("b.onnx")).path();

        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(pcaFirst.bytes()).isEqualTo(pcaSecond.bytes());
        assertThat(first.id()).isEqualTo(second.id()).startsWith("warden-mahalanobis-v1-");
        assertThat(pcaFirst.id())
                .isEqualTo(pcaSecond.id())
                .startsWith("warden-pca-reconstruction-v1-");
        assertThat(ModelFile.sha256Of(a)).isEqualTo(first.sha256());
        assertThat(BuiltInDetectors.mahalanobis(profile(NAMES, referenceRows(3000, 43))).id())
                .as("other reference data")
                .isNotEqualTo(first.id());
    }

    @Test
    void describeShowsTheGraphAndWhereItsParametersCameFrom() {
        String pca = BuiltInDetectors.pcaReconstruction(PROFILE).describe();
        String mahalanobis = BuiltInDetectors.mahalanobis(PROFILE).describe();

        assertThat(pca)
                .contains("input  features[batch, 6]", "output score[batch]")
                .contains("projection = MatMul(standardized, components_t)")
                .contains("error = Sqrt(squared_error)")
                .contains("meta   warden.reference.profile-id = " + PROFILE.id())
                .contains("meta   warden.features = a,b,c,d,e,f");
        assertThat(mahalanobis)
                .contains("squared_distance = ReduceSumSquare(whitened) axes=[1] keepdims=0")
                .contains("meta   warden.mahalanobis.ridge = 1.0E-6")
                .contains("meta   warden.reference.rows = 3000");
    }

    @Test
    void mainWritesBothModelsOfAProfileFile() throws IOException {
        Path profileFile = dir.resolve("profile.json");
        ProfileIo.write(PROFILE, profileFile);
        Path out = dir.resolve("models");

        BuiltInDetectors.main(new String[] {profileFile.toString(), out.toString()});

        assertThat(Files.readAllBytes(out.resolve("pca-reconstruction.onnx")))
                .isEqualTo(BuiltInDetectors.pcaReconstruction(PROFILE).bytes());
        assertThat(Files.readAllBytes(out.resolve("mahalanobis.onnx")))
                .isEqualTo(BuiltInDetectors.mahalanobis(PROFILE).bytes());
    }

    @Test
    void badInputsFailWithClearMessages() {
        assertThatThrownBy(() -> BuiltInDetectors.mahalanobis(new double[0][], 1e-6))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Mahalanobis export needs at least 2 reference rows, has 0");
        assertThatThrownBy(
                        () ->
                                BuiltInDetectors.mahalanobis(
                                        new double[][] {{1, 2}, {3, 4}, {5}}, 1e-6))
                .hasMessage("Mahalanobis export: reference row 2 has 1 values, but row 0 has 2");
        assertThatThrownBy(
                        () ->
                                BuiltInDetectors.mahalanobis(
                                        new double[][] {{1, 2}, {3, Double.NaN}}, 1e-6))
                .hasMessage("reference row 1 value 1 is not finite: NaN");
        assertThatThrownBy(() -> BuiltInDetectors.mahalanobis(PROFILE, 0.0))
                .hasMessage(
                        "Mahalanobis export: the ridge must be positive and finite, but is 0.0");
        assertThatThrownBy(
                        () ->
                                BuiltInDetectors.pcaReconstruction(
                                        new double[] {0, 0, 0},
                                        new double[] {1, 1, 1},
                                        new double[][] {
                                            {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}
                                        }))
                .hasMessageContaining("4 components for 3 features")
                .hasMessageContaining("at most as many components (k) as features (d)");
        assertThatThrownBy(
                        () ->
                                BuiltInDetectors.pcaReconstruction(
                                        new double[] {0, 0, 0},
                                        new double[] {1, 1},
                                        new double[][] {{1, 0, 0}}))
                .hasMessage(
                        "PCA export: center has 3 values, but scale has 2; both need one per"
                                + " feature");
        assertThatThrownBy(
                        () ->
                                BuiltInDetectors.pcaReconstruction(
                                        new double[] {0, 0, 0},
                                        new double[] {1, 1, 1},
                                        new double[][] {{1, 0}}))
                .hasMessage("PCA export: component 0 has 2 values, but there are 3 features");
        assertThatThrownBy(
                        () ->
                                BuiltInDetectors.pcaReconstruction(
                                        new double[] {0, 0},
                                        new double[] {1, 1},
                                        new double[][] {{1, 0}, {1, 0}}))
                .hasMessageContaining("must be orthonormal, but components 0 and 1");
        ReferenceProfile oneFeature = profile(List.of("only"), new double[][] {{1}, {2}, {3}});
        assertThatThrownBy(() -> BuiltInDetectors.pcaReconstruction(oneFeature))
                .hasMessage(
                        "reference profile "
                                + oneFeature.id()
                                + " has no multivariate part: it needs at least 2 numeric"
                                + " features, has 1");
        ReferenceProfile oneRow = profile(NAMES, referenceRows(1, 1));
        assertThatThrownBy(() -> BuiltInDetectors.mahalanobis(oneRow))
                .hasMessage(
                        "reference profile "
                                + oneRow.id()
                                + " has 1 complete rows; a Mahalanobis distance needs at least"
                                + " 2");
        assertThatThrownBy(() -> BuiltInDetectors.pcaReconstruction(oneRow))
                .hasMessageContaining("has 1 complete rows; a PCA model needs at least 2");
    }

    @Test
    void scoringRowsOfAnotherWidthFailsNamingTheShape() throws IOException {
        ExportedModel model = BuiltInDetectors.mahalanobis(PROFILE);
        ModelFile file = model.writeTo(dir.resolve("m.onnx"));

        assertThatThrownBy(
                        () -> new OnnxScorer(file, OnnxScorerSettings.of("features", "score", 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must have shape [batch, 5]")
                .hasMessageContaining("features float[-1, 6]");
    }
}
