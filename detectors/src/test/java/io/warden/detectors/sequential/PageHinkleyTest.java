package io.warden.detectors.sequential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageHinkleyTest {

    /** Standard deviations at which the delay bounds take each random quantity. */
    private static final double Z = 4;

    private static final int SEEDS = 10;

    private static PageHinkley.Builder handSized() {
        return PageHinkley.builder().minInstances(1).delta(0.5).alpha(1);
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    private static List<String> trace(PageHinkley test, double[] values, int from, int to) {
        List<String> trace = new ArrayList<>();
        for (int i = from; i < to; i++) {
            boolean change = test.update(values[i]);
            trace.add(
                    i
                            + ":"
                            + change
                            + ":"
                            + test.statistic()
                            + ":"
                            + test.mean()
                            + ":"
                            + test.changePoint()
                            + ":"
                            + test.detectedDirection());
        }
        return trace;
    }

    // ---- closed forms ----

    @Test
    void statisticsOfAHandComputedStreamWithoutFading() {
        // delta = 1/2, alpha = 1, values 1, 1, 1, 5: means 1, 1, 1, 2; deviations 0, 0, 0, 3.
        // Rises: m = -1/2, -1, -3/2, -3/2 + 3 - 1/2 = 1; minimum -3/2; PH = 5/2.
        // Falls: m' = 1/2, 1, 3/2, 3/2 + 3 + 1/2 = 5; maximum 5; PH = 0.
        PageHinkley test = handSized().threshold(100).build();
        double[] expectedStatistic = {0, 0, 0, 2.5};
        double[] values = {1, 1, 1, 5};
        for (int i = 0; i < values.length; i++) {
            assertThat(test.update(values[i])).isFalse();
            assertThat(test.statistic())
                    .as("statistic after value %d", i)
                    .isEqualTo(expectedStatistic[i]);
        }
        assertThat(test.mean()).isEqualTo(2.0);
        PageHinkley.State state = test.snapshot();
        assertThat(state.sumIncrease()).isEqualTo(1.0);
        assertThat(state.minIncrease()).isEqualTo(-1.5);
        assertThat(state.minIncreaseAt()).isEqualTo(2);
        assertThat(state.sumDecrease()).isEqualTo(5.0);
        assertThat(state.maxDecrease()).isEqualTo(5.0);
    }

    @Test
    void thresholdIsCrossedOnlyWhenStrictlyExceeded() {
        double[] values = {1, 1, 1, 5}; // PH = 5/2 at the last value, as above
        PageHinkley atThreshold = handSized().threshold(2.5).build();
        PageHinkley belowThreshold = handSized().threshold(2.4).build();
        for (double v : values) {
            atThreshold.update(v);
            belowThreshold.update(v);
        }
        assertThat(atThreshold.changeDetected()).isFalse();
        assertThat(belowThreshold.changeDetected()).isTrue();
        assertThat(belowThreshold.detectedDirection()).contains(ChangeDirection.INCREASE);
        // Hinkley's estimate: the value after the last minimum of m, here exactly the jump.
        assertThat(belowThreshold.changePoint()).hasValue(3);
    }

    @Test
    void fallIsTheMirrorImageOfARise() {
        // Values 5, 5, 5, 1: m' = 1/2, 1, 3/2, 3/2 - 3 + 1/2 = -1; maximum 3/2; PH = 5/2.
        PageHinkley test = handSized().threshold(2.4).build();
        boolean[] detected = new boolean[4];
        double[] values = {5, 5, 5, 1};
        for (int i = 0; i < values.length; i++) {
            detected[i] = test.update(values[i]);
        }
        assertThat(detected).containsExactly(false, false, false, true);
        assertThat(test.statistic()).isEqualTo(2.5);
        assertThat(test.detectedDirection()).contains(ChangeDirection.DECREASE);
        assertThat(test.changePoint()).hasValue(3);
    }

    @Test
    void statisticsOfAHandComputedStreamWithFadingFactorOneHalf() {
        // alpha = 1/2, delta = 1/2, values 1, 1, 1, 5 (deviations 0, 0, 0, 3):
        // m = -1/2, -1/4 - 1/2 = -3/4, -3/8 - 1/2 = -7/8, -7/16 + 3 - 1/2 = 33/16; PH = 33/16 +
        // 7/8.
        // m' = 1/2, 3/4, 7/8, 7/16 + 3 + 1/2 = 63/16 (its maximum); PH' = 0.
        PageHinkley test = handSized().alpha(0.5).threshold(100).build();
        for (double v : new double[] {1, 1, 1, 5}) {
            test.update(v);
        }
        PageHinkley.State state = test.snapshot();
        assertThat(state.sumIncrease()).isEqualTo(33.0 / 16);
        assertThat(state.minIncrease()).isEqualTo(-7.0 / 8);
        assertThat(state.sumDecrease()).isEqualTo(63.0 / 16);
        assertThat(state.maxDecrease()).isEqualTo(63.0 / 16);
        assertThat(test.statistic()).isEqualTo(33.0 / 16 + 7.0 / 8);
    }

    @Test
    void statisticsEqualTheirDefinitionComputedFromScratch() {
        // m_T = sum_t alpha^(T-t) (x_t - mean(x_1..x_t) - delta), PH_T = m_T - min_t m_t, and the
        // mirror for falls, recomputed at every T with plain loops.
        Random random = new Random(3);
        double alpha = 0.99;
        double delta = 0.1;
        PageHinkley test =
                PageHinkley.builder()
                        .alpha(alpha)
                        .delta(delta)
                        .threshold(1e9)
                        .direction(ChangeDirection.BOTH)
                        .build();
        double[] x = new double[300];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i < 150 ? 0 : 1) + random.nextGaussian();
        }
        double minRise = Double.POSITIVE_INFINITY;
        double maxFall = Double.NEGATIVE_INFINITY;
        for (int last = 0; last < x.length; last++) {
            double rise = 0;
            double fall = 0;
            for (int t = 0; t <= last; t++) {
                double sum = 0;
                for (int s = 0; s <= t; s++) {
                    sum += x[s];
                }
                double deviation = x[t] - sum / (t + 1);
                double weight = Math.pow(alpha, last - t);
                rise += weight * (deviation - delta);
                fall += weight * (deviation + delta);
            }
            minRise = Math.min(minRise, rise);
            maxFall = Math.max(maxFall, fall);
            test.update(x[last]);
            PageHinkley.State state = test.snapshot();
            assertThat(state.sumIncrease()).isCloseTo(rise, within(1e-9));
            assertThat(state.sumDecrease()).isCloseTo(fall, within(1e-9));
            assertThat(test.statistic())
                    .isCloseTo(Math.max(rise - minRise, maxFall - fall), within(1e-9));
        }
    }

    @Test
    void noDetectionBeforeMinInstancesValues() {
        PageHinkley test = PageHinkley.builder().minInstances(30).threshold(1).alpha(1).build();
        double[] values = new double[40];
        Arrays.fill(values, 5, 40, 100.0); // a huge jump at index 5
        for (int i = 0; i < 29; i++) {
            assertThat(test.update(values[i])).as("value %d", i).isFalse();
        }
        assertThat(test.statistic()).isGreaterThan(1);
        assertThat(test.update(values[29])).as("the 30th value").isTrue();
        assertThat(test.changePoint()).hasValue(5);
    }

    @Test
    void restartsAtTheUpdateAfterADetectionAndKeepsCounting() {
        PageHinkley test = handSized().threshold(2.4).build();
        for (double v : new double[] {1, 1, 1, 5}) {
            test.update(v);
        }
        assertThat(test.changeDetected()).isTrue();
        assertThat(test.sinceRestart()).isEqualTo(4);
        assertThat(test.update(7)).isFalse();
        assertThat(test.count()).isEqualTo(5);
        assertThat(test.sinceRestart()).isEqualTo(1);
        assertThat(test.mean()).isEqualTo(7);
        assertThat(test.statistic()).isZero();
        assertThat(test.changePoint()).isEmpty();
        assertThat(test.detectedDirection()).isEmpty();
    }

    @Test
    void watchesOnlyTheConfiguredDirection() {
        double[] rise = new double[200];
        Arrays.fill(rise, 100, 200, 1.0);
        double[] fall = Arrays.stream(rise).map(v -> 1 - v).toArray();
        for (ChangeDirection direction : ChangeDirection.values()) {
            PageHinkley.Builder builder =
                    PageHinkley.builder().delta(0.01).threshold(5).direction(direction);
            DetectionDelay up = DetectionDelay.measure(builder.build(), rise, 100);
            DetectionDelay down = DetectionDelay.measure(builder.build(), fall, 100);
            assertThat(up.detected())
                    .as("rise, %s", direction)
                    .isEqualTo(direction.watchesIncrease());
            assertThat(down.detected())
                    .as("fall, %s", direction)
                    .isEqualTo(direction.watchesDecrease());
            assertThat(up.falseAlarms() + down.falseAlarms()).isZero();
        }
    }

    // ---- false alarms ----

    @Test
    void stationaryStreamFalseAlarmsStayBelowSiegmundsRate() {
        // Without fading, each direction is Page's CUSUM with drift -delta against noise sigma.
        // Siegmund's approximation of its mean run length to a false alarm, ARL0 = (e^a - 1 - a) /
        // (2 delta^2 / sigma^2) with a = 2 delta lambda / sigma^2, ignores the overshoot over
        // lambda, which only lengthens runs. Two directions: about 2 n / ARL0 alarms in n values.
        double delta = 0.25;
        double lambda = 20;
        double sigma = 1;
        int length = 100_000;
        int seeds = 20;
        double a = 2 * delta * lambda / (sigma * sigma);
        double arl0 = (Math.exp(a) - 1 - a) / (2 * delta * delta / (sigma * sigma));
        double expected = seeds * 2 * length / arl0; // about 23 over all seeds
        PageHinkley test = PageHinkley.builder().delta(delta).threshold(lambda).alpha(1).build();
        long alarms = 0;
        for (int seed = 0; seed < seeds; seed++) {
            double[] stream = SyntheticStreams.withNoise(new double[length], sigma, 300 + seed);
            alarms += DetectionDelay.measure(test, stream, length).falseAlarms();
        }
        // Poisson upper tail: mean + 4 standard deviations.
        assertThat((double) alarms).isLessThanOrEqualTo(expected + Z * Math.sqrt(expected));
    }

    @Test
    void defaultsRaiseNoAlarmOnAStationaryConfidenceLikeSignal() {
        // Spread 0.1 around 0.8: a = 2 (0.005)(50) / 0.01 = 50, so ARL0 is about e^50 / 0.005
        // values without fading. With the default fading the sums settle around -/+ delta / (1 -
        // alpha) = 50 with standard deviation sigma / sqrt(1 - alpha^2), about 7: a swing of lambda
        // = 50 is still a 7-sigma event.
        int length = 100_000;
        long alarms = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            double[] expected = new double[length];
            Arrays.fill(expected, 0.8);
            double[] stream = SyntheticStreams.withNoise(expected, 0.1, 400 + seed);
            alarms += DetectionDelay.measure(new PageHinkley(), stream, length).falseAlarms();
        }
        assertThat(alarms).isZero();
    }

    // ---- detection ----

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.2, 0.4})
    void confidenceDropIsDetectedWithinTheDerivedDelayBound(double drop) {
        // Default parameters on a confidence-like signal: mean 0.8, spread 0.1, a drop of 1, 2 or
        // 4 spreads at index 2,000.
        int change = 2_000;
        double sigma = 0.1;
        double[] expected = SyntheticStreams.abrupt(change + 4_000, change, 0.8, 0.8 - drop);
        PageHinkley test = new PageHinkley();
        double[] mirrored = Arrays.stream(expected).map(v -> -v).toArray();
        long bound = DelayBounds.pageHinkley(mirrored, change, sigma, test, Z);
        List<DetectionDelay> runs = new ArrayList<>();
        for (int seed = 0; seed < SEEDS; seed++) {
            double[] stream = SyntheticStreams.withNoise(expected, sigma, 500 + seed);
            DetectionDelay run = DetectionDelay.measure(test, stream, change);
            runs.add(run);
            assertThat(run.falseAlarms()).as("false alarms, seed %d", seed).isZero();
            assertThat(run.detected()).as("detected, seed %d", seed).isTrue();
            assertThat(run.detectionIndex())
                    .as("detection, seed %d", seed)
                    .isLessThanOrEqualTo(bound);
            assertThat(test.detectedDirection()).contains(ChangeDirection.DECREASE);
        }
        // The expected delay, lambda / (drop - delta) values, is a lower bound of the typical one
        // (the running mean follows the drop a little, shrinking later deviations).
        double typical = test.threshold() / (drop - test.delta());
        assertThat(DetectionDelay.Summary.of(runs).medianDelay())
                .isGreaterThan((long) (0.8 * typical));
    }

    @Test
    void gradualDriftIsDetectedWithinTheDerivedDelayBound() {
        // The mean climbs from 0 to 0.2 (two spreads) over 1,000 values.
        int change = 2_000;
        double sigma = 0.1;
        double[] expected = SyntheticStreams.ramp(change + 5_000, change, 1_000, 0, 0.2);
        PageHinkley test = new PageHinkley();
        long bound = DelayBounds.pageHinkley(expected, change, sigma, test, Z);
        for (int seed = 0; seed < SEEDS; seed++) {
            double[] stream = SyntheticStreams.withNoise(expected, sigma, 600 + seed);
            DetectionDelay run = DetectionDelay.measure(test, stream, change);
            assertThat(run.falseAlarms()).as("false alarms, seed %d", seed).isZero();
            assertThat(run.detected()).as("detected, seed %d", seed).isTrue();
            assertThat(run.detectionIndex())
                    .as("detection, seed %d", seed)
                    .isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void changePointEstimateIsWithinAFewValuesOfAClearShift() {
        // delta = shift / 2 (the classic CUSUM choice). Before the change, m read backwards from
        // the change is a walk with drift +delta and noise sigma; after it, one with drift at
        // least shift - delta - (shift c / (c + k) shortfall) > delta. The last minimum is more
        // than j values from the change only if such a walk is at or below its start after some i
        // >= j steps: probability at most 2 sum_(i >= j) Phi(-delta sqrt(i) / sigma), below 1e-6
        // for j = 8 here.
        double shift = 0.4;
        double sigma = 0.1;
        double delta = shift / 2;
        int j = 8;
        double tail = 0;
        for (int i = j; i < 100_000; i++) {
            tail += 2 * upperNormalTail(delta * Math.sqrt(i) / sigma);
        }
        assertThat(tail).isLessThan(1e-6);
        int change = 1_000;
        double[] expected = SyntheticStreams.abrupt(2_000, change, 0.5, 0.5 + shift);
        PageHinkley test = PageHinkley.builder().delta(delta).threshold(2).build();
        for (int seed = 0; seed < SEEDS; seed++) {
            double[] stream = SyntheticStreams.withNoise(expected, sigma, 700 + seed);
            DetectionDelay run = DetectionDelay.measure(test, stream, change);
            assertThat(run.detected()).isTrue();
            assertThat(run.falseAlarms()).isZero();
            assertThat(test.changePoint().orElseThrow())
                    .isBetween(change - (long) j, change + (long) j);
        }
    }

    /** P(N(0, 1) > x) for x >= 0, by the Abramowitz-Stegun 26.2.17 bound-quality formula. */
    private static double upperNormalTail(double x) {
        double t = 1 / (1 + 0.2316419 * x);
        double poly =
                t
                        * (0.319381530
                                + t
                                        * (-0.356563782
                                                + t
                                                        * (1.781477937
                                                                + t
                                                                        * (-1.821255978
                                                                                + t
                                                                                        * 1.330274429))));
        return Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) * poly;
    }

    // ---- state ----

    @Test
    void restoringASnapshotMidStreamGivesIdenticalDecisions() {
        double[] stream =
                SyntheticStreams.withNoise(SyntheticStreams.abrupt(6_000, 2_000, 0.8, 0.6), 0.1, 8);
        PageHinkley.Builder builder = PageHinkley.builder().threshold(10);
        PageHinkley original = builder.build();
        trace(original, stream, 0, 1_500);
        PageHinkley.State snapshot = original.snapshot();
        List<String> expected = trace(original, stream, 1_500, stream.length);
        assertThat(expected).anyMatch(line -> line.contains(":true:"));

        PageHinkley restored = builder.build();
        restored.update(3);
        restored.restore(snapshot);
        assertThat(restored.snapshot()).isEqualTo(snapshot);
        assertThat(trace(restored, stream, 1_500, stream.length)).isEqualTo(expected);
    }

    @Test
    void restoringASnapshotTakenAtADetectionRestartsLikeTheOriginal() {
        PageHinkley original = handSized().threshold(2.4).build();
        for (double v : new double[] {1, 1, 1, 5}) {
            original.update(v);
        }
        PageHinkley restored = handSized().threshold(2.4).build();
        restored.restore(original.snapshot());
        assertThat(restored.changeDetected()).isTrue();
        assertThat(restored.changePoint()).isEqualTo(original.changePoint());
        double[] next = {7, 7, 0, 7};
        assertThat(trace(restored, next, 0, next.length))
                .isEqualTo(trace(original, next, 0, next.length));
    }

    @Test
    void javaSerializationMidStreamGivesIdenticalDecisions() throws Exception {
        double[] stream =
                SyntheticStreams.withNoise(SyntheticStreams.abrupt(5_000, 2_500, 0, 1), 1, 9);
        PageHinkley original =
                PageHinkley.builder()
                        .minInstances(50)
                        .delta(0.3)
                        .threshold(15)
                        .alpha(0.999)
                        .direction(ChangeDirection.INCREASE)
                        .build();
        trace(original, stream, 0, 1_000);
        PageHinkley copy = (PageHinkley) deserialize(serialize(original));
        assertThat(copy.toString()).isEqualTo(original.toString());
        assertThat(trace(copy, stream, 1_000, stream.length))
                .isEqualTo(trace(original, stream, 1_000, stream.length));
    }

    @Test
    void stateIsAboutAHundredBytes() throws Exception {
        PageHinkley test = new PageHinkley();
        for (int i = 0; i < 1_000; i++) {
            test.update(i % 3);
        }
        // 4 longs, 5 doubles and 2 booleans: 74 bytes of numbers, plus the class description.
        assertThat(serialize(test.snapshot()).length).isLessThanOrEqualTo(74 + 350);
    }

    @Test
    void resetForgetsEverything() {
        double[] stream =
                SyntheticStreams.withNoise(
                        SyntheticStreams.abrupt(3_000, 1_000, 0.8, 0.5), 0.1, 10);
        PageHinkley used = new PageHinkley();
        trace(used, stream, 0, stream.length);
        used.reset();
        assertThat(used.snapshot()).isEqualTo(new PageHinkley().snapshot());
        assertThat(used.count()).isZero();
        assertThat(used.mean()).isNaN();
        assertThat(used.statistic()).isZero();
        assertThat(trace(used, stream, 0, stream.length))
                .isEqualTo(trace(new PageHinkley(), stream, 0, stream.length));
    }

    @Test
    void restoreRejectsForeignOrInconsistentStatesAndKeepsItsOwn() {
        PageHinkley test = PageHinkley.builder().direction(ChangeDirection.INCREASE).build();
        test.update(1);
        PageHinkley.State before = test.snapshot();
        assertThatThrownBy(() -> test.restore(new Adwin().snapshot()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PageHinkley.State");
        PageHinkley.State fall = new PageHinkley.State(40, 40, 0, 0, -1, 3, 0, 60, 5, false, true);
        assertThatThrownBy(() -> test.restore(fall))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("direction this test (INCREASE) ignores");
        PageHinkley.State early = new PageHinkley.State(10, 10, 0, 60, 0, 3, 0, 0, 5, true, false);
        assertThatThrownBy(() -> test.restore(early))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fewer than minInstances = 30");
        assertThat(test.snapshot()).isEqualTo(before);
    }

    @Test
    void stateRejectsInconsistentNumbers() {
        double inf = Double.POSITIVE_INFINITY;
        assertThatThrownBy(() -> new PageHinkley.State(5, 6, 0, 0, 0, 0, 0, 0, 0, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("n must be in [0, count = 5]");
        assertThatThrownBy(
                        () -> new PageHinkley.State(5, 0, 0, 0, 0, -1, 0, -inf, -1, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no extremes");
        assertThatThrownBy(() -> new PageHinkley.State(5, 5, 0, 0, 1, 0, 0, 0, 0, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("extremes must bound");
        assertThatThrownBy(() -> new PageHinkley.State(5, 2, 0, 0, 0, 1, 0, 0, 4, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("indices of values since the restart, [3, 5)");
        assertThatThrownBy(
                        () ->
                                new PageHinkley.State(
                                        5, 5, Double.NaN, 0, 0, 1, 0, 0, 4, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
    }

    @Test
    void rejectsNonFiniteValuesAndKeepsItsState() {
        PageHinkley test = new PageHinkley();
        test.update(0.5);
        PageHinkley.State before = test.snapshot();
        for (double bad :
                new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> test.update(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("value #1 is " + bad);
        }
        assertThat(test.snapshot()).isEqualTo(before);
    }

    // ---- arguments ----

    @Test
    void rejectsInvalidArgumentsNamingThem() {
        assertThatThrownBy(() -> PageHinkley.builder().minInstances(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minInstances must be at least 1, but is 0");
        for (double delta : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> PageHinkley.builder().delta(delta).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("delta must be finite and not negative");
        }
        for (double threshold : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> PageHinkley.builder().threshold(threshold).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("threshold must be finite and positive");
        }
        for (double alpha : new double[] {0, -0.5, 1.0001, Double.NaN}) {
            assertThatThrownBy(() -> PageHinkley.builder().alpha(alpha).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("alpha must be in (0, 1]");
        }
        assertThatThrownBy(() -> PageHinkley.builder().direction(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("direction");
    }

    @Test
    void defaultsAreThoseOfMoaAndRiver() {
        PageHinkley test = new PageHinkley();
        assertThat(test.minInstances()).isEqualTo(30);
        assertThat(test.delta()).isEqualTo(0.005);
        assertThat(test.threshold()).isEqualTo(50);
        assertThat(test.alpha()).isEqualTo(1 - 0.0001);
        assertThat(test.direction()).isEqualTo(ChangeDirection.BOTH);
    }
}
