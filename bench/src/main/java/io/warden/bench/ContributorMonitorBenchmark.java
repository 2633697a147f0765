package io.warden.bench;

import io.warden.detectors.poisoning.ContributorAssessment;
import io.warden.detectors.poisoning.ContributorMonitor;
import io.warden.detectors.poisoning.ContributorState;
import java.util.SplittableRandom;
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
 * Cost of one {@link ContributorMonitor#assess} of a feedback record, as the job calls it (given
 * label and predicted class, no consensus), with the default parameters on a 10-class model: the
 * windowed counts, the class-pair counters, two binomial p-values. The contributor's state has read
 * 2,000 records before measuring, so its window of 1,000 has halved; the state has a fixed size
 * whatever the history. Records cycle through 4,096 pre-drawn (label, prediction) pairs, 10% of
 * them disagreeing on a random pair: an honest contributor with a noisy model.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class ContributorMonitorBenchmark {

    private static final int RECORDS = 4096; // a power of two: the index wraps with a mask

    /** Records read before measuring. */
    static final int HISTORY = 2000;

    private ContributorMonitor monitor;
    private ContributorState state;
    private int[][] labels;
    private int next;

    @Setup
    public void setUp() {
        monitor = ClientTraffic.contributorMonitor();
        state = ClientTraffic.filledContributorState(monitor, HISTORY);
        labels = ClientTraffic.labels(new SplittableRandom(43), RECORDS);
    }

    @Benchmark
    public ContributorAssessment assess() {
        int r = next++ & (RECORDS - 1);
        return monitor.assess(state, labels[0][r], labels[1][r], ContributorMonitor.UNKNOWN);
    }
}
