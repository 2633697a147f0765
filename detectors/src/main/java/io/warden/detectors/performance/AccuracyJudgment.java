package io.warden.detectors.performance;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.AlternativeHypothesis;
import org.apache.commons.math3.stat.inference.BinomialTest;

/**
 * Whether a window's accuracy has fallen further below the reference's than the tolerance allows.
 *
 * <p>With reference accuracy a<sub>ref</sub> and tolerance d, the floor is p<sub>0</sub> = a<sub>
 * ref</sub> - d. Of n labelled predictions k were right; the one-sided exact binomial test of H
 * <sub>0</sub>: accuracy &ge; p<sub>0</sub> against accuracy &lt; p<sub>0</sub> has p-value P(X
 * &le; k) for X ~ Binomial(n, p<sub>0</sub>). The window is <i>degraded</i> when it has at least
 * {@code minLabels} labels and that p-value is below {@code alpha}: the drop is beyond the
 * tolerance and not explained by the window's size. So a model whose accuracy is exactly at the
 * floor raises an alarm in at most a share alpha of windows, and a model at its reference accuracy
 * in far fewer. The 95% Wilson score interval of k / n is reported with it.
 *
 * @param labelled n, the labelled predictions of the window
 * @param correct k, the right ones
 * @param accuracy k / n (NaN when n = 0)
 * @param floor the reference accuracy minus the tolerance
 * @param pValue of the one-sided test (1 when n = 0)
 * @param lower lower end of the 95% Wilson interval of the accuracy (NaN when n = 0)
 * @param upper upper end of that interval (NaN when n = 0)
 * @param judged true when the window had at least {@code minLabels} labels
 * @param degraded true when judged and the p-value is below alpha
 */
public record AccuracyJudgment(
        long labelled,
        long correct,
        double accuracy,
        double floor,
        double pValue,
        double lower,
        double upper,
        boolean judged,
        boolean degraded) {

    private static final double Z_95 = new NormalDistribution().inverseCumulativeProbability(0.975);

    /**
     * Judges a window.
     *
     * @param correct right predictions among the labelled ones
     * @param labelled labelled predictions
     * @param referenceAccuracy the model's accuracy on reference data, in (0, 1]
     * @param maxDrop the tolerated drop below it, in [0, referenceAccuracy)
     * @param alpha significance level of the test, in (0, 1)
     * @param minLabels fewer labels than this leave the window unjudged
     */
    public static AccuracyJudgment judge(
            long correct,
            long labelled,
            double referenceAccuracy,
            double maxDrop,
            double alpha,
            long minLabels) {
        if (!(referenceAccuracy > 0 && referenceAccuracy <= 1)) {
            throw new IllegalArgumentException(
                    "reference accuracy must be in (0, 1], got " + referenceAccuracy);
        }
        if (!(maxDrop >= 0 && maxDrop < referenceAccuracy)) {
            throw new IllegalArgumentException(
                    "max drop must be in [0, reference accuracy "
                            + referenceAccuracy
                            + "), got "
                            + maxDrop);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        if (labelled < 0 || correct < 0 || correct > labelled) {
            throw new IllegalArgumentException(
                    "need 0 <= correct <= labelled, got " + correct + " of " + labelled);
        }
        double floor = referenceAccuracy - maxDrop;
        if (labelled == 0) {
            return new AccuracyJudgment(
                    0, 0, Double.NaN, floor, 1, Double.NaN, Double.NaN, minLabels <= 0, false);
        }
        if (labelled > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("more than 2^31 labels in one window: " + labelled);
        }
        double p =
                new BinomialTest()
                        .binomialTest(
                                (int) labelled,
                                (int) correct,
                                floor,
                                AlternativeHypothesis.LESS_THAN);
        double accuracy = (double) correct / labelled;
        double[] wilson = wilson(correct, labelled, Z_95);
        boolean judged = labelled >= minLabels;
        return new AccuracyJudgment(
                labelled,
                correct,
                accuracy,
                floor,
                p,
                wilson[0],
                wilson[1],
                judged,
                judged && p < alpha);
    }

    /** The Wilson score interval of k / n at normal quantile z. */
    static double[] wilson(long k, long n, double z) {
        double p = (double) k / n;
        double z2 = z * z;
        double centre = (p + z2 / (2.0 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
