package io.warden.bench;

import io.warden.detectors.confidence.Confidence;
import io.warden.detectors.confidence.ConfidenceAnomalyDetector;
import io.warden.detectors.confidence.ConfidenceAssessment;
import io.warden.detectors.confidence.ConfidenceReference;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one per-request confidence assessment on 10-class outputs, against a 20,000-vector
 * reference: the full {@code assess} (statistics, three p-values, results and explanations), and
 * the statistics alone ({@link Confidence}) to show how the time divides.
 *
 * <p>Inputs cycle through 4,096 pre-generated in-distribution vectors (almost never flagged, like
 * most production traffic), so neither the JIT nor the branch predictor sees one constant input;
 * generating them is not measured. {@code assessFlaggedProbabilities} uses near-uniform vectors,
 * every one of them flagged, whose explanations take the longer path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class ConfidenceAnomalyDetectorBenchmark {

    private static final int INPUTS = 4096; // a power of two: the index wraps with a mask

    private ConfidenceAnomalyDetector detector;
    private double[][] probabilities;
    private double[][] logits;
    private double[][] nearUniform;
    private int next;

    @Setup
    public void setUp() {
        SyntheticOutputs reference = new SyntheticOutputs(1);
        detector =
                new ConfidenceAnomalyDetector(
                        ConfidenceReference.fromProbabilities(
                                Arrays.asList(reference.probabilities(20_000))));
        SyntheticOutputs traffic = new SyntheticOutputs(2);
        probabilities = traffic.probabilities(INPUTS);
        logits = traffic.logits(INPUTS);
        nearUniform = traffic.nearUniformProbabilities(INPUTS);
    }

    private int nextIndex() {
        return next++ & (INPUTS - 1);
    }

    @Benchmark
    public ConfidenceAssessment assessProbabilities() {
        return detector.assess(probabilities[nextIndex()]);
    }

    @Benchmark
    public ConfidenceAssessment assessLogits() {
        return detector.assessLogits(logits[nextIndex()]);
    }

    @Benchmark
    public ConfidenceAssessment assessFlaggedProbabilities() {
        return detector.assess(nearUniform[nextIndex()]);
    }

    @Benchmark
    public Confidence confidenceOfProbabilities() {
        return Confidence.ofProbabilities(probabilities[nextIndex()]);
    }

    @Benchmark
    public Confidence confidenceOfLogits() {
        return Confidence.ofLogits(logits[nextIndex()]);
    }
}
