package io.warden.detectors.multivariate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.warden.detectors.core.DetectorResult;
import java.io.IOException;
import java.util.Random;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.UniformRealDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

class MmdTest {

    private static final JsonNode FIXTURE = Fixtures.json("numpy_mmd.json");

    static double[][] gaussian(Random random, int n, int d, double shift) {
        double[][] rows = new double[n][d];
        for (double[] row : rows) {
            for (int j = 0; j < d; j++) {
                row[j] = random.nextGaussian() + shift;
            }
        }
        return rows;
    }

    @Test
    void statisticAndMedianHeuristicEqualNumpys() {
        for (JsonNode c : FIXTURE.get("cases")) {
            String name = c.get("name").asText();
            double[][] x = Fixtures.matrix(c.get("x"));
            double[][] y = Fixtures.matrix(c.get("y"));
            double median = c.get("medianBandwidth").asDouble();
            double fixed = c.get("fixedBandwidth").asDouble();
            assertThat(Mmd.medianHeuristic(x)).as(name).isCloseTo(median, within(1e-12));
            assertThat(Mmd.unbiasedMmd2(x, y, median))
                    .as(name)
                    .isCloseTo(c.get("mmd2AtMedian").asDouble(), within(1e-12));
            assertThat(Mmd.unbiasedMmd2(x, y, fixed))
                    .as(name)
                    .isCloseTo(c.get("mmd2AtFixed").asDouble(), within(1e-12));
            // The permutation test's own (pooled-kernel) computation of the statistic.
            MmdResult viaTest = Mmd.builder(x).build().test(y);
            assertThat(viaTest.bandwidth()).isCloseTo(median, within(1e-12));
            assertThat(viaTest.mmd2())
                    .as(name)
                    .isCloseTo(c.get("mmd2AtMedian").asDouble(), within(1e-12));
            assertThat(Mmd.builder(x).bandwidth(fixed).build().test(y).mmd2())
                    .isCloseTo(c.get("mmd2AtFixed").asDouble(), within(1e-12));
        }
    }

    @Test
    void pValuesUnderTheNullAreUniformAndRejectAtTheNominalRate() {
        int runs = 300;
        double[] pValues = new double[runs];
        int rejections = 0;
        for (int seed = 0; seed < runs; seed++) {
            Random random = new Random(seed);
            double[][] reference = gaussian(random, 30, 2, 0);
            double[][] window = gaussian(random, 30, 2, 0);
            MmdResult result = Mmd.builder(reference).seed(seed).build().test(window);
            pValues[seed] = result.pValue();
            assertThat(result.drifted()).isEqualTo(result.mmd2() > result.criticalValue());
            if (result.drifted()) {
                rejections++;
            }
        }
        // P(p <= 0.05) = floor(0.05 * 101) / 101 for 100 permutations; 99.9% binomial bounds.
        BinomialDistribution null05 = new BinomialDistribution(runs, 5.0 / 101);
        assertThat(rejections)
                .isBetween(
                        null05.inverseCumulativeProbability(0.0005),
                        null05.inverseCumulativeProbability(0.9995));
        double ksP =
                new KolmogorovSmirnovTest()
                        .kolmogorovSmirnovTest(new UniformRealDistribution(0, 1), pValues);
        assertThat(ksP).as("KS p-value of the null p-values against U(0, 1)").isGreaterThan(0.001);
    }

    @Test
    void detectsAMeanShift() {
        for (int seed = 0; seed < 10; seed++) {
            Random random = new Random(100 + seed);
            double[][] reference = gaussian(random, 100, 5, 0);
            double[][] window = gaussian(random, 100, 5, 0.5);
            MmdResult result = Mmd.builder(reference).seed(seed).build().test(window);
            assertThat(result.drifted()).as("seed %d: %s", seed, result).isTrue();
            assertThat(result.pValue()).isEqualTo(1.0 / 101);
            assertThat(result.mmd2()).isGreaterThan(result.criticalValue());
        }
    }

    @Test
    void detectsALostCorrelationWithUnchangedMarginals() {
        Random random = new Random(42);
        double[][] reference = new double[300][];
        double[][] window = new double[300][];
        for (int i = 0; i < 300; i++) {
            double a = random.nextGaussian();
            reference[i] = new double[] {a, 0.9 * a + Math.sqrt(1 - 0.81) * random.nextGaussian()};
            window[i] = new double[] {random.nextGaussian(), random.nextGaussian()};
        }
        assertThat(Mmd.builder(reference).build().test(window).drifted()).isTrue();
    }

    @Test
    void resultsAreDeterministicAndWindowsAreCapped() throws IOException, ClassNotFoundException {
        Random random = new Random(5);
        double[][] reference = gaussian(random, 800, 3, 0);
        double[][] window = gaussian(random, 900, 3, 0.1);
        Mmd mmd = Mmd.builder(reference).maxReferenceRows(200).maxWindowRows(150).build();
        MmdResult first = mmd.test(window);
        assertThat(mmd.test(window)).isEqualTo(first);
        assertThat(first.referenceSize()).isEqualTo(200);
        assertThat(first.windowSize()).isEqualTo(150);
        Mmd copy = (Mmd) PcaReconstructionTest.roundTrip(mmd);
        assertThat(copy.test(window)).isEqualTo(first);
    }

    @Test
    void standardizationAppliesToBothSamples() {
        Random random = new Random(6);
        double[][] reference = gaussian(random, 50, 2, 0);
        double[][] window = gaussian(random, 40, 2, 0.3);
        double[][] scaledReference = new double[50][];
        double[][] scaledWindow = new double[40][];
        for (int i = 0; i < 50; i++) {
            scaledReference[i] = new double[] {10 + 5 * reference[i][0], 1000 * reference[i][1]};
        }
        for (int i = 0; i < 40; i++) {
            scaledWindow[i] = new double[] {10 + 5 * window[i][0], 1000 * window[i][1]};
        }
        MmdResult plain = Mmd.builder(reference).build().test(window);
        MmdResult standardized =
                Mmd.builder(scaledReference)
                        .standardize(new double[] {10, 0}, new double[] {5, 1000})
                        .build()
                        .test(scaledWindow);
        assertThat(standardized.mmd2()).isCloseTo(plain.mmd2(), within(1e-12));
        assertThat(standardized.pValue()).isEqualTo(plain.pValue());
    }

    @Test
    void criticalValueIsInfiniteWhenAlphaIsUnreachable() {
        Random random = new Random(7);
        MmdResult result =
                Mmd.builder(gaussian(random, 20, 2, 0))
                        .permutations(10)
                        .alpha(0.05)
                        .build()
                        .test(gaussian(random, 20, 2, 3));
        assertThat(result.pValue()).isEqualTo(1.0 / 11);
        assertThat(result.drifted()).isFalse();
        assertThat(result.criticalValue()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void convertsToADetectorResult() {
        Random random = new Random(8);
        MmdResult result =
                Mmd.builder(gaussian(random, 50, 2, 0)).build().test(gaussian(random, 50, 2, 1));
        DetectorResult detector = result.toDetectorResult();
        assertThat(detector.detector()).isEqualTo("multivariate.mmd");
        assertThat(detector.pValue()).isEqualTo(result.pValue());
        assertThat(detector.threshold()).isEqualTo(0.05);
        assertThat(detector.flagged()).isTrue();
        assertThat(detector.explanation()).contains("MMD^2").contains("<= 0.05");
    }

    @Test
    void rejectsBadInput() {
        double[][] two = {{0, 1}, {1, 0}};
        assertThatThrownBy(() -> Mmd.builder(new double[][] {{1}})).hasMessageContaining("2 rows");
        assertThatThrownBy(() -> Mmd.builder(two).build().test(new double[][] {{1, 2}}))
                .hasMessageContaining("2 window rows");
        assertThatThrownBy(() -> Mmd.builder(two).build().test(new double[][] {{1, 2}, {3}}))
                .hasMessageContaining("row #1");
        assertThatThrownBy(
                        () ->
                                Mmd.builder(two)
                                        .build()
                                        .test(new double[][] {{1, 2}, {3, Double.NaN}}))
                .hasMessageContaining("not finite");
        assertThatThrownBy(() -> Mmd.builder(two).alpha(1)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> Mmd.builder(two).bandwidth(0)).hasMessageContaining("bandwidth");
    }
}
