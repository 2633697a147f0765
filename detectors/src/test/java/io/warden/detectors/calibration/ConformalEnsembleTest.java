package io.warden.detectors.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.detectors.core.Direction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Three detectors that look at the same input, and so are strongly dependent: the squared norm of a
 * 4-dimensional Gaussian row (high is anomalous), the norm of its first two coordinates (high is
 * anomalous) and the density-like score exp(-|x|^2/2) (low is anomalous). Clean rows are standard
 * normal; shifted rows have every coordinate moved by 3.
 */
class ConformalEnsembleTest {
    private static final List<String> NAMES = List.of("norm4", "norm2", "density");
    private static final Direction[] DIRECTIONS = {
        Direction.HIGH_IS_ANOMALOUS, Direction.HIGH_IS_ANOMALOUS, Direction.LOW_IS_ANOMALOUS
    };

    private static double[] scores(double[] x) {
        double s4 = 0;
        for (double v : x) {
            s4 += v * v;
        }
        double s2 = x[0] * x[0] + x[1] * x[1];
        return new double[] {s4, Math.sqrt(s2), Math.exp(-s4 / 2)};
    }

    private static double[] row(SplittableRandom random, double shift) {
        double[] x = new double[4];
        for (int j = 0; j < x.length; j++) {
            x[j] = gaussian(random) + shift;
        }
        return x;
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    /** [detector][row] scores of n clean rows. */
    private static double[][] cleanScores(SplittableRandom random, int n) {
        double[][] out = new double[NAMES.size()][n];
        for (int r = 0; r < n; r++) {
            double[] s = scores(row(random, 0));
            for (int d = 0; d < s.length; d++) {
                out[d][r] = s[d];
            }
        }
        return out;
    }

    private static ConformalEnsemble calibrated(PValueCombination combination, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return ConformalEnsemble.calibrate(
                NAMES,
                DIRECTIONS,
                cleanScores(random, 4000),
                cleanScores(random, 20000),
                combination);
    }

    @Test
    void falsePositiveRateOnCleanHeldOutDataIsTheConfiguredOne() {
        double alpha = 0.01;
        for (PValueCombination combination : PValueCombination.values()) {
            ConformalEnsemble ensemble = calibrated(combination, 7);
            SplittableRandom random = new SplittableRandom(99);
            int n = 100_000;
            int flagged = 0;
            for (int r = 0; r < n; r++) {
                if (ensemble.assess(scores(row(random, 0))).flagged(alpha)) {
                    flagged++;
                }
            }
            // Conditional on a held-out split of 20,000 rows, the rate is within ~0.0007 (one
            // standard deviation) of alpha; 100,000 test rows add ~0.0003.
            assertThat(flagged / (double) n).as(combination.name()).isBetween(0.0075, 0.0125);
        }
    }

    @Test
    void fishersNominalLevelAloneOverFlagsDependentDetectors() {
        // What the second calibration stage is for: the same detectors, Fisher's p-value used as
        // is, flag far more than alpha because the three scores move together.
        ConformalEnsemble ensemble = calibrated(PValueCombination.FISHER, 7);
        SplittableRandom random = new SplittableRandom(5);
        int n = 50_000;
        int nominal = 0;
        for (int r = 0; r < n; r++) {
            if (ensemble.assess(scores(row(random, 0))).combined() <= 0.01) {
                nominal++;
            }
        }
        assertThat(nominal / (double) n).isGreaterThan(0.02);
    }

    @Test
    void shiftedRowsAreFlaggedAndTheFiringDetectorsNamed() {
        double alpha = 0.01;
        ConformalEnsemble ensemble = calibrated(PValueCombination.BONFERRONI, 11);
        SplittableRandom random = new SplittableRandom(3);
        int n = 2000;
        int flagged = 0;
        for (int r = 0; r < n; r++) {
            ConformalEnsemble.Assessment a = ensemble.assess(scores(row(random, 3)));
            if (a.flagged(alpha)) {
                flagged++;
                // Bonferroni's statistic is k times the smallest p-value, and its held-out
                // alpha-quantile is at most k * alpha, so some detector fired on its own; the most
                // significant is named first.
                assertThat(a.firing(alpha)).isNotEmpty();
                double smallest = Arrays.stream(a.detectorPValues()).min().orElseThrow();
                assertThat(a.detectorPValues()[a.firing(alpha).get(0)]).isEqualTo(smallest);
            }
        }
        assertThat(flagged / (double) n).isGreaterThan(0.9);
    }

    @Test
    void aNanScoreCountsAsTheMostAnomalous() {
        ConformalEnsemble ensemble = calibrated(PValueCombination.FISHER, 13);
        ConformalEnsemble.Assessment a = ensemble.assess(new double[] {Double.NaN, 0.5, 0.5});
        assertThat(a.detectorPValues()[0]).isZero();
        assertThat(a.pValue()).isEqualTo(ensemble.smallestPValue());
        assertThat(a.firing(0.001)).containsExactly(0);
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        ConformalEnsemble ensemble = calibrated(PValueCombination.FISHER, 17);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(ensemble);
        }
        ConformalEnsemble copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ConformalEnsemble) in.readObject();
        }
        double[] s = {6.0, 2.0, 0.05};
        assertThat(copy.assess(s)).isEqualTo(ensemble.assess(s));
        assertThat(copy.heldOutSize()).isEqualTo(20000);
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThatThrownBy(
                        () ->
                                ConformalEnsemble.calibrate(
                                        NAMES,
                                        new Direction[] {Direction.HIGH_IS_ANOMALOUS},
                                        new double[3][1],
                                        new double[3][1],
                                        PValueCombination.FISHER))
                .isInstanceOf(IllegalArgumentException.class);
        double[][] allNan = {{Double.NaN}, {1}, {1}};
        assertThatThrownBy(
                        () ->
                                ConformalEnsemble.calibrate(
                                        NAMES,
                                        DIRECTIONS,
                                        allNan,
                                        new double[3][1],
                                        PValueCombination.FISHER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("norm4");
    }
}
