package io.warden.bench;

import io.warden.detectors.sequential.Adwin;
import io.warden.detectors.sequential.ChangeDetector;
import io.warden.detectors.sequential.PageHinkley;
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
 * Cost of one update of a sequential change detector with its default parameters, on a
 * confidence-like signal (mean 0.8, standard deviation 0.1) that is either stationary or shifts its
 * mean between 0.8 and 0.6 every 4,096 values (so the detectors keep detecting, and ADWIN keeps
 * dropping buckets). Values cycle through 65,536 pre-drawn ones. On the stationary stream ADWIN's
 * window grows through the whole run, so its histogram holds the ~20 rows of a window of hundreds
 * of millions of values. Also the cost of a {@code snapshot()}, what a checkpoint of the detector's
 * state costs before serialization.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class SequentialDetectorBenchmark {

    private static final int VALUES = 1 << 16; // a power of two: the index wraps with a mask

    private static final int SEGMENT = 4096;

    /** Which detector: {@code adwin} or {@code pageHinkley}. */
    @Param({"adwin", "pageHinkley"})
    public String detector;

    /** Which stream: {@code stationary} or {@code changes} (a mean shift every 4,096 values). */
    @Param({"stationary", "changes"})
    public String stream;

    private ChangeDetector changeDetector;
    private double[] values;
    private int next;

    @Setup
    public void setUp() {
        changeDetector =
                switch (detector) {
                    case "adwin" -> new Adwin();
                    case "pageHinkley" -> new PageHinkley();
                    default -> throw new IllegalArgumentException("unknown detector " + detector);
                };
        boolean changes =
                switch (stream) {
                    case "stationary" -> false;
                    case "changes" -> true;
                    default -> throw new IllegalArgumentException("unknown stream " + stream);
                };
        SplittableRandom random = new SplittableRandom(5);
        values = new double[VALUES];
        for (int i = 0; i < VALUES; i++) {
            double mean = changes && (i / SEGMENT) % 2 == 1 ? 0.6 : 0.8;
            values[i] = mean + 0.1 * gaussian(random);
        }
        // Start from a detector that has seen a full cycle, not from an empty one.
        for (double value : values) {
            changeDetector.update(value);
        }
    }

    /** Box-Muller: SplittableRandom has no nextGaussian on Java 17. */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    @Benchmark
    public boolean update() {
        return changeDetector.update(values[next++ & (VALUES - 1)]);
    }

    @Benchmark
    public ChangeDetector.State snapshot() {
        return changeDetector.snapshot();
    }
}
