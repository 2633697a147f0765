package io.warden.bench;

import io.warden.detectors.extraction.ExtractionAssessment;
import io.warden.detectors.extraction.ExtractionMonitor;
import io.warden.detectors.extraction.ExtractionState;
import io.warden.detectors.extraction.PradaState;
import io.warden.detectors.extraction.PradaVerdict;
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
 * Cost of one query of a client with a full history in model-extraction detection, as a function of
 * the history's caps: {@link ExtractionMonitor#assess} (PRADA, query rate, class coverage,
 * near-boundary share; what the job calls per query) and PRADA's {@code update} alone, on a
 * 64-feature, 10-class model ({@link ClientTraffic#extractionMonitor}). Before measuring, the
 * client's state is filled until every class's growing set holds {@code maxGrowingSetPerClass}
 * queries and the distance window {@code distanceWindow} distances ({@link
 * ClientTraffic#filledExtractionState}); so each query is compared with all the stored queries of
 * its class and, with the default test interval of 1, sorts and tests the whole window. The caps
 * hold the state there: an admitted query replaces its class's oldest, a distance the oldest
 * distance. Queries cycle through 65,536 pre-drawn standard normal rows with synthetic predicted
 * classes and margins (none of them used in the fill).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class ExtractionMonitorBenchmark {

    private static final int QUERIES = 1 << 16; // a power of two: the index wraps with a mask

    /** PRADA's cap on the queries kept per predicted class, the growing set. */
    @Param({"10", "100", "1000"})
    public int maxGrowingSetPerClass;

    /** PRADA's cap on the minimum distances kept for the Shapiro-Wilk test. */
    @Param({"100", "1000"})
    public int distanceWindow;

    private ExtractionMonitor monitor;
    private ExtractionState state;
    private double[][] rows;
    private ClientTraffic.Predictions predictions;
    private long time;
    private int next;

    @Setup
    public void setUp() {
        monitor = ClientTraffic.extractionMonitor(maxGrowingSetPerClass, distanceWindow);
        state = ClientTraffic.filledExtractionState(monitor);
        time = state.queries() * ClientTraffic.MILLIS_BETWEEN_QUERIES;
        rows = ClientTraffic.gaussianRows(new SplittableRandom(13), QUERIES);
        predictions = ClientTraffic.predictions(14, QUERIES);
    }

    /** Fails the run if the growing sets or the distance window left their caps. */
    @TearDown
    public void checkState() {
        PradaState prada = state.prada();
        if (prada.storedQueries() != ClientTraffic.CLASSES * maxGrowingSetPerClass
                || prada.distanceCount() != distanceWindow) {
            throw new IllegalStateException(prada.toString());
        }
    }

    /** The monitor's assessment of one query: all four signals. */
    @Benchmark
    public ExtractionAssessment assess() {
        int q = next++ & (QUERIES - 1);
        time += ClientTraffic.MILLIS_BETWEEN_QUERIES;
        return monitor.assess(
                state, time, rows[q], predictions.classes()[q], predictions.margins()[q]);
    }

    /** PRADA alone: the nearest stored query of the class, the window and its test. */
    @Benchmark
    public PradaVerdict pradaUpdate() {
        int q = next++ & (QUERIES - 1);
        return monitor.prada().update(state.prada(), rows[q], predictions.classes()[q]);
    }
}
