package io.warden.detectors.extraction;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.core.DetectorResult;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ExtractionMonitorTest {

    private static final Logger LOG = LoggerFactory.getLogger(ExtractionMonitorTest.class);

    private static final int DIMS = 16;
    private static final int CLASSES = 8;
    private static final SyntheticTraffic TRAFFIC = new SyntheticTraffic(DIMS, CLASSES, 1.0, 31L);

    private static ExtractionMonitor monitor() {
        return new ExtractionMonitor(
                PradaDetector.builder(DIMS, CLASSES).build(),
                new QueryRate(60_000, 5.0),
                new ClassCoverage(CLASSES, 200, 0.95),
                new NearBoundaryShare(0.2, 300, 100, 0.3));
    }

    private static ExtractionAssessment run(
            ExtractionMonitor monitor,
            ExtractionState state,
            List<double[]> queries,
            long intervalMillis) {
        ExtractionAssessment last = null;
        long t = 1_700_000_000_000L;
        for (double[] x : queries) {
            last = monitor.assess(state, t, x, TRAFFIC.probabilities(x));
            t += intervalMillis;
        }
        return last;
    }

    @Test
    void benignClientsRaiseNoSignal() {
        ExtractionMonitor monitor = monitor();
        Random random = new Random(32);
        int flaggedClients = 0;
        for (int client = 0; client < 50; client++) {
            double[] weights = TRAFFIC.focusedWeights(random, 2);
            List<double[]> queries =
                    java.util.stream.Stream.generate(() -> TRAFFIC.natural(random, weights))
                            .limit(400)
                            .toList();
            ExtractionAssessment last = run(monitor, monitor.newState(), queries, 2_000);
            flaggedClients += last.firstFiredAtQuery().isPresent() ? 1 : 0;
        }
        assertThat(flaggedClients).isLessThanOrEqualTo(1);
    }

    @Test
    void aFastJacobianAttackerFiresPradaAndQueryRateAndSaysWhen() {
        ExtractionMonitor monitor = monitor();
        ExtractionState state = monitor.newState();
        List<double[]> queries = TRAFFIC.jacobianAugmentation(new Random(33), 16, 0.05, 1500);

        ExtractionAssessment last = run(monitor, state, queries, 50);

        assertThat(last.queries()).isEqualTo(1500);
        assertThat(last.flagged()).isTrue();
        assertThat(last.reading(ExtractionSignal.PRADA).hasFired()).isTrue();
        assertThat(last.reading(ExtractionSignal.QUERY_RATE).hasFired()).isTrue();
        assertThat(last.firstFiredAtQuery()).isPresent();
        for (SignalReading reading : last.fired()) {
            LOG.info(
                    "{} first fired at query {}: {}",
                    reading.signal(),
                    reading.firstFiredAtQuery(),
                    reading.toResult().explanation());
        }
        DetectorResult pradaResult = last.prada().toResult();
        assertThat(pradaResult.detector()).isEqualTo("extraction.prada");
        assertThat(pradaResult.score()).isEqualTo(last.prada().w());
        assertThat(pradaResult.threshold()).isEqualTo(0.9);
    }

    @Test
    void boundaryLineSearchesFireTheNearBoundarySignal() {
        ExtractionMonitor monitor = monitor();
        List<double[]> queries = TRAFFIC.lineSearches(new Random(35), 8, 600);

        ExtractionAssessment last = run(monitor, monitor.newState(), queries, 2_000);

        SignalReading near = last.reading(ExtractionSignal.NEAR_BOUNDARY);
        LOG.info(
                "line searches: near-boundary share first above 0.3 at query {}",
                near.firstFiredAtQuery());
        assertThat(near.hasFired()).isTrue();
        assertThat(near.value()).isGreaterThan(0.3);
    }

    @Test
    void stateRoundTripsMidStreamAndContinuesIdentically() throws Exception {
        ExtractionMonitor monitor = monitor();
        ExtractionState original = monitor.newState();
        List<double[]> queries = TRAFFIC.jacobianAugmentation(new Random(34), 16, 0.05, 600);
        run(monitor, original, queries.subList(0, 250), 100);

        ExtractionState copy = PradaDetectorTest.roundTrip(original);
        ExtractionMonitor monitorCopy = PradaDetectorTest.roundTrip(monitor);

        long t = 1_800_000_000_000L;
        for (double[] x : queries.subList(250, 600)) {
            double[] p = TRAFFIC.probabilities(x);
            assertThat(monitorCopy.assess(copy, t, x, p))
                    .isEqualTo(monitor.assess(original, t, x, p));
            t += 100;
        }
        assertThat(copy.queries()).isEqualTo(600);
    }
}
