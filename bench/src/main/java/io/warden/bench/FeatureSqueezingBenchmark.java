package io.warden.bench;

import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.onnx.OnnxScorer;
import io.warden.detectors.squeezing.BitDepthReduction;
import io.warden.detectors.squeezing.FeatureSqueezing;
import io.warden.detectors.squeezing.MedianSmoothing;
import io.warden.simulator.model.ServedModel;
import io.warden.simulator.model.ServedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

/**
 * Cost of one batch through the served digits model ({@link ServedModels#DIGITS}: 64 pixels, 64
 * &rarr; 32 ReLU &rarr; 10 softmax) with {@link OnnxScorer} (one intra-op and one inter-op thread,
 * CPU), alone and as the classifier of {@link FeatureSqueezing} with the squeezers the digits are
 * squeezed with: 3-bit depth over 0..16 and a 2x2 median filter on the 8x8 image, so two model runs
 * and the squeezing per batch. Batches cycle through 16 made of the model's test split (about 450
 * real digits, taken in order and wrapping around); the logged probabilities are the model's own on
 * each batch, computed in the setup, as a monitor would receive them from a faithful served model.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class FeatureSqueezingBenchmark {

    private static final ServedModel MODEL = ServedModels.DIGITS;
    private static final int BATCHES = 16; // a power of two: the index wraps with a mask

    /** Rows per batch. */
    @Param({"1", "32", "256"})
    public int batch;

    private Path folder;
    private OnnxScorer scorer;
    private FeatureSqueezing squeezing;
    private FeatureSqueezing.Classifier classifier;
    private float[][] flat;
    private float[][][] logged;
    private int next;

    @Setup
    public void setUp() throws IOException {
        folder = Files.createTempDirectory("warden-bench-squeezing");
        ModelFile file = MODEL.writeTo(folder.resolve(MODEL.fileName()));
        scorer = new OnnxScorer(file, MODEL.scorerSettings().withThreads(1, 1));
        classifier = scorer::score;
        int features = MODEL.featureCount();
        squeezing =
                new FeatureSqueezing(
                        features,
                        List.of(new BitDepthReduction(3, 0, 16), new MedianSmoothing(8, 8, 2)));
        float[][] test = MODEL.split().test().featuresAsFloats();
        flat = new float[BATCHES][batch * features];
        logged = new float[BATCHES][][];
        int row = 0;
        for (int b = 0; b < BATCHES; b++) {
            for (int r = 0; r < batch; r++) {
                System.arraycopy(test[row], 0, flat[b], r * features, features);
                row = (row + 1) % test.length;
            }
            logged[b] = scorer.score(flat[b], batch);
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        scorer.close();
        Files.deleteIfExists(folder.resolve(MODEL.fileName()));
        Files.deleteIfExists(folder);
    }

    /**
     * The baseline: the served model on a batch, {@code score(float[] rows, int n)} into a new
     * {@code float[batch][10]}, the call feature squeezing makes per squeezer.
     */
    @Benchmark
    public float[][] servedModel() {
        return scorer.score(flat[next++ & (BATCHES - 1)], batch);
    }

    /**
     * The squeezing scores of a batch: both squeezers over every row, the model on each squeezed
     * batch, the L1 distances to the logged probabilities.
     */
    @Benchmark
    public double[] squeezingScores() {
        int b = next++ & (BATCHES - 1);
        return squeezing.scores(classifier, flat[b], batch, logged[b]);
    }
}
