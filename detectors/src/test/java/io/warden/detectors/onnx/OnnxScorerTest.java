package io.warden.detectors.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real ONNX Runtime sessions on the committed logistic regression (see {@link LinearModels}). */
class OnnxScorerTest {

    private static final float TOLERANCE = 1e-5f;

    @TempDir Path dir;

    private static ModelFile fixture() {
        try {
            Path file = Path.of(LinearModels.class.getResource(LinearModels.FIXTURE).toURI());
            return new ModelFile(file, LinearModels.FIXTURE_SHA256);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OnnxScorer scorer(String output) {
        return new OnnxScorer(
                fixture(), OnnxScorerSettings.of("features", output, LinearModels.FEATURES));
    }

    private static float[][] rows(int n, long seed) {
        Random random = new Random(seed);
        float[][] rows = new float[n][LinearModels.FEATURES];
        for (float[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) (2 * random.nextGaussian());
            }
        }
        return rows;
    }

    private static float[] flat(float[][] rows) {
        float[] flat = new float[rows.length * LinearModels.FEATURES];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * LinearModels.FEATURES, LinearModels.FEATURES);
        }
        return flat;
    }

    private static void assertClosedForm(
            float[][] rows, float[][] scores, Function<float[], double[]> f) {
        assertThat(scores).hasNumberOfRows(rows.length);
        for (int r = 0; r < rows.length; r++) {
            double[] expected = f.apply(rows[r]);
            assertThat(scores[r]).hasSize(expected.length);
            for (int j = 0; j < expected.length; j++) {
                assertThat((double) scores[r][j])
                        .as("row %d, output %d", r, j)
                        .isCloseTo(expected[j], within((double) TOLERANCE));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 256})
    void shouldMatchTheClosedFormOfTheLogisticRegression(int batch) {
        float[][] rows = rows(batch, batch);
        try (OnnxScorer probabilities = scorer("probabilities");
                OnnxScorer logits = scorer("logits")) {
            assertThat(probabilities.outputWidth()).isEqualTo(LinearModels.CLASSES);

            assertClosedForm(rows, probabilities.score(rows), LinearModels::probabilities);
            assertClosedForm(rows, logits.score(rows), LinearModels::logits);
            assertClosedForm(rows, logits.score(flat(rows), batch), LinearModels::logits);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 256})
    void shouldReadAOneDimensionalOutputAsOneValuePerRow(int batch) {
        float[][] rows = rows(batch, 100 + batch);
        try (OnnxScorer margin = scorer("margin")) {
            assertThat(margin.outputWidth()).isEqualTo(1);

            assertClosedForm(rows, margin.score(rows), r -> new double[] {LinearModels.margin(r)});
        }
    }

    @Test
    void shouldScoreFlatRowsIntoAFlatOutputIgnoringTheSpareRoom() {
        float[][] rows = rows(7, 3);
        float[] features = Arrays.copyOf(flat(rows), 9 * LinearModels.FEATURES);
        float[] out = new float[8 * LinearModels.CLASSES];
        out[out.length - 1] = 42f;
        try (OnnxScorer scorer = scorer("probabilities")) {
            scorer.score(features, 7, out);
        }

        float[][] scores = new float[7][];
        for (int r = 0; r < 7; r++) {
            scores[r] =
                    Arrays.copyOfRange(
                            out, r * LinearModels.CLASSES, (r + 1) * LinearModels.CLASSES);
        }
        assertClosedForm(rows, scores, LinearModels::probabilities);
        assertThat(out[out.length - 1]).isEqualTo(42f);
    }

    @Test
    void shouldScoreCorrectlyWhileBatchSizesChangeAndBuffersAreReused() {
        try (OnnxScorer scorer = scorer("probabilities")) {
            int[] batches = {7, 7, 256, 1, 7, 256, 256, 0, 3};
            for (int k = 0; k < batches.length; k++) {
                float[][] rows = rows(batches[k], 1000 + k);
                assertClosedForm(rows, scorer.score(rows), LinearModels::probabilities);
            }
        }
    }

    @Test
    void shouldShareOneEnvironmentAndOutliveAClosedNeighbour() {
        float[][] rows = rows(7, 5);
        OnnxScorer first = scorer("probabilities");
        try (OnnxScorer second = scorer("logits")) {
            assertThat(second.environment())
                    .isSameAs(first.environment())
                    .isSameAs(OnnxScorer.sharedEnvironment());

            first.close();

            assertClosedForm(rows, second.score(rows), LinearModels::logits);
        }
    }

    @Test
    void shouldScoreTheSameWithMoreThreads() {
        float[][] rows = rows(256, 9);
        try (OnnxScorer scorer =
                new OnnxScorer(
                        fixture(),
                        OnnxScorerSettings.of("features", "probabilities", LinearModels.FEATURES)
                                .withThreads(2, 2))) {
            assertClosedForm(rows, scorer.score(rows), LinearModels::probabilities);
        }
    }

    @Test
    void shouldFailClearlyAfterClose() {
        OnnxScorer scorer = scorer("probabilities");
        scorer.close();
        scorer.close(); // idempotent

        assertThatThrownBy(() -> scorer.score(rows(1, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(fixture().path().toString())
                .hasMessageContaining("closed");
        assertThat(scorer.toString()).endsWith("closed]");
    }

    @Test
    void shouldFallBackFromCudaToCpuWithOneWarning() {
        assumeThat(OrtEnvironment.getAvailableProviders())
                .as("this test covers an ONNX Runtime build without CUDA")
                .doesNotContain(OrtProvider.CUDA);
        float[][] rows = rows(7, 11);
        OnnxScorerSettings settings =
                OnnxScorerSettings.of("features", "probabilities", LinearModels.FEATURES)
                        .withExecutionProvider(ExecutionProvider.CUDA);

        String log;
        try (LogCapture capture = new LogCapture();
                OnnxScorer scorer = new OnnxScorer(fixture(), settings)) {
            assertThat(scorer.provider()).isEqualTo(ExecutionProvider.CPU);
            assertThat(scorer.settings().executionProvider()).isEqualTo(ExecutionProvider.CUDA);
            assertClosedForm(rows, scorer.score(rows), LinearModels::probabilities);
            log = capture.text();
        }

        assertThat(log.lines())
                .singleElement()
                .asString()
                .startsWith("WARN ")
                .contains(fixture().path().toString())
                .contains("CUDA execution provider requested")
                .contains("onnxruntime_gpu")
                .endsWith("scoring on CPU");
    }

    @Test
    void shouldUseTheCpuProviderWhenAskedAndLogNothing() {
        try (LogCapture capture = new LogCapture();
                OnnxScorer scorer = scorer("probabilities")) {
            assertThat(scorer.provider()).isEqualTo(ExecutionProvider.CPU);
            assertThat(capture.text()).isEmpty();
        }
    }

    @Test
    void shouldNameTheFileAndListTheModelsInputsAndOutputsWhenTheInputIsMisnamed() {
        assertThatThrownBy(
                        () ->
                                new OnnxScorer(
                                        fixture(),
                                        OnnxScorerSettings.of("feature", "probabilities", 8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no input named 'feature'")
                .hasMessageContaining(fixture().path().toString())
                .hasMessageContaining("inputs: features float[-1, 8]")
                .hasMessageContaining("logits float[-1, 3]")
                .hasMessageContaining("probabilities float[-1, 3]")
                .hasMessageContaining("margin float[-1]");
    }

    @Test
    void shouldNameTheFileAndListTheModelsOutputsWhenTheOutputIsMisnamed() {
        assertThatThrownBy(
                        () ->
                                new OnnxScorer(
                                        fixture(), OnnxScorerSettings.of("features", "score", 8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no output named 'score'")
                .hasMessageContaining(fixture().path().toString())
                .hasMessageContaining("outputs: ")
                .hasMessageContaining("probabilities float[-1, 3]");
    }

    @Test
    void shouldRefuseAFeatureCountTheModelDoesNotTake() {
        assertThatThrownBy(
                        () ->
                                new OnnxScorer(
                                        fixture(),
                                        OnnxScorerSettings.of("features", "probabilities", 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 'features' must have shape [batch, 5]")
                .hasMessageContaining("but has [-1, 8]")
                .hasMessageContaining(fixture().path().toString());
    }

    @Test
    void shouldRefuseRowsOfAnotherWidthNamingTheRow() {
        float[][] rows = rows(3, 1);
        rows[2] = new float[7];
        try (OnnxScorer scorer = scorer("probabilities")) {
            assertThatThrownBy(() -> scorer.score(rows))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("row 2 has 7 values")
                    .hasMessageContaining("is fed 8");
            assertThatThrownBy(() -> scorer.score(new float[15], 2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("need 16");
            assertThatThrownBy(() -> scorer.score(new float[16], 2, new float[5]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("give 6");
        }
    }

    private ModelFile write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return new ModelFile(file, ModelFile.sha256Of(file));
    }

    @Test
    void shouldRefuseAModelWithInputsItCannotFeed() throws IOException {
        ModelFile model = write("two-inputs.onnx", LinearModels.twoInputs());

        assertThatThrownBy(() -> new OnnxScorer(model, OnnxScorerSettings.of("features", "sum", 8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 'features' must be the only input")
                .hasMessageContaining(model.path().toString())
                .hasMessageContaining("offsets float[-1, 8]");
    }

    @Test
    void shouldScoreAModelWithAFixedBatchOnlyInBatchesOfThatSize() throws IOException {
        ModelFile model =
                write("fixed-batch.onnx", LinearModels.logisticRegressionWithFixedBatch(4));
        float[][] rows = rows(4, 21);
        try (OnnxScorer scorer =
                new OnnxScorer(model, OnnxScorerSettings.of("features", "probabilities", 8))) {
            assertClosedForm(rows, scorer.score(rows), LinearModels::probabilities);

            assertThatThrownBy(() -> scorer.score(rows(3, 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(model.path().toString())
                    .hasMessageContaining("takes batches of exactly 4 rows, not 3");
        }
    }

    @Test
    void shouldNameTheFileWhenItIsNoOnnxModel() throws IOException {
        Path file = dir.resolve("not-a-model.onnx");
        Files.writeString(file, "not a model");
        ModelFile model = new ModelFile(file, ModelFile.sha256Of(file));

        assertThatThrownBy(() -> new OnnxScorer(model, OnnxScorerSettings.of("x", "y", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load ONNX model file " + file);
    }

    @Test
    void shouldValidateItsSettings() {
        OnnxScorerSettings base = OnnxScorerSettings.of("features", "probabilities", 8);

        assertThat(base.intraOpThreads()).isEqualTo(1);
        assertThat(base.interOpThreads()).isEqualTo(1);
        assertThat(base.executionProvider()).isEqualTo(ExecutionProvider.CPU);
        assertThatThrownBy(() -> base.withThreads(0, 1))
                .hasMessageContaining("intraOpThreads must be at least 1");
        assertThatThrownBy(() -> base.withThreads(1, 0))
                .hasMessageContaining("interOpThreads must be at least 1");
        assertThatThrownBy(() -> OnnxScorerSettings.of("", "y", 1))
                .hasMessageContaining("inputName");
        assertThatThrownBy(() -> OnnxScorerSettings.of("x", "y", 0))
                .hasMessageContaining("featureCount must be at least 1");
    }

    /** Collects what {@link OnnxScorer} logs at WARN and above, as "LEVEL message" lines. */
    private static final class LogCapture implements AutoCloseable {
        private final StringWriter out = new StringWriter();
        private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        private final LoggerConfig config;
        private final WriterAppender appender;

        LogCapture() {
            appender =
                    WriterAppender.newBuilder()
                            .setName("capture")
                            .setTarget(out)
                            .setLayout(PatternLayout.newBuilder().withPattern("%p %m%n").build())
                            .build();
            appender.start();
            config = new LoggerConfig(OnnxScorer.class.getName(), Level.WARN, true);
            config.addAppender(appender, Level.WARN, null);
            context.getConfiguration().addLogger(OnnxScorer.class.getName(), config);
            context.updateLoggers();
        }

        String text() {
            return out.toString();
        }

        @Override
        public void close() {
            context.getConfiguration().removeLogger(OnnxScorer.class.getName());
            context.updateLoggers();
            appender.stop();
        }
    }
}
