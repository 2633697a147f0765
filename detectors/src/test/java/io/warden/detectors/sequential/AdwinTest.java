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
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdwinTest {

    /** Standard deviations at which the delay bounds take each random quantity. */
    private static final double Z = 4;

    private static final int SEEDS = 10;

    /** An ADWIN that never tests a split: its window is every value read. */
    private static Adwin neverCutting() {
        return Adwin.builder().clock(Integer.MAX_VALUE).build();
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

    /** The decisions and window of every update, for comparing two detectors' futures. */
    private static List<String> trace(Adwin adwin, double[] values, int from, int to) {
        List<String> trace = new ArrayList<>();
        for (int i = from; i < to; i++) {
            boolean change = adwin.update(values[i]);
            trace.add(
                    i
                            + ":"
                            + change
                            + ":"
                            + adwin.width()
                            + ":"
                            + adwin.dropped()
                            + ":"
                            + adwin.mean()
                            + ":"
                            + adwin.variance()
                            + ":"
                            + adwin.changePoint());
        }
        return trace;
    }

    // ---- window statistics ----

    @Test
    void windowMeanAndVarianceEqualATwoPassComputationOverAllValuesWhileNothingIsCut() {
        Random random = new Random(1);
        Adwin adwin = neverCutting();
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            double v = 100 + 3 * random.nextGaussian();
            values.add(v);
            adwin.update(v);
            if (i % 997 == 0 || i == 19_999) {
                double mean = values.stream().mapToDouble(x -> x).average().orElseThrow();
                double variance =
                        values.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum()
                                / values.size();
                assertThat(adwin.width()).isEqualTo(values.size());
                assertThat(adwin.mean()).isCloseTo(mean, within(1e-9 * Math.abs(mean)));
                assertThat(adwin.variance()).isCloseTo(variance, within(1e-9 * variance));
            }
        }
    }

    @Test
    void emptyWindowHasNoMeanNorVariance() {
        Adwin adwin = new Adwin();
        assertThat(adwin.width()).isZero();
        assertThat(adwin.mean()).isNaN();
        assertThat(adwin.variance()).isNaN();
        assertThat(adwin.changeDetected()).isFalse();
        assertThat(adwin.changePoint()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 5, 10})
    void bucketsStayWithinTheExponentialHistogramBound(int maxBuckets) {
        // Every row but the oldest holds at least M - 1 buckets, so a window of W values has at
        // most R = floor(log2((W + M - 1) / M)) + 1 rows of at most M buckets each.
        Adwin adwin = Adwin.builder().maxBuckets(maxBuckets).clock(Integer.MAX_VALUE).build();
        Random random = new Random(2);
        for (int i = 1; i <= 1_000_000; i++) {
            adwin.update(random.nextDouble());
            if (Integer.bitCount(i) == 1 || i % 99_991 == 0) {
                int rows = (int) Math.floor(log2((i + maxBuckets - 1.0) / maxBuckets)) + 1;
                Adwin.State state = adwin.snapshot();
                assertThat(state.width()).as("values described").isEqualTo(i);
                assertThat(state.rowCounts().length).as("rows at %d", i).isLessThanOrEqualTo(rows);
                assertThat(adwin.bucketCount())
                        .as("buckets at %d", i)
                        .isLessThanOrEqualTo(maxBuckets * rows);
                for (int count : state.rowCounts()) {
                    assertThat(count).isBetween(1, maxBuckets);
                }
            }
        }
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    // ---- false alarms ----

    @Test
    void constantStreamNeverRaisesAnAlarm() {
        Adwin adwin = Adwin.builder().clock(1).build();
        for (int i = 0; i < 100_000; i++) {
            assertThat(adwin.update(0.7)).isFalse();
        }
        assertThat(adwin.width()).isEqualTo(100_000);
        // 0.7 is no binary fraction: the running sums round, by far less than any real spread.
        assertThat(adwin.variance()).isLessThan(1e-20);
    }

    @Test
    void stationaryStreamsRaiseFewerFalseAlarmsThanTheConfidenceBound() {
        // Theorem 3.1 of the paper: on a stationary stream of values in [0, 1] each test of the
        // splits shrinks the window with probability at most delta. With one test every clock
        // values, a stream of n values has at most (n / clock) delta false alarms on average.
        int length = 100_000;
        int seeds = 20;
        Adwin adwin = new Adwin();
        double boundPerStream = (double) (length / adwin.clock()) * adwin.delta();
        long alarms = 0;
        int streamsWithAlarms = 0;
        for (int seed = 0; seed < seeds; seed++) {
            Random random = new Random(1000 + seed);
            double[] stream = new double[length];
            for (int i = 0; i < length; i++) {
                // Half the seeds uniform on [0, 1], half Bernoulli(0.3) "error" indicators.
                stream[i] = seed % 2 == 0 ? random.nextDouble() : random.nextDouble() < 0.3 ? 1 : 0;
            }
            DetectionDelay run = DetectionDelay.measure(adwin, stream, length);
            alarms += run.falseAlarms();
            streamsWithAlarms += run.falseAlarms() > 0 ? 1 : 0;
        }
        assertThat((double) alarms).isLessThanOrEqualTo(seeds * boundPerStream);
        // The bound is loose (union over splits, Bernstein instead of exact tails): in fact the
        // large majority of streams has no alarm at all.
        assertThat(streamsWithAlarms).isLessThanOrEqualTo(seeds / 10);
    }

    // ---- detection ----

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 1, 2, 4})
    void abruptMeanShiftIsDetectedWithinTheDerivedDelayBound(double shift) {
        int change = 2_000;
        double sigma = 1;
        double[] expected = SyntheticStreams.abrupt(change + 4_000, change, 0, shift);
        Adwin adwin = new Adwin();
        long bound = DelayBounds.adwin(expected, change, sigma, adwin, Z);
        List<DetectionDelay> runs = new ArrayList<>();
        for (int seed = 0; seed < SEEDS; seed++) {
            double[] stream = SyntheticStreams.withNoise(expected, sigma, 100 + seed);
            DetectionDelay run = DetectionDelay.measure(adwin, stream, change);
            runs.add(run);
            assertThat(run.falseAlarms()).as("false alarms, seed %d", seed).isZero();
            assertThat(run.detected()).as("detected, seed %d", seed).isTrue();
            assertThat(run.detectionIndex())
                    .as("detection, seed %d", seed)
                    .isLessThanOrEqualTo(bound);
        }
        assertThat(DetectionDelay.Summary.of(runs).detected()).isEqualTo(SEEDS);
    }

    @Test
    void gradualDriftIsDetectedWithinTheDerivedDelayBound() {
        // The mean climbs from 0 to 1 (one noise sigma) over 1,000 values.
        int change = 2_000;
        double sigma = 1;
        double[] expected = SyntheticStreams.ramp(change + 5_000, change, 1_000, 0, 1);
        Adwin adwin = new Adwin();
        long bound = DelayBounds.adwin(expected, change, sigma, adwin, Z);
        for (int seed = 0; seed < SEEDS; seed++) {
            double[] stream = SyntheticStreams.withNoise(expected, sigma, 200 + seed);
            DetectionDelay run = DetectionDelay.measure(adwin, stream, change);
            assertThat(run.falseAlarms()).as("false alarms, seed %d", seed).isZero();
            assertThat(run.detected()).as("detected, seed %d", seed).isTrue();
            assertThat(run.detectionIndex())
                    .as("detection, seed %d", seed)
                    .isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void decreaseIsDetectedLikeTheMirroredIncrease() {
        int change = 2_000;
        double[] expected = SyntheticStreams.abrupt(change + 2_000, change, 0, 1);
        double[] stream = SyntheticStreams.withNoise(expected, 1, 7);
        double[] mirrored = Arrays.stream(stream).map(v -> -v).toArray();
        DetectionDelay up = DetectionDelay.measure(new Adwin(), stream, change);
        DetectionDelay down = DetectionDelay.measure(new Adwin(), mirrored, change);
        assertThat(down).isEqualTo(up);
        assertThat(up.detected()).isTrue();
    }

    @Test
    void afterAChangeTheWindowShrinksToTheNewRegime() {
        int change = 3_000;
        double shift = 4;
        double[] expected = SyntheticStreams.abrupt(change + 2_000, change, 0, shift);
        double[] stream = SyntheticStreams.withNoise(expected, 1, 11);
        Adwin adwin = new Adwin();
        int i = 0;
        while (!adwin.update(stream[i])) {
            i++;
        }
        assertThat(i).isGreaterThanOrEqualTo(change);
        assertThat(adwin.width() + adwin.dropped()).as("all but the dropped part").isEqualTo(i + 1);
        assertThat(adwin.changePoint()).hasValue(adwin.count() - adwin.width());
        adwin.update(stream[++i]);
        assertThat(adwin.changePoint()).isEmpty();
        assertThat(adwin.dropped()).isZero();

        // The first detection may come after a handful of new values and keep many old ones; the
        // checks that follow drop the rest. After at least 500 new values, read up to a check:
        while (++i < change + 500 || (i + 1) % adwin.clock() != 0) {
            adwin.update(stream[i]);
        }
        adwin.update(stream[i]);
        long newValues = i + 1 - change;
        long start = adwin.count() - adwin.width();
        // Whole buckets are dropped: the one holding the change has at most b = newValues / (M - 1)
        // + 1 values, so at most b new values can go with it; old values stay only while no split
        // is significant (DelayBounds.adwinOldValuesLeft).
        long bucket = newValues / (adwin.maxBuckets() - 1) + 1;
        long oldLeft = DelayBounds.adwinOldValuesLeft(shift, 1, newValues, i + 1, adwin, Z);
        assertThat(oldLeft).as("a meaningful bound").isLessThan(change / 10);
        assertThat(start).isBetween(change - oldLeft, change + bucket);
        // At most oldLeft old values (mean 0) among the new ones (mean 4): the mean is near 4.
        double pulled = shift * oldLeft / adwin.width();
        assertThat(adwin.mean())
                .isCloseTo(shift, within(pulled + Z / Math.sqrt(adwin.width() - oldLeft)));
    }

    @Test
    void splitsAreTestedOnlyWhenTheCountIsAMultipleOfTheClock() {
        double[] stream =
                SyntheticStreams.withNoise(
                        SyntheticStreams.ramp(20_000, 1_000, 10_000, 0, 10), 1, 3);
        for (int clock : new int[] {1, 7, 32}) {
            Adwin adwin = Adwin.builder().clock(clock).build();
            int detections = 0;
            for (double v : stream) {
                if (adwin.update(v)) {
                    detections++;
                    assertThat(adwin.count() % clock).isZero();
                }
            }
            assertThat(detections).as("detections with clock %d", clock).isPositive();
        }
    }

    @Test
    void noSplitIsTestedWhileTheWindowIsWithinTheGracePeriod() {
        Adwin adwin = Adwin.builder().clock(1).gracePeriod(100).build();
        for (int i = 0; i < 50; i++) {
            assertThat(adwin.update(0)).isFalse();
        }
        for (int i = 50; i < 100; i++) {
            assertThat(adwin.update(1000)).isFalse();
        }
        assertThat(adwin.update(1000))
                .as("101st value: the window exceeds the grace period")
                .isTrue();
    }

    // ---- state ----

    @Test
    void restoringASnapshotMidStreamGivesIdenticalDecisions() {
        int change = 3_000;
        double[] stream =
                SyntheticStreams.withNoise(
                        SyntheticStreams.abrupt(change + 5_000, change, 0, 1), 1, 5);
        Supplier<Adwin> build = () -> Adwin.builder().delta(0.01).clock(8).build();
        Adwin original = build.get();
        trace(original, stream, 0, 2_000);
        Adwin.State snapshot = original.snapshot();
        List<String> expected = trace(original, stream, 2_000, stream.length);
        assertThat(expected).anyMatch(line -> line.contains(":true:"));

        Adwin restored = build.get();
        restored.update(42); // some other state, to be replaced
        restored.restore(snapshot);
        assertThat(restored.snapshot()).isEqualTo(snapshot);
        assertThat(trace(restored, stream, 2_000, stream.length)).isEqualTo(expected);
        assertThat(restored.snapshot()).isEqualTo(original.snapshot());
    }

    @Test
    void javaSerializationMidStreamGivesIdenticalDecisions() throws Exception {
        double[] stream =
                SyntheticStreams.withNoise(SyntheticStreams.abrupt(8_000, 3_000, 0, 1), 1, 6);
        Adwin original = Adwin.builder().delta(0.05).maxBuckets(3).minWindowLength(7).build();
        trace(original, stream, 0, 2_500);
        Adwin copy = (Adwin) deserialize(serialize(original));
        assertThat(copy.toString()).isEqualTo(original.toString());
        assertThat(trace(copy, stream, 2_500, stream.length))
                .isEqualTo(trace(original, stream, 2_500, stream.length));
    }

    @Test
    void snapshotIsImmutable() {
        Adwin adwin = new Adwin();
        for (int i = 0; i < 100; i++) {
            adwin.update(i);
        }
        Adwin.State snapshot = adwin.snapshot();
        Adwin.State copy = adwin.snapshot();
        snapshot.bucketTotals()[0] = -1;
        snapshot.rowCounts()[0] = 99;
        adwin.update(1);
        assertThat(snapshot).isEqualTo(copy);
    }

    @Test
    void stateOfAMillionValueWindowIsAboutTwoKilobytes() throws Exception {
        // Documented bound: at most 18 rows and 90 buckets (two doubles each) for |W| = 10^6, M =
        // 5.
        Adwin adwin = neverCutting();
        Random random = new Random(8);
        for (int i = 0; i < 1_000_000; i++) {
            adwin.update(random.nextDouble());
        }
        Adwin.State state = adwin.snapshot();
        assertThat(state.rowCounts().length).isLessThanOrEqualTo(18);
        assertThat(state.bucketTotals().length).isLessThanOrEqualTo(90);
        int numbers = 4 * 18 + 2 * 8 * 90 + 5 * 8;
        assertThat(serialize(state).length).isLessThanOrEqualTo(numbers + 600);
        assertThat(serialize(adwin).length).isLessThanOrEqualTo(numbers + 900);
    }

    @Test
    void resetForgetsEverything() {
        double[] stream =
                SyntheticStreams.withNoise(SyntheticStreams.abrupt(6_000, 3_000, 0, 2), 1, 9);
        Adwin used = new Adwin();
        trace(used, stream, 0, stream.length);
        used.reset();
        assertThat(used.snapshot()).isEqualTo(new Adwin().snapshot());
        assertThat(used.count()).isZero();
        assertThat(used.width()).isZero();
        assertThat(used.changeDetected()).isFalse();
        assertThat(trace(used, stream, 0, stream.length))
                .isEqualTo(trace(new Adwin(), stream, 0, stream.length));
    }

    @Test
    void restoreRejectsAnotherDetectorsStateAndKeepsItsOwn() {
        Adwin adwin = new Adwin();
        adwin.update(1);
        Adwin.State before = adwin.snapshot();
        assertThatThrownBy(() -> adwin.restore(new PageHinkley().snapshot()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Adwin.State");
        assertThat(adwin.snapshot()).isEqualTo(before);
    }

    @Test
    void restoreRejectsMoreBucketsPerRowThanAllowedAndKeepsItsOwnState() {
        Adwin wide = Adwin.builder().maxBuckets(10).clock(Integer.MAX_VALUE).build();
        for (int i = 0; i < 10; i++) {
            wide.update(i);
        }
        Adwin narrow = new Adwin();
        narrow.update(3);
        Adwin.State before = narrow.snapshot();
        assertThatThrownBy(() -> narrow.restore(wide.snapshot()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBuckets = 5");
        assertThat(narrow.snapshot()).isEqualTo(before);
    }

    @Test
    void stateRejectsInconsistentStructure() {
        double[] one = {1.0};
        assertThatThrownBy(() -> new Adwin.State(1, 1, 0, new int[] {2}, one, one, false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rows hold 2 buckets");
        assertThatThrownBy(
                        () ->
                                new Adwin.State(
                                        1,
                                        1,
                                        0,
                                        new int[] {0},
                                        new double[0],
                                        new double[0],
                                        false,
                                        0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one bucket");
        assertThatThrownBy(
                        () -> new Adwin.State(1, Double.NaN, 0, new int[] {1}, one, one, false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
        Adwin adwin = new Adwin();
        assertThatThrownBy(
                        () ->
                                adwin.restore(
                                        new Adwin.State(
                                                0, 1, 0, new int[] {1}, one, one, false, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds its count");
    }

    @Test
    void rejectsNonFiniteValuesAndKeepsItsState() {
        Adwin adwin = new Adwin();
        adwin.update(0.5);
        Adwin.State before = adwin.snapshot();
        for (double bad :
                new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> adwin.update(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("value #1 is " + bad);
        }
        assertThat(adwin.snapshot()).isEqualTo(before);
    }

    // ---- arguments ----

    @Test
    void rejectsInvalidArgumentsNamingThem() {
        for (double delta : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> Adwin.builder().delta(delta).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("delta must be in (0, 1)");
            assertThatThrownBy(() -> new Adwin(delta))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("delta");
        }
        assertThatThrownBy(() -> Adwin.builder().clock(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clock must be at least 1, but is 0");
        for (int maxBuckets : new int[] {1, 0, Adwin.MAX_BUCKETS_LIMIT + 1}) {
            assertThatThrownBy(() -> Adwin.builder().maxBuckets(maxBuckets).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("maxBuckets must be in [2, ");
        }
        assertThatThrownBy(() -> Adwin.builder().minWindowLength(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minWindowLength must be at least 1, but is 0");
        assertThatThrownBy(() -> Adwin.builder().gracePeriod(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gracePeriod must not be negative, but is -1");
    }

    @Test
    void defaultsAreThoseOfMoaAndRiver() {
        Adwin adwin = new Adwin();
        assertThat(adwin.delta()).isEqualTo(0.002);
        assertThat(adwin.clock()).isEqualTo(32);
        assertThat(adwin.maxBuckets()).isEqualTo(5);
        assertThat(adwin.minWindowLength()).isEqualTo(5);
        assertThat(adwin.gracePeriod()).isEqualTo(10);
    }
}
