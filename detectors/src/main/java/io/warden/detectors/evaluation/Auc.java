package io.warden.detectors.evaluation;

import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * Area under the ROC curve of a score that is larger for positives, computed as the Mann-Whitney U
 * statistic over the product of the class sizes: the probability that a random positive scores
 * above a random negative, ties counting one half (Hanley &amp; McNeil, Radiology 1982). With
 * average ranks for ties this is exactly the trapezoidal area under the empirical ROC curve, the
 * value scikit-learn's {@code roc_auc_score} gives.
 */
public final class Auc {
    private Auc() {}

    /**
     * The AUC of scores of positives against scores of negatives; NaN when either side is empty.
     *
     * @throws IllegalArgumentException when a score is NaN
     */
    public static double of(double[] positives, double[] negatives) {
        int p = positives.length;
        int n = negatives.length;
        if (p == 0 || n == 0) {
            return Double.NaN;
        }
        double[] all = new double[p + n];
        for (int i = 0; i < p + n; i++) {
            // + 0.0 turns -0.0 into 0.0: the ranking orders them apart, but they are one score.
            all[i] = (i < p ? positives[i] : negatives[i - p]) + 0.0;
        }
        double[] ranks;
        try {
            ranks = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE).rank(all);
        } catch (org.apache.commons.math3.exception.NotANumberException e) {
            throw new IllegalArgumentException("a score is NaN", e);
        }
        double positiveRankSum = 0;
        for (int i = 0; i < p; i++) {
            positiveRankSum += ranks[i];
        }
        double u = positiveRankSum - p * (p + 1.0) / 2.0;
        return u / ((double) p * n);
    }
}
