package io.warden.detectors.drift;

import static io.warden.detectors.drift.ScipyFixture.doubles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.warden.detectors.drift.KolmogorovSmirnov.Method;
import io.warden.detectors.drift.KolmogorovSmirnov.Result;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KolmogorovSmirnovTest {

    /** D is a ratio of integers; SciPy and this class compute it with the same few divisions. */
    private static final double D_TOLERANCE = 1e-12;

    @ParameterizedTest
    @ValueSource(strings = {"normal-50-80", "shift-40-60", "ties-30-40"})
    void smallSamplesGetScipysStatisticAndExactPValue(String name) {
        JsonNode pair = ScipyFixture.pair(name);
        Result r = KolmogorovSmirnov.test(doubles(pair.get("x")), doubles(pair.get("y")));

        assertThat(r.method()).isEqualTo(Method.EXACT);
        assertThat(r.statistic())
                .isCloseTo(pair.get("ks_statistic").doubleValue(), within(D_TOLERANCE));
        // Two exact algorithms (Commons Math's recursion, SciPy's lattice-path count): 1e-10.
        assertThat(r.pValue()).isCloseTo(pair.get("ks_pvalue_exact").doubleValue(), within(1e-10));
        assertThat(r.statisticErrorBound()).isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "normal-300-400",
                "scale-400-300",
                "shift-600-500",
                "exponential-1000-800",
                "heavy-ties-500-500"
            })
    void largerSamplesGetScipysStatisticAndTheLimitingKolmogorovPValue(String name) {
        JsonNode pair = ScipyFixture.pair(name);
        Result r = KolmogorovSmirnov.test(doubles(pair.get("x")), doubles(pair.get("y")));

        assertThat(r.method()).isEqualTo(Method.ASYMPTOTIC);
        assertThat(r.statistic())
                .isCloseTo(pair.get("ks_statistic").doubleValue(), within(D_TOLERANCE));
        // Same formula as SciPy's kstwobign.sf(D sqrt(nm/(n+m))): relative 1e-12.
        double limiting = pair.get("ks_pvalue_kstwobign").doubleValue();
        assertThat(r.pValue()).isCloseTo(limiting, within(1e-12 * limiting + 1e-300));
        // Against SciPy's exact p-value the asymptotic one is an approximation: within a factor
        // of 2 on these samples (worst: 3.7e-16 vs 2.1e-16 in the far tail).
        double exact = pair.get("ks_pvalue_exact").doubleValue();
        assertThat(Math.abs(Math.log(r.pValue() / exact))).isLessThan(Math.log(2));
    }

    @Test
    void kolmogorovSurvivalMatchesScipysKstwobignIncludingTheFarTail() {
        for (JsonNode point : ScipyFixture.section("kolmogorov_sf")) {
            double lambda = point.get("lambda").doubleValue();
            double expected = point.get("sf").doubleValue();
            assertThat(KolmogorovSmirnov.kolmogorovSurvival(lambda))
                    .as("P(K > %s)", lambda)
                    .isCloseTo(expected, within(1e-13 * expected + 1e-15));
        }
        assertThat(KolmogorovSmirnov.kolmogorovSurvival(0.0)).isEqualTo(1.0);
        assertThat(KolmogorovSmirnov.kolmogorovSurvival(-1.0)).isEqualTo(1.0);
        assertThat(KolmogorovSmirnov.kolmogorovSurvival(40.0)).isZero();
    }

    @Test
    void kolmogorovSurvivalIsContinuousWhereTheTwoSeriesMeet() {
        double below = KolmogorovSmirnov.kolmogorovSurvival(Math.nextDown(1.18));
        double at = KolmogorovSmirnov.kolmogorovSurvival(1.18);
        assertThat(below).isCloseTo(at, within(1e-14));
    }

    @Test
    void statisticMatchesCommonsMathIncludingTies() {
        double[] x = {1, 2, 2, 3, 3, 3, 4, 5, 5, 9};
        double[] y = {2, 3, 3, 3, 4, 4, 6, 7};
        org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest commons =
                new org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest();
        assertThat(KolmogorovSmirnov.test(x, y).statistic())
                .isCloseTo(commons.kolmogorovSmirnovStatistic(x, y), within(D_TOLERANCE));
    }

    @Test
    void identicalSamplesHaveStatisticZeroAndPValueOne() {
        double[] x = Samples.normal(3, 50, 0);
        Result r = KolmogorovSmirnov.test(x, x.clone());
        assertThat(r.statistic()).isZero();
        assertThat(r.pValue()).isEqualTo(1.0);
    }

    @Test
    void disjointSamplesHaveStatisticOne() {
        Result r = KolmogorovSmirnov.test(new double[] {1, 2, 3}, new double[] {4, 5});
        assertThat(r.statistic()).isEqualTo(1.0);
        assertThat(r.pValue()).isCloseTo(0.2, within(1e-12)); // 2 / C(5, 2): the two extremes
    }

    @Test
    void sketchesHoldingAllTheirValuesGiveExactlyTheSampleResult() {
        double[] x = Samples.normal(5, 80, 0);
        double[] y = Samples.normal(6, 110, 0.4);
        KllDoublesSketch sx = Samples.sketch(x);
        KllDoublesSketch sy = Samples.sketch(y);
        assertThat(sx.isEstimationMode() || sy.isEstimationMode()).isFalse();

        Result exact = KolmogorovSmirnov.test(x, y);
        assertThat(KolmogorovSmirnov.test(sx, sy)).isEqualTo(exact);
        assertThat(KolmogorovSmirnov.testDiscountingRankError(sx, sy)).isEqualTo(exact);
    }

    @Test
    void sketchStatisticIsWithinTheSketchesRankErrorOfTheExactOne() {
        for (int seed = 0; seed < 6; seed++) {
            double[] x = Samples.normal(100 + seed, 50_000, 0);
            double[] y = Samples.normal(200 + seed, 20_000, seed % 2 == 0 ? 0.0 : 0.1);
            Result exact = KolmogorovSmirnov.test(x, y);
            Result sketched = KolmogorovSmirnov.test(Samples.sketch(x), Samples.sketch(y));

            assertThat(sketched.method()).isEqualTo(Method.SKETCH_ASYMPTOTIC);
            assertThat(sketched.referenceCount()).isEqualTo(50_000);
            assertThat(sketched.windowCount()).isEqualTo(20_000);
            double bound = 2 * KllDoublesSketch.getNormalizedRankError(200, false);
            assertThat(sketched.statisticErrorBound()).isCloseTo(bound, within(1e-15));
            assertThat(sketched.statistic())
                    .as("seed %d", seed)
                    .isCloseTo(exact.statistic(), within(bound));
        }
    }

    @Test
    void discountingTheRankErrorGivesALargerPValueThanTheRawSketchTest() {
        KllDoublesSketch ref = Samples.sketch(Samples.normal(7, 50_000, 0));
        KllDoublesSketch win = Samples.sketch(Samples.normal(8, 20_000, 0.05));
        Result raw = KolmogorovSmirnov.test(ref, win);
        Result discounted = KolmogorovSmirnov.testDiscountingRankError(ref, win);

        assertThat(discounted.method()).isEqualTo(Method.SKETCH_RANK_ERROR_DISCOUNTED);
        assertThat(discounted.statistic()).isEqualTo(raw.statistic());
        assertThat(discounted.pValue())
                .isEqualTo(
                        KolmogorovSmirnov.asymptoticPValue(
                                Math.max(0, raw.statistic() - raw.statisticErrorBound()),
                                50_000,
                                20_000))
                .isGreaterThan(raw.pValue());
    }

    /**
     * Without a shift the p-values of the sample test are uniform (slightly conservative for the
     * asymptotic one): at level 0.05 about 5% of 400 seeded pairs reject. Binomial(400, 0.05) has
     * mean 20 and standard deviation 4.4; the bounds below are about &plusmn;3 standard deviations.
     * (The share at 0.5 is printed only: D takes few values at n = 60, so P(p &le; 0.5) is well
     * below 0.5 there, as it should be for a valid discrete test.)
     */
    @ParameterizedTest
    @ValueSource(ints = {60, 600})
    void withoutShiftTheSampleTestRejectsAboutFivePercentOfWindows(int n) {
        int trials = 400;
        int rejected = 0;
        int belowHalf = 0;
        for (int seed = 0; seed < trials; seed++) {
            Result r =
                    KolmogorovSmirnov.test(
                            Samples.normal(10_000 + seed, n, 0),
                            Samples.normal(20_000 + seed, n, 0));
            assertThat(r.method()).isEqualTo(n * n < 10_000 ? Method.EXACT : Method.ASYMPTOTIC);
            rejected += r.pValue() <= 0.05 ? 1 : 0;
            belowHalf += r.pValue() <= 0.5 ? 1 : 0;
        }
        System.out.printf(
                "KS without shift, n = m = %d: %d of %d rejected at 0.05, %d at 0.5%n",
                n, rejected, trials, belowHalf);
        assertThat(rejected).isBetween(7, 33);
    }

    /**
     * The raw sketch test mistakes sketch error for drift once windows are large; the discounted
     * one does not. 40 seeded windows of 5,000 values against a 20,000-value reference, no shift.
     */
    @Test
    void withoutShiftTheDiscountedSketchTestStaysBelowItsLevel() {
        int trials = 40;
        int rawRejected = 0;
        int discountedRejected = 0;
        for (int seed = 0; seed < trials; seed++) {
            KllDoublesSketch ref = Samples.sketch(Samples.normal(30_000 + seed, 20_000, 0));
            KllDoublesSketch win = Samples.sketch(Samples.normal(40_000 + seed, 5_000, 0));
            rawRejected += KolmogorovSmirnov.test(ref, win).pValue() <= 0.05 ? 1 : 0;
            discountedRejected +=
                    KolmogorovSmirnov.testDiscountingRankError(ref, win).pValue() <= 0.05 ? 1 : 0;
        }
        System.out.printf(
                "KS on k=200 sketches without shift (20k vs 5k): raw %d, discounted %d of %d"
                        + " rejected at 0.05%n",
                rawRejected, discountedRejected, trials);
        // Binomial(40, 0.05): P(X >= 7) < 0.5%.
        assertThat(discountedRejected).isLessThanOrEqualTo(6);
    }

    @Test
    void aShiftOfAThirdOfASigmaIsDetectedOnSketchesOfTwentyThousandValues() {
        KllDoublesSketch ref = Samples.sketch(Samples.normal(50, 100_000, 0));
        KllDoublesSketch win = Samples.sketch(Samples.normal(51, 20_000, 0.3));
        Result r = KolmogorovSmirnov.testDiscountingRankError(ref, win);
        // D is about 2 Phi(0.15) - 1 = 0.119, far beyond the 0.027 discount.
        assertThat(r.statistic()).isCloseTo(0.119, within(0.02));
        assertThat(r.pValue()).isLessThan(1e-20);
    }

    /**
     * DataSketches' own test compares its D with c(alpha) sqrt((ra + rb)/(ra rb)) + epsA + epsB,
     * using the retained item counts ra, rb (a few hundred) instead of the stream lengths: at k =
     * 200 its threshold is about 0.107 whatever the data size, so it misses a +0.1 sigma shift
     * (true D 0.04) that the discounted test here finds with 100,000 + 20,000 values. Both find
     * +0.3 sigma. Its D is read at slightly mismatched points of the two sorted views and differs
     * from ours by at most about one retained item's weight.
     */
    @Test
    void comparedWithDataSketchesOwnTestThisOneUsesTheStreamLengthsAndIsMorePowerful() {
        KllDoublesSketch ref = Samples.sketch(Samples.normal(60, 100_000, 0));
        KllDoublesSketch small = Samples.sketch(Samples.normal(61, 20_000, 0.1));
        KllDoublesSketch large = Samples.sketch(Samples.normal(62, 20_000, 0.3));

        double theirThreshold =
                org.apache.datasketches.quantilescommon.KolmogorovSmirnov.computeKSThreshold(
                        ref, small, 0.05);
        double theirD =
                org.apache.datasketches.quantilescommon.KolmogorovSmirnov.computeKSDelta(
                        ref, small);
        Result ours = KolmogorovSmirnov.testDiscountingRankError(ref, small);
        System.out.printf(
                "+0.1 sigma, 100k vs 20k, k=200: DataSketches D %.4f threshold %.4f; ours D %.4f"
                        + " discounted p %.3g%n",
                theirD, theirThreshold, ours.statistic(), ours.pValue());

        assertThat(theirD).isCloseTo(ours.statistic(), within(0.005));
        assertThat(
                        org.apache.datasketches.quantilescommon.KolmogorovSmirnov
                                .kolmogorovSmirnovTest(ref, small, 0.05))
                .isFalse();
        assertThat(ours.pValue()).isLessThan(0.05);

        assertThat(
                        org.apache.datasketches.quantilescommon.KolmogorovSmirnov
                                .kolmogorovSmirnovTest(ref, large, 0.05))
                .isTrue();
        assertThat(KolmogorovSmirnov.testDiscountingRankError(ref, large).pValue())
                .isLessThan(0.05);
    }

    @Test
    void invalidInputsAreRejectedNamingTheProblem() {
        assertThatThrownBy(() -> KolmogorovSmirnov.test(new double[0], new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reference must not be empty");
        assertThatThrownBy(
                        () ->
                                KolmogorovSmirnov.test(
                                        new double[] {1}, new double[] {2, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window holds NaN at index 1");
        KllDoublesSketch empty = KllDoublesSketch.newHeapInstance();
        assertThatThrownBy(() -> KolmogorovSmirnov.test(Samples.sketch(new double[] {1, 2}), empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window sketch must not be empty");
        assertThatThrownBy(() -> KolmogorovSmirnov.asymptoticPValue(1.5, 10, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> KolmogorovSmirnov.asymptoticPValue(0.5, 0, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sample sizes must be positive");
        assertThatThrownBy(() -> KolmogorovSmirnov.kolmogorovSurvival(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
    }
}
