package io.warden.bench;

import io.warden.detectors.calibration.EmpiricalReference;
import io.warden.detectors.core.Direction;
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
 * Cost of one conformal p-value (a binary search) against a reference of standard normal scores.
 * Queries cycle through 4,096 pre-drawn standard normal values.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class EmpiricalReferenceBenchmark {

    private static final int QUERIES = 4096; // a power of two: the index wraps with a mask

    /** Number of reference values. */
    @Param({"10000", "100000"})
    public int size;

    private EmpiricalReference reference;
    private double[] queries;
    private int next;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(3);
        double[] sample = new double[size];
        for (int i = 0; i < size; i++) {
            sample[i] = gaussian(random);
        }
        reference = EmpiricalReference.of(sample, size);
        queries = new double[QUERIES];
        for (int i = 0; i < QUERIES; i++) {
            queries[i] = gaussian(random);
        }
    }

    /** Box-Muller: SplittableRandom has no nextGaussian on Java 17. */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    @Benchmark
    public double pValueHighIsAnomalous() {
        return reference.pValue(queries[next++ & (QUERIES - 1)], Direction.HIGH_IS_ANOMALOUS);
    }

    @Benchmark
    public double pValueLowIsAnomalous() {
        return reference.pValue(queries[next++ & (QUERIES - 1)], Direction.LOW_IS_ANOMALOUS);
    }
}
