package io.warden.detectors.multivariate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CovarianceTest {

    /**
     * Rows with an offset of 1e6 on a unit spread: a naive sum-of-squares formula would lose about
     * 12 of 16 digits there; both stable methods agree to about 1e-11 relative.
     */
    private static double[][] rows(long seed, int n) {
        Random random = new Random(seed);
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            double a = random.nextGaussian();
            rows[i] = new double[] {1e6 + a, 3 * a + random.nextGaussian(), -random.nextDouble()};
        }
        return rows;
    }

    /** Two-pass textbook mean and co-moment, written independently of the accumulator. */
    private static double[][] twoPass(double[][] rows) {
        int d = rows[0].length;
        double[] mean = new double[d];
        for (double[] row : rows) {
            for (int i = 0; i < d; i++) {
                mean[i] += row[i] / rows.length;
            }
        }
        double[][] out = new double[d + 1][d];
        out[d] = mean;
        for (double[] row : rows) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    out[i][j] += (row[i] - mean[i]) * (row[j] - mean[j]);
                }
            }
        }
        return out;
    }

    private static Covariance of(double[][] rows) {
        Covariance.Accumulator accumulator = Covariance.accumulator(rows[0].length);
        for (double[] row : rows) {
            accumulator.add(row);
        }
        return accumulator.snapshot();
    }

    private static void assertClose(Covariance actual, double[][] expected, double relative) {
        int d = actual.dimension();
        for (int i = 0; i < d; i++) {
            assertThat(actual.mean(i))
                    .isCloseTo(expected[d][i], within(relative * (1 + Math.abs(expected[d][i]))));
            for (int j = 0; j < d; j++) {
                double scale = Math.sqrt(expected[i][i] * expected[j][j]);
                assertThat(actual.comoment(i, j))
                        .as("comoment (%d, %d)", i, j)
                        .isCloseTo(expected[i][j], within(relative * scale));
            }
        }
    }

    @Test
    void welfordAgreesWithATwoPassComputation() {
        double[][] rows = rows(1, 5000);
        Covariance covariance = of(rows);
        assertThat(covariance.count()).isEqualTo(5000);
        assertClose(covariance, twoPass(rows), 1e-9);
        assertThat(covariance.covarianceMatrix(1)[0][1])
                .isCloseTo(twoPass(rows)[0][1] / 4999, within(1e-9));
    }

    @Test
    void mergedShardsEqualTheWholeToRounding() {
        double[][] rows = rows(2, 3000);
        Covariance a = of(Arrays.copyOfRange(rows, 0, 100));
        Covariance b = of(Arrays.copyOfRange(rows, 100, 2900));
        Covariance c = of(Arrays.copyOfRange(rows, 2900, 3000));
        Covariance merged = a.merge(b).merge(c);
        assertThat(merged.count()).isEqualTo(3000);
        assertClose(merged, twoPass(rows), 1e-9);
        Covariance other = Covariance.accumulator(3).merge(c).merge(a).merge(b).snapshot();
        assertClose(other, twoPass(rows), 1e-9);
    }

    @Test
    void mergingEmptySetsChangesNothing() {
        Covariance whole = of(rows(3, 10));
        Covariance empty = Covariance.accumulator(3).snapshot();
        assertThat(whole.merge(empty)).isEqualTo(whole);
        assertThat(empty.merge(whole)).isEqualTo(whole);
        assertThat(empty.variance(0)).isNaN();
    }

    @Test
    void ofValidatesAndSerializationRoundTrips() throws IOException, ClassNotFoundException {
        Covariance covariance = of(rows(4, 50));
        Covariance copy =
                Covariance.of(covariance.count(), covariance.mean(), covariance.comomentRowMajor());
        assertThat(copy).isEqualTo(covariance);
        assertThat(PcaReconstructionTest.roundTrip(covariance)).isEqualTo(covariance);
        double[] asymmetric = covariance.comomentRowMajor();
        asymmetric[1] += 1;
        assertThatThrownBy(() -> Covariance.of(50, covariance.mean(), asymmetric))
                .hasMessageContaining("symmetric");
        assertThatThrownBy(() -> Covariance.of(50, covariance.mean(), new double[4]))
                .hasMessageContaining("9 values");
        assertThatThrownBy(() -> Covariance.accumulator(3).add(new double[] {1, Double.NaN, 2}))
                .hasMessageContaining("[1]");
        assertThatThrownBy(() -> covariance.merge(Covariance.accumulator(2).snapshot()))
                .hasMessageContaining("dimension");
    }
}
