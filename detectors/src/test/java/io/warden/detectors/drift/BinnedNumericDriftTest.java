package io.warden.detectors.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

/** The deterministic window side of numeric drift: exact counts over the reference's fine bins. */
class BinnedNumericDriftTest {
    private static final UnivariateDrift DRIFT = UnivariateDrift.withDefaults();

    private static double[] normal(Random r, int n, double mean) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = mean + r.nextGaussian();
        }
        return x;
    }

    private static NumericReference reference(double[] sample) {
        KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(400);
        for (double v : sample) {
            sketch.update(v);
        }
        return NumericReference.of(sketch, Bins.DEFAULT_BINS);
    }

    /**
     * Counts in fine bins and the tail-excess sums, summed exactly (so that, like the job's
     * fixed-point sums, they do not depend on the order of the values).
     */
    private static UnivariateDriftResult drift(NumericReference ref, double[] values) {
        WindowBins bins = ref.windowBins();
        long[] counts = new long[bins.size()];
        BigDecimal lower = BigDecimal.ZERO;
        BigDecimal upper = BigDecimal.ZERO;
        for (double v : values) {
            counts[bins.binOf(v)]++;
            lower = lower.add(new BigDecimal(bins.lowerExcess(v)));
            upper = upper.add(new BigDecimal(bins.upperExcess(v)));
        }
        return DRIFT.numeric(ref, counts, lower.doubleValue(), upper.doubleValue());
    }

    private static double stat(UnivariateDriftResult r, String name) {
        return r.statistics().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow()
                .value();
    }

    @Test
    void binsAreRightClosedAndCoverTheLine() {
        NumericReference ref = reference(normal(new Random(1), 50_000, 0));
        WindowBins bins = ref.windowBins();
        double[] edges = bins.edges();

        assertThat(bins.size()).isBetween(100, 110);
        assertThat(bins.binOf(-1e300)).isZero();
        assertThat(bins.binOf(1e300)).isEqualTo(bins.size() - 1);
        for (int i = 1; i < edges.length - 1; i++) {
            assertThat(bins.binOf(edges[i]))
                    .as("edge %d belongs to the bin below", i)
                    .isEqualTo(i - 1);
            assertThat(bins.binOf(Math.nextUp(edges[i]))).isEqualTo(i);
        }
        assertThatThrownBy(() -> bins.binOf(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void coarseStatisticsEqualTheExactOnesOnTheSameSample() {
        Random r = new Random(2);
        NumericReference ref = reference(normal(r, 100_000, 0));
        double[] values = normal(r, 5_000, 0.2);

        UnivariateDriftResult binned = drift(ref, values);

        double[] expected = ref.binProportions();
        double[] actual = Bins.proportions(values, ref.binEdges());
        assertThat(stat(binned, DriftStatistic.PSI))
                .isCloseTo(Psi.of(expected, actual), within(1e-12));
        assertThat(stat(binned, DriftStatistic.JS_DISTANCE))
                .isCloseTo(JensenShannon.distance(expected, actual), within(1e-12));
    }

    @Test
    void ksAndWassersteinAgreeWithExactStatisticsWithinTheBinningError() {
        Random r = new Random(3);
        double[] refSample = normal(r, 100_000, 0);
        NumericReference ref = reference(refSample);
        for (double shift : new double[] {0, 0.1, 0.3, 1.0}) {
            double[] values = normal(r, 20_000, shift);

            UnivariateDriftResult binned = drift(ref, values);

            double exactD = KolmogorovSmirnov.test(refSample, values).statistic();
            double exactW = Wasserstein.normalized(refSample, values);
            // Binned D is read at the fine edges: never above the exact D by more than the
            // reference sketch's error, never below it by more than a fine bin's mass.
            assertThat(stat(binned, DriftStatistic.KS))
                    .as("shift %s", shift)
                    .isCloseTo(exactD, within(ref.rankErrorBound() + 0.015));
            assertThat(stat(binned, DriftStatistic.WASSERSTEIN_NORM))
                    .as("shift %s", shift)
                    .isCloseTo(exactW, within(0.02));
        }
    }

    @Test
    void doesNotFlagWindowsFromTheReferenceDistributionMoreOftenThanItsLevel() {
        Random r = new Random(4);
        NumericReference ref = reference(normal(r, 100_000, 0));
        int rejections = 0;
        int windows = 200;
        for (int i = 0; i < windows; i++) {
            UnivariateDriftResult result = drift(ref, normal(r, 2_000, 0));
            double p =
                    result.statistics().stream()
                            .filter(s -> s.name().equals(DriftStatistic.KS))
                            .findFirst()
                            .orElseThrow()
                            .pValue();
            rejections += p <= 0.05 ? 1 : 0;
        }
        // Conservative test: at most the level, plus 3 binomial standard deviations.
        double bound = windows * 0.05 + 3 * Math.sqrt(windows * 0.05 * 0.95);
        assertThat(rejections).isLessThanOrEqualTo((int) bound);
    }

    @Test
    void detectsAThirdOfAStandardDeviationInALargeWindow() {
        Random r = new Random(5);
        NumericReference ref = reference(normal(r, 100_000, 0));

        UnivariateDriftResult shifted = drift(ref, normal(r, 20_000, 0.3));

        assertThat(shifted.drifted()).isTrue();
        assertThat(stat(shifted, DriftStatistic.WASSERSTEIN_NORM)).isBetween(0.25, 0.35);
    }

    @Test
    void givesTheSameResultWhateverTheOrderOfEvents() {
        Random r = new Random(6);
        NumericReference ref = reference(normal(r, 20_000, 0));
        double[] values = normal(r, 3_000, 0.1);
        double[] reversed = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            reversed[i] = values[values.length - 1 - i];
        }

        assertThat(drift(ref, reversed)).isEqualTo(drift(ref, values));
    }

    @Test
    void rejectsCountsThatDoNotFitTheBins() {
        NumericReference ref = reference(normal(new Random(7), 1_000, 0));
        assertThatThrownBy(() -> DRIFT.numeric(ref, new long[3], 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one count per fine bin");
        assertThatThrownBy(() -> DRIFT.numeric(ref, new long[ref.windowBins().size()], 0, 1))
                .hasMessageContaining("must not all be 0");
    }
}
