package io.warden.bench;

import io.warden.detectors.core.DetectorResult;
import io.warden.detectors.poisoning.ClassConditionalOutliers;
import io.warden.detectors.poisoning.SpectralSignatures;
import io.warden.detectors.poisoning.SpectralSignaturesResult;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of judging feedback records on their own ({@code detectors.poisoning.records}), as {@code
 * FeedbackRecordDetection} calls the detectors: {@link ClassConditionalOutliers#assess} on every
 * record (a d &times; d quadratic form and a binary search among the class's calibration scores),
 * and {@link SpectralSignatures#analyse} once per window of {@code window} records of a class (a d
 * &times; d Gram matrix, its eigendecomposition, a sort). Ten Gaussian classes of {@code features}
 * dimensions (unit covariance, means 3 apart along their own axis), fitted from 1,000 rows per
 * class; records cycle through 4,096 pre-drawn rows with their true labels.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class FeedbackRecordBenchmark {

    private static final int CLASSES = 10;
    private static final int RECORDS = 4096; // a power of two: the index wraps with a mask

    @Param({"8", "64"})
    public int features;

    @Param({"200"})
    public int window;

    private ClassConditionalOutliers outliers;
    private SpectralSignatures spectral;
    private double[][] rows;
    private int[] labels;
    private double[][] classWindow;
    private int next;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(47);
        int fit = 1000 * CLASSES;
        double[][] reference = new double[fit][];
        int[] referenceLabels = new int[fit];
        for (int i = 0; i < fit; i++) {
            referenceLabels[i] = i % CLASSES;
            reference[i] = row(r, referenceLabels[i]);
        }
        outliers = ClassConditionalOutliers.builder(CLASSES).fit(reference, referenceLabels);
        spectral = SpectralSignatures.builder().build();
        rows = new double[RECORDS][];
        labels = new int[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            labels[i] = r.nextInt(CLASSES);
            rows[i] = row(r, labels[i]);
        }
        classWindow = new double[window][];
        for (int i = 0; i < window; i++) {
            classWindow[i] = row(r, 0);
        }
    }

    private double[] row(SplittableRandom r, int cls) {
        double[] x = new double[features];
        for (int j = 0; j < features; j++) {
            x[j] = r.nextGaussian();
        }
        x[cls % features] += 3.0;
        return x;
    }

    @Benchmark
    public DetectorResult classConditionalAssess() {
        int i = next++ & (RECORDS - 1);
        return outliers.assess(rows[i], labels[i]);
    }

    @Benchmark
    public SpectralSignaturesResult spectralWindow() {
        return spectral.analyse(classWindow);
    }
}
