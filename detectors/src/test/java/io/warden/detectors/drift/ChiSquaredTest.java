package io.warden.detectors.drift;

import static io.warden.detectors.drift.ScipyFixture.doubles;
import static io.warden.detectors.drift.ScipyFixture.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.warden.detectors.drift.ChiSquared.Result;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChiSquaredTest {

    /** Relative tolerance against SciPy: same sums, and p-values from the same gamma function. */
    private static final double RELATIVE = 1e-10;

    @Test
    void goodnessOfFitMatchesScipysChisquareIncludingTinyPValues() {
        for (JsonNode c : ScipyFixture.section("chisquare")) {
            Result r =
                    ChiSquared.goodnessOfFit(
                            longs(c.get("observed")), doubles(c.get("proportions")));
            String name = c.get("name").asText();
            double stat = c.get("statistic").doubleValue();
            double p = c.get("pvalue").doubleValue();
            assertThat(r.pooledCells()).as(name).isZero();
            assertThat(r.degreesOfFreedom()).as(name).isEqualTo(c.get("dof").intValue());
            assertThat(r.statistic()).as(name).isCloseTo(stat, within(RELATIVE * stat + 1e-12));
            assertThat(r.pValue()).as(name).isCloseTo(p, within(RELATIVE * p));
        }
    }

    @Test
    void homogeneityMatchesScipysChi2ContingencyWithoutYatesCorrection() {
        for (JsonNode c : ScipyFixture.section("chi2_contingency")) {
            Result r = ChiSquared.homogeneity(longs(c.get("a")), longs(c.get("b")));
            String name = c.get("name").asText();
            double stat = c.get("statistic").doubleValue();
            double p = c.get("pvalue").doubleValue();
            assertThat(r.pooledCells()).as(name).isZero();
            assertThat(r.degreesOfFreedom()).as(name).isEqualTo(c.get("dof").intValue());
            assertThat(r.statistic()).as(name).isCloseTo(stat, within(RELATIVE * stat));
            assertThat(r.pValue()).as(name).isCloseTo(p, within(RELATIVE * p));
        }
    }

    @Test
    void cellsWithSmallExpectedCountsArePooledUntilThePoolReachesTheMinimum() {
        // n = 100; expected 50, 40, 6, 3, 1: cells 3 and 4 (3 + 1 = 4 < 5) pool, then the
        // smallest remaining (6) joins: cells 50, 40, pooled 10.
        long[] observed = {45, 38, 5, 8, 4};
        double[] proportions = {0.50, 0.40, 0.06, 0.03, 0.01};
        Result r = ChiSquared.goodnessOfFit(observed, proportions);
        double byHand =
                Math.pow(45 - 50, 2) / 50 + Math.pow(38 - 40, 2) / 40 + Math.pow(17 - 10, 2) / 10;
        assertThat(r.pooledCells()).isEqualTo(3);
        assertThat(r.degreesOfFreedom()).isEqualTo(2);
        assertThat(r.statistic()).isCloseTo(byHand, within(1e-12));
        assertThat(r.pValue()).isCloseTo(Math.exp(-byHand / 2), within(1e-12)); // df 2: exp(-x/2)

        Result unpooled = ChiSquared.goodnessOfFit(observed, proportions, 0.0);
        assertThat(unpooled.pooledCells()).isZero();
        assertThat(unpooled.degreesOfFreedom()).isEqualTo(4);
    }

    @Test
    void aCategoryAbsentFromTheReferenceIsPooledWhenPoolingAndAnErrorOtherwise() {
        long[] observed = {40, 40, 20};
        double[] proportions = {0.5, 0.5, 0.0};
        Result pooled = ChiSquared.goodnessOfFit(observed, proportions);
        // Expected 50, 50, 0: the empty-expected cell pools with one 50: cells 50 and 50 (60).
        assertThat(pooled.pooledCells()).isEqualTo(2);
        assertThat(pooled.statistic()).isCloseTo(100.0 / 50 + 100.0 / 50, within(1e-12));

        assertThatThrownBy(() -> ChiSquared.goodnessOfFit(observed, proportions, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("category 2 has 20 observations but expected proportion 0");
        // Without observations such a cell is simply dropped.
        assertThat(
                        ChiSquared.goodnessOfFit(new long[] {40, 60, 0}, proportions, 0.0)
                                .degreesOfFreedom())
                .isEqualTo(1);
    }

    @Test
    void tooFewObservationsToTestGivePValueOne() {
        Result r = ChiSquared.goodnessOfFit(new long[] {1, 2, 0}, new double[] {1, 1, 1});
        assertThat(r.degreesOfFreedom()).isZero();
        assertThat(r.statistic()).isZero();
        assertThat(r.pValue()).isEqualTo(1.0);
    }

    @Test
    void homogeneityPoolsSmallColumnsAndDropsEmptyOnes() {
        long[] reference = {500, 480, 10, 6, 4, 0};
        long[] window = {50, 45, 2, 1, 2, 0};
        Result r = ChiSquared.homogeneity(reference, window);
        // Columns 2..4 have window-side expected counts below 5: pooled into one, then the
        // pool's window-side expected count (about 2) is still below 5, so column 1 joins it.
        assertThat(r.pooledCells()).isEqualTo(4);
        assertThat(r.degreesOfFreedom()).isEqualTo(1);
        long[][] table = {{500, 480 + 10 + 6 + 4}, {50, 45 + 2 + 1 + 2}};
        assertThat(r.statistic())
                .isCloseTo(
                        ChiSquared.homogeneity(table[0], table[1], 0.0).statistic(), within(1e-9));
    }

    @Test
    void aPriorShiftOfPredictedClassesIsDetected() {
        double[] priors = {0.5, 0.3, 0.2};
        double[] shifted = {0.42, 0.33, 0.25};
        long[] counts = new long[3];
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            double u = random.nextDouble();
            counts[u < shifted[0] ? 0 : u < shifted[0] + shifted[1] ? 1 : 2]++;
        }
        assertThat(ChiSquared.goodnessOfFit(counts, priors).pValue()).isLessThan(1e-6);
    }

    @Test
    void survivalIsTheUpperTailOfTheChiSquaredDistribution() {
        // df = 2: exp(-x/2); df = 1 at 3.841458820694124 is the 95% quantile.
        assertThat(ChiSquared.survival(4.0, 2)).isCloseTo(Math.exp(-2.0), within(1e-15));
        assertThat(ChiSquared.survival(3.841458820694124, 1)).isCloseTo(0.05, within(1e-12));
        assertThat(ChiSquared.survival(0.0, 3)).isEqualTo(1.0);
        assertThat(ChiSquared.survival(Double.POSITIVE_INFINITY, 3)).isZero();
    }

    @Test
    void invalidInputsAreRejectedNamingTheProblem() {
        assertThatThrownBy(() -> ChiSquared.goodnessOfFit(new long[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one expected proportion per observed count");
        assertThatThrownBy(() -> ChiSquared.goodnessOfFit(new long[] {0, 0}, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("observed counts must not all be 0");
        assertThatThrownBy(() -> ChiSquared.goodnessOfFit(new long[] {1, -2}, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("observed count at index 1 must not be negative");
        assertThatThrownBy(() -> ChiSquared.goodnessOfFit(new long[] {1, 2}, new double[] {1, -1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected proportions at index 1");
        assertThatThrownBy(
                        () -> ChiSquared.goodnessOfFit(new long[] {1, 2}, new double[] {1, 1}, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minimum expected count");
        assertThatThrownBy(() -> ChiSquared.homogeneity(new long[] {1, 2}, new long[] {0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window counts must not all be 0");
        assertThatThrownBy(() -> ChiSquared.homogeneity(new long[] {1, 2}, new long[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same categories");
        assertThatThrownBy(() -> ChiSquared.survival(1.0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("degrees of freedom");
    }
}
