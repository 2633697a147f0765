package io.warden.detectors.extraction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ExtractionSignalsTest {

    @Test
    void queryRateSettlesAtASteadyRateAndFiresOnABurst() {
        QueryRate rate = new QueryRate(60_000, 20.0);
        QueryRate.State state = new QueryRate.State();
        SignalReading reading = null;
        // 10 queries per second for 10 minutes (10 time constants).
        for (long t = 0; t < 600_000; t += 100) {
            reading = rate.update(state, t);
        }
        // Steady state of the decayed count: 1 / (1 - e^(-0.1/60)) queries, over 60 s.
        double expected = 1.0 / (1.0 - Math.exp(-100.0 / 60_000)) / 60.0;
        assertThat(reading.value()).isCloseTo(expected, within(1e-3));
        assertThat(reading.value()).isCloseTo(10.0, within(0.01));
        assertThat(reading.hasFired()).isFalse();

        // A burst of 1,000 queries within one second pushes the rate above 20 per second.
        for (int i = 0; i < 1000; i++) {
            reading = rate.update(state, 600_000 + i);
        }
        assertThat(reading.firing()).isTrue();
        long queriesBefore = 6_000;
        // 600.5 decayed + k new > 1,200 needs about 600 of the burst's queries, a few more as the
        // old count decays by e^(-k/60,000) meanwhile: k = 610.
        assertThat(reading.firstFiredAtQuery() - queriesBefore).isBetween(600L, 620L);
    }

    @Test
    void queryRateIgnoresArrivalOrder() {
        QueryRate rate = new QueryRate(10_000, 100.0);
        QueryRate.State inOrder = new QueryRate.State();
        QueryRate.State shuffled = new QueryRate.State();
        long[] times = {0, 1_000, 2_000, 3_000, 4_000};
        long[] late = {0, 2_000, 4_000, 1_000, 3_000};
        double ordered = 0;
        for (long t : times) {
            ordered = rate.update(inOrder, t).value();
        }
        double out = 0;
        for (long t : late) {
            out = rate.update(shuffled, t).value();
        }
        assertThat(out).isCloseTo(ordered, within(1e-12));
    }

    @Test
    void classCoverageIsTheNormalisedEntropyOfTheCounts() {
        assertThat(ClassCoverage.normalizedEntropy(new long[] {5, 5, 0, 0}, 10))
                .isCloseTo(0.5, within(1e-15));
        assertThat(ClassCoverage.normalizedEntropy(new long[] {3, 3, 3}, 9))
                .isCloseTo(1.0, within(1e-15));
        // p = (0.7, 0.2, 0.1): H = -(0.7 ln 0.7 + 0.2 ln 0.2 + 0.1 ln 0.1) = 0.80182 nats.
        assertThat(ClassCoverage.normalizedEntropy(new long[] {7, 2, 1}, 10))
                .isCloseTo(0.8018185525433373 / Math.log(3), within(1e-12));
    }

    @Test
    void classCoverageFiresOnlyAfterMinQueriesOnEvenCoverage() {
        ClassCoverage coverage = new ClassCoverage(4, 8, 0.95);
        ClassCoverage.State state = coverage.newState();
        SignalReading reading = null;
        for (int q = 0; q < 7; q++) {
            reading = coverage.update(state, q % 4);
        }
        assertThat(reading.value()).isNaN();
        assertThat(reading.firing()).isFalse();
        reading = coverage.update(state, 3);
        assertThat(reading.value()).isCloseTo(1.0, within(1e-15));
        assertThat(reading.firstFiredAtQuery()).isEqualTo(8);

        ClassCoverage.State focused = coverage.newState();
        for (int q = 0; q < 100; q++) {
            reading = coverage.update(focused, q % 10 == 0 ? 1 : 0);
        }
        assertThat(reading.hasFired()).isFalse();
    }

    @Test
    void nearBoundaryShareCountsExactlyOverTheWindow() {
        NearBoundaryShare signal = new NearBoundaryShare(0.1, 130, 50, 0.3);
        NearBoundaryShare.State state = signal.newState();
        Random random = new Random(21);
        double[] margins = new double[2_000];
        for (int q = 0; q < margins.length; q++) {
            // The near share drifts from 10% to 50% over the stream.
            double nearProbability = 0.1 + 0.4 * q / margins.length;
            margins[q] = random.nextDouble() < nearProbability ? 0.05 : 0.6;
            SignalReading reading = signal.update(state, margins[q]);
            int from = Math.max(0, q - 129);
            int near = 0;
            for (int i = from; i <= q; i++) {
                near += margins[i] < 0.1 ? 1 : 0;
            }
            double share = (double) near / (q - from + 1);
            if (q + 1 < 50) {
                assertThat(reading.value()).isNaN();
            } else {
                assertThat(reading.value()).isEqualTo(share);
                assertThat(reading.firing()).isEqualTo(share > 0.3);
            }
        }
    }

    @Test
    void signalsRejectInvalidParametersAndInputs() {
        assertThatThrownBy(() -> new QueryRate(0, 1.0)).hasMessageContaining("timeConstant");
        assertThatThrownBy(() -> new ClassCoverage(1, 1, 0.5)).hasMessageContaining("classCount");
        assertThatThrownBy(() -> new NearBoundaryShare(0.1, 10, 11, 0.5))
                .hasMessageContaining("minQueries");
        NearBoundaryShare signal = new NearBoundaryShare(0.1, 10, 5, 0.5);
        assertThatThrownBy(() -> signal.update(signal.newState(), 1.5))
                .hasMessageContaining("margin");
        ClassCoverage coverage = new ClassCoverage(3, 1, 0.5);
        assertThatThrownBy(() -> coverage.update(coverage.newState(), 3))
                .hasMessageContaining("predicted class");
    }
}
