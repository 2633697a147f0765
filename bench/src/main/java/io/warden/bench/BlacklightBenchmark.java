package io.warden.bench;

import io.warden.detectors.query.BlacklightDetector;
import io.warden.detectors.query.BlacklightVerdict;
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
 * Cost of one {@link BlacklightDetector#observe} with the store full: quantizing a 64-pixel image
 * (17 levels over [0, 16]), hashing its 45 windows of 20 values (SHA-256), the 45 look-ups, the 45
 * new entries and the evictions they cause ({@link ClientTraffic#blacklight}). The store is filled
 * to {@code maxEntries} hashes before measuring; the cap holds it there, the oldest entries making
 * way. Queries cycle through 16,384 pre-drawn images of independent pixels (none of them used in
 * the fill), from 1,024 clients in turn, one millisecond apart (the one-day horizon never expires
 * an entry); a full store holds the hashes of the last {@code maxEntries / 45} queries, at most
 * 5,556, so a query's hashes were evicted before it comes round again and nothing matches: the cost
 * of benign traffic.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class BlacklightBenchmark {

    private static final int QUERIES = 1 << 14; // a power of two: the index wraps with a mask
    private static final int CLIENTS = 1 << 10;

    /** The cap on stored hashes, which the store is filled to. */
    @Param({"10000", "100000", "250000"})
    public int maxEntries;

    private BlacklightDetector blacklight;
    private String[] clients;
    private double[][] rows;
    private long time;
    private int next;

    @Setup
    public void setUp() {
        clients = ClientTraffic.clients(CLIENTS);
        blacklight = ClientTraffic.blacklight(maxEntries);
        time = ClientTraffic.fill(blacklight, maxEntries, clients);
        rows = ClientTraffic.pixelRows(new SplittableRandom(33), QUERIES);
    }

    /** Fails the run if the store left its cap or a benign query matched. */
    @TearDown
    public void checkState() {
        if (blacklight.size() != maxEntries || blacklight.flaggedQueries() != 0) {
            throw new IllegalStateException(
                    "store of "
                            + blacklight.size()
                            + " hashes, "
                            + blacklight.flaggedQueries()
                            + " queries flagged");
        }
    }

    @Benchmark
    public BlacklightVerdict observe() {
        int q = next++;
        return blacklight.observe(clients[q & (CLIENTS - 1)], ++time, rows[q & (QUERIES - 1)]);
    }
}
