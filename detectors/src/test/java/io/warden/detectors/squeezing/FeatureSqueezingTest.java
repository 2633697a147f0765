package io.warden.detectors.squeezing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FeatureSqueezingTest {

    /** A softmax-linear classifier over 4 features and 3 classes, in plain Java. */
    private static final double[][] WEIGHTS = {
        {2.0, -1.0, 0.5, 0.0}, {-1.0, 2.0, 0.0, 0.5}, {0.0, 0.0, -1.0, 2.0}
    };

    private static float[] softmax(float[] row, int from) {
        double[] z = new double[WEIGHTS.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < z.length; c++) {
            for (int j = 0; j < 4; j++) {
                z[c] += WEIGHTS[c][j] * row[from + j];
            }
            max = Math.max(max, z[c]);
        }
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            z[c] = Math.exp(z[c] - max);
            sum += z[c];
        }
        float[] p = new float[z.length];
        for (int c = 0; c < z.length; c++) {
            p[c] = (float) (z[c] / sum);
        }
        return p;
    }

    private static float[][] model(float[] rows, int n) {
        float[][] out = new float[n][];
        for (int r = 0; r < n; r++) {
            out[r] = softmax(rows, r * 4);
        }
        return out;
    }

    @Test
    void scoreIsTheLargestL1DistanceOverTheSqueezers() {
        List<Squeezer> squeezers = List.of(Rounding.to(1.0), new BitDepthReduction(2, -3, 3));
        FeatureSqueezing squeezing = new FeatureSqueezing(4, squeezers);
        SplittableRandom random = new SplittableRandom(1);
        int n = 50;
        float[] rows = new float[n * 4];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) (random.nextDouble() * 6 - 3);
        }
        float[][] logged = model(rows, n);
        double[] scores = squeezing.scores(FeatureSqueezingTest::model, rows, n, logged);
        for (int r = 0; r < n; r++) {
            // Independently: squeeze each row by hand, score it, take the larger distance.
            double expected = 0;
            for (Squeezer s : squeezers) {
                float[] one = new float[4];
                for (int j = 0; j < 4; j++) {
                    float x = rows[r * 4 + j];
                    one[j] =
                            s instanceof Rounding
                                    ? (float) Math.rint(x)
                                    : (float) (-3 + Math.rint((x + 3) / 6 * 3) / 3 * 6);
                }
                float[] p = softmax(one, 0);
                double d = 0;
                for (int c = 0; c < 3; c++) {
                    d += Math.abs((double) p[c] - logged[r][c]);
                }
                expected = Math.max(expected, d);
            }
            assertThat(scores[r]).isEqualTo(expected);
            assertThat(scores[r]).isBetween(0.0, 2.0);
        }
    }

    @Test
    void aRowOnTheSqueezedGridScoresZero() {
        FeatureSqueezing squeezing = new FeatureSqueezing(4, List.of(Rounding.to(1.0)));
        float[] rows = {1, -2, 0, 3};
        double[] scores = squeezing.scores(FeatureSqueezingTest::model, rows, 1, model(rows, 1));
        assertThat(scores[0]).isZero();
    }

    @Test
    void aNanFromTheModelMakesTheScoreNan() {
        FeatureSqueezing squeezing =
                new FeatureSqueezing(4, List.of(Rounding.to(1.0), Rounding.to(2.0)));
        float[] rows = {1, 2, 3, 4};
        int[] calls = {0};
        FeatureSqueezing.Classifier flaky =
                (x, n) -> {
                    float[][] p = model(x, n);
                    if (calls[0]++ == 0) {
                        p[0][0] = Float.NaN;
                    }
                    return p;
                };
        assertThat(squeezing.scores(flaky, rows, 1, model(rows, 1))[0]).isNaN();
    }

    @Test
    void rejectsASqueezerOfAnotherShapeAtConstruction() {
        assertThatThrownBy(() -> new FeatureSqueezing(30, List.of(new MedianSmoothing(8, 8, 2))))
                .hasMessageContaining("8x8");
        assertThatThrownBy(() -> new FeatureSqueezing(4, List.of()))
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> FeatureSqueezing.l1(new float[2], new float[3]))
                .hasMessageContaining("3");
    }
}
