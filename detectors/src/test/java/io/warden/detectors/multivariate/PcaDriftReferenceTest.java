package io.warden.detectors.multivariate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.detectors.calibration.EmpiricalReference;
import io.warden.detectors.core.DetectorResult;
import java.io.IOException;
import java.util.Random;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/**
 * NannyML's PCA drift on a latent-factor distribution: windows from the reference stay within the
 * thresholds, a window with the same marginals but no correlation does not.
 */
class PcaDriftReferenceTest {

    private static final int D = 8;

    /** 8 features driven by 2 latent factors plus noise: strongly correlated, various scales. */
    static double[] row(Random random) {
        double a = random.nextGaussian();
        double b = random.nextGaussian();
        double[] x = new double[D];
        for (int i = 0; i < D; i++) {
            double loadingA = i < 4 ? 1.0 : 0.2;
            double loadingB = i < 4 ? 0.1 : 1.0;
            x[i] = (loadingA * a + loadingB * b + 0.4 * random.nextGaussian()) * (i + 1) + 10 * i;
        }
        return x;
    }

    static double[][] window(Random random, int rows) {
        double[][] window = new double[rows][];
        for (int i = 0; i < rows; i++) {
            window[i] = row(random);
        }
        return window;
    }

    /** The window with each column shuffled independently: same values per feature, no joint. */
    static double[][] decorrelated(double[][] window, Random random) {
        double[][] out = new double[window.length][D];
        for (int j = 0; j < D; j++) {
            int[] order = new int[window.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int i = order.length - 1; i > 0; i--) {
                int k = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[k];
                order[k] = swap;
            }
            for (int i = 0; i < window.length; i++) {
                out[i][j] = window[order[i]][j];
            }
        }
        return out;
    }

    static MultivariateReference reference(long seed, int rows, int sampleSize) {
        Random random = new Random(seed);
        Covariance.Accumulator covariance = Covariance.accumulator(D);
        RowSample.Reservoir sample = new RowSample.Reservoir(sampleSize, D, seed);
        for (int i = 0; i < rows; i++) {
            double[] x = row(random);
            covariance.add(x);
            sample.add(x);
        }
        return MultivariateReference.build(covariance.snapshot(), sample.snapshot(), 0.65);
    }

    private static final MultivariateReference REFERENCE = reference(1, 20_000, 4000);
    private static final PcaDriftReference PCA = REFERENCE.pca().orElseThrow();

    @Test
    void keepsTheComponentsOfTheTwoFactors() {
        assertThat(PCA.reconstruction().componentCount()).isEqualTo(2);
        assertThat(PCA.reconstruction().explainedVariance()).isGreaterThan(0.65);
    }

    @Test
    void windowsFromTheReferenceDistributionStayWithinTheThresholds() {
        Random random = new Random(2);
        for (int size : new int[] {200, 1000}) {
            int outside = 0;
            for (int w = 0; w < 100; w++) {
                PcaDriftResult result = PCA.assess(window(random, size));
                if (result.drifted()) {
                    outside++;
                }
            }
            // 3 sd: about 0.3% of windows outside by chance; allow 2 of 100.
            assertThat(outside).as("windows of %d rows outside", size).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aWindowWithTheSameMarginalsButNoCorrelationExceedsTheUpperThreshold() {
        Random random = new Random(3);
        double[][] window = window(random, 500);
        double[][] shuffled = decorrelated(window, random);
        PcaDriftResult before = PCA.assess(window);
        PcaDriftResult after = PCA.assess(shuffled);
        assertThat(before.drifted()).isFalse();
        assertThat(after.drifted()).isTrue();
        assertThat(after.meanError()).isGreaterThan(after.thresholds().upper());

        // What univariate tests see: every feature's values are unchanged, and against a fresh
        // reference sample no feature's two-sample KS test rejects at 5% after Bonferroni
        // correction for the 8 features.
        double[][] reference = window(new Random(4), 2000);
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
        for (int j = 0; j < D; j++) {
            double[] column = new double[500];
            double[] referenceColumn = new double[2000];
            for (int i = 0; i < 500; i++) {
                column[i] = shuffled[i][j];
            }
            for (int i = 0; i < 2000; i++) {
                referenceColumn[i] = reference[i][j];
            }
            assertThat(ks.kolmogorovSmirnovTest(column, referenceColumn))
                    .as("KS p-value of feature %d", j)
                    .isGreaterThan(0.05 / D);
        }
    }

    @Test
    void thresholdsFollowNannyMlsChunkStatistics() {
        double[] errors = PCA.errors().toArray();
        double mean = 0;
        for (double e : errors) {
            mean += e / errors.length;
        }
        double variance = 0;
        for (double e : errors) {
            variance += (e - mean) * (e - mean) / errors.length;
        }
        for (int size : new int[] {50, 200, 1000, 5000}) {
            PcaDriftThresholds t = PCA.thresholds(size);
            assertThat(t.bootstrap()).isEqualTo(errors.length / size < 10);
            assertThat(t.chunks()).isEqualTo(t.bootstrap() ? 200 : errors.length / size);
            assertThat(t.mean())
                    .isCloseTo(
                            mean,
                            org.assertj.core.api.Assertions.within(
                                    1e-9 + 5 * Math.sqrt(variance / size / t.chunks())));
            // The spread of chunk means is about sd / sqrt(chunk size).
            assertThat(t.standardDeviation() / Math.sqrt(variance / size)).isBetween(0.6, 1.4);
            assertThat(t.upper()).isEqualTo(t.mean() + 3 * t.standardDeviation());
            assertThat(t.lower()).isEqualTo(Math.max(0, t.mean() - 3 * t.standardDeviation()));
            assertThat(PCA.thresholds(size)).as("deterministic").isEqualTo(t);
        }
        double[] skewed = new double[1000];
        for (int i = 0; i < skewed.length; i++) {
            skewed[i] = -Math.log(1 - (i + 0.5) / skewed.length); // exponential quantiles
        }
        PcaDriftReference wide =
                PcaDriftReference.of(PCA.reconstruction(), EmpiricalReference.of(skewed));
        assertThat(wide.thresholds(1).lower()).as("clipped at 0").isZero();
    }

    @Test
    void perRowPValuesAndDetectorResults() {
        Random random = new Random(5);
        double[] typical = row(random);
        double[] odd = typical.clone();
        odd[0] += 40; // breaks the first factor's correlation
        assertThat(PCA.pValue(odd)).isLessThan(0.01);
        assertThat(PCA.pValue(typical)).isGreaterThan(PCA.errors().smallestPValue());
        DetectorResult result =
                PCA.assess(decorrelated(window(random, 300), random)).toDetectorResult();
        assertThat(result.detector()).isEqualTo("multivariate.pca");
        assertThat(result.flagged()).isTrue();
        assertThat(result.hasPValue()).isFalse();
        assertThat(result.explanation()).contains("above");
    }

    @Test
    void mmdFromTheReferenceSeesTheSameChange() {
        Random random = new Random(6);
        double[][] window = window(random, 300);
        Mmd mmd = REFERENCE.mmd().build();
        assertThat(mmd.isStandardized()).isTrue();
        assertThat(mmd.test(window).drifted()).isFalse();
        assertThat(mmd.test(decorrelated(window, random)).drifted()).isTrue();
    }

    @Test
    void validatesAndSerializes() throws IOException, ClassNotFoundException {
        assertThat(PcaReconstructionTest.roundTrip(REFERENCE)).isEqualTo(REFERENCE);
        assertThatThrownBy(() -> PCA.thresholds(0)).hasMessageContaining("chunk size");
        RowSample wrongWidth = RowSample.empty(3);
        assertThatThrownBy(() -> PcaDriftReference.of(PCA.reconstruction(), wrongWidth))
                .hasMessageContaining("width 3");
        MultivariateReference single = reference(7, 1, 10);
        assertThat(single.pca()).isEmpty();
        assertThatThrownBy(
                        () ->
                                MultivariateReference.of(
                                        REFERENCE.covariance(), RowSample.empty(D), PCA))
                .hasMessageContaining("drawn from 0 rows");
    }
}
