package io.warden.bench;

import io.warden.detectors.query.NearestNeighbourQueryDetector;
import io.warden.detectors.query.NearestNeighbourVerdict;
import io.warden.detectors.query.QueryHistory;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one {@link NearestNeighbourQueryDetector#observe} of a client whose buffer is full (k =
 * 10, 64 features, unit scales; {@link ClientTraffic#nearestNeighbour}): the distances to every
 * buffered query, their sort, the mean of the 10 smallest, the query into the ring. The threshold
 * is 0, so nothing is flagged and the buffer is never cleared: it stays at {@code bufferSize}, the
 * oldest query making way for each new one. Queries cycle through 16,384 pre-drawn standard normal
 * rows (none of them used in the fill).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class NearestNeighbourQueryBenchmark {

    private static final int QUERIES = 1 << 14; // a power of two: the index wraps with a mask

    /** Queries kept per client. */
    @Param({"50", "200", "1000"})
    public int bufferSize;

    private NearestNeighbourQueryDetector detector;
    private QueryHistory history;
    private double[][] rows;
    private long time;
    private int next;

    @Setup
    public void setUp() {
        detector = ClientTraffic.nearestNeighbour(bufferSize);
        history = ClientTraffic.filledHistory(detector);
        time = history.queries() * ClientTraffic.MILLIS_BETWEEN_QUERIES;
        rows = ClientTraffic.gaussianRows(new SplittableRandom(23), QUERIES);
    }

    /** Fails the run if the buffer left its cap or a query was flagged. */
    @TearDown
    public void checkState() {
        if (history.size() != bufferSize || history.detections() != 0) {
            throw new IllegalStateException(
                    history.size() + " queries buffered, " + history.detections() + " flagged");
        }
    }

    @Benchmark
    public NearestNeighbourVerdict observe() {
        time += ClientTraffic.MILLIS_BETWEEN_QUERIES;
        return detector.observe(history, time, rows[next++ & (QUERIES - 1)]);
    }
}
