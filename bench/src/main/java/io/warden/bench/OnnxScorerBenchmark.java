package io.warden.bench;

import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.onnx.OnnxScorer;
import io.warden.detectors.onnx.OnnxScorerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Cost of scoring one batch with {@link OnnxScorer} (one intra-op and one inter-op thread, CPU) on
 * a 64-feature detector model: a PCA reconstruction, {@code x -> (x W^T) W} with {@code W} of 8
 * random components (two Gemm nodes), whose output is the 64-value reconstruction. Batches cycle
 * through 16 pre-drawn ones of standard normal rows; the model is built with Tribuo's ONNX helpers
 * and written to a temporary file in the setup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class OnnxScorerBenchmark {

    private static final int FEATURES = 64;
    private static final int COMPONENTS = 8;
    private static final int BATCHES = 16; // a power of two: the index wraps with a mask

    /** Rows per batch. */
    @Param({"1", "32", "256"})
    public int batch;

    private Path file;
    private OnnxScorer scorer;
    private float[][][] rows;
    private float[][] flat;
    private float[] out;
    private int next;

    @Setup
    public void setUp() throws IOException {
        file = Files.createTempFile("warden-bench-pca", ".onnx");
        Files.write(file, pcaReconstruction(new Random(5)));
        scorer =
                new OnnxScorer(
                        new ModelFile(file, ModelFile.sha256Of(file)),
                        OnnxScorerSettings.of("features", "reconstruction", FEATURES));
        Random random = new Random(7);
        rows = new float[BATCHES][batch][FEATURES];
        flat = new float[BATCHES][batch * FEATURES];
        for (int b = 0; b < BATCHES; b++) {
            for (int r = 0; r < batch; r++) {
                for (int i = 0; i < FEATURES; i++) {
                    float x = (float) random.nextGaussian();
                    rows[b][r][i] = x;
                    flat[b][r * FEATURES + i] = x;
                }
            }
        }
        out = new float[batch * FEATURES];
    }

    @TearDown
    public void tearDown() throws IOException {
        scorer.close();
        Files.deleteIfExists(file);
    }

    /**
     * The model: 8 random (not orthonormalized: the cost is the same) components of 64 features.
     */
    private static byte[] pcaReconstruction(Random random) {
        ONNXContext ctx = new ONNXContext();
        ctx.setName("warden-bench-pca-reconstruction");
        ONNXPlaceholder input = ctx.floatInput("features", FEATURES);
        ONNXPlaceholder output = ctx.floatOutput("reconstruction", FEATURES);
        float[] w = new float[COMPONENTS * FEATURES];
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) (random.nextGaussian() / Math.sqrt(FEATURES));
        }
        ONNXInitializer components =
                ctx.floatTensor("components", List.of(COMPONENTS, FEATURES), buf -> buf.put(w));
        ONNXInitializer zeroK = ctx.array("zero_k", new float[COMPONENTS]);
        ONNXInitializer zeroF = ctx.array("zero_f", new float[FEATURES]);
        input.apply(
                        ONNXOperators.GEMM,
                        List.<ONNXRef<?>>of(components, zeroK),
                        List.of("projection"),
                        Map.of("transB", 1))
                .get(0)
                .apply(
                        ONNXOperators.GEMM,
                        List.<ONNXRef<?>>of(components, zeroF),
                        List.of("reconstructed"),
                        Map.of())
                .get(0)
                .assignTo(output);
        return ai.onnx.proto.OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setProducerName("warden bench (io.warden.bench.OnnxScorerBenchmark)")
                .setGraph(ctx.buildGraph())
                .build()
                .toByteArray();
    }

    /** Rows as arrays in, a new {@code float[batch][64]} out. */
    @Benchmark
    public float[][] scoreRows() {
        return scorer.score(rows[next++ & (BATCHES - 1)]);
    }

    /** Flat rows in, into a preallocated flat output: no allocation by the scorer. */
    @Benchmark
    public float[] scoreFlat() {
        scorer.score(flat[next++ & (BATCHES - 1)], batch, out);
        return out;
    }
}
