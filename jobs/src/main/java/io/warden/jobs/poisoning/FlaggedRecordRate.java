package io.warden.jobs.poisoning;

import io.warden.detectors.core.DetectorResult;
import java.io.Serializable;
import java.util.Locale;
import org.apache.commons.math3.special.Beta;

/**
 * A contributor's rate of feedback records flagged by the per-record detectors, against the rate an
 * honest contributor's records are flagged at (the detectors' false-positive rate): k flagged of n
 * judged, one-sided binomial p-value P(X &ge; k) for X ~ Bin(n, p<sub>0</sub>) = I<sub>p0</sub>(k,
 * n &minus; k + 1) (the regularized incomplete beta function, which also serves the non-integer
 * counts of the halving window). Fires when p &le; {@code alpha} and k &ge; {@code minFlagged}.
 * Counts are halved when n reaches {@code window}, so the verdict follows roughly the last {@code
 * window} records. Immutable; the counts live in a {@link Counts} per contributor.
 *
 * @param expectedRate p<sub>0</sub>, in (0, 1)
 * @param alpha the test's level, in (0, 1)
 * @param minFlagged flagged records before it can fire, at least 1
 * @param window records after which the counts are halved, at least minFlagged
 */
public record FlaggedRecordRate(double expectedRate, double alpha, int minFlagged, int window)
        implements Serializable {

    /** The detector id in alerts. */
    public static final String ID = "poisoning.flagged_records";

    /** A contributor's counts. A Flink POJO. */
    public static final class Counts implements Serializable {
        private static final long serialVersionUID = 1L;

        public double judged;
        public double flagged;

        public Counts() {}
    }

    /** Adds a verdict to the counts. */
    public void add(Counts c, RecordVerdict v) {
        if (v.judged) {
            if (c.judged + 1 > window) {
                c.judged /= 2;
                c.flagged /= 2;
            }
            c.judged++;
        }
        if (v.flagged) {
            c.flagged = Math.min(c.flagged + 1, c.judged);
        }
    }

    /** The test on the counts. */
    public DetectorResult assess(Counts c) {
        double n = c.judged;
        double k = c.flagged;
        double p = k <= 0 ? 1.0 : Beta.regularizedBeta(expectedRate, k, n - k + 1);
        boolean fired = k >= minFlagged && p <= alpha;
        return new DetectorResult(
                ID,
                n == 0 ? 0.0 : k / n,
                expectedRate,
                p,
                fired,
                String.format(
                        Locale.ROOT,
                        "%.0f of %.0f feedback records flagged (%.4f against %.4f expected),"
                                + " binomial p %.3g %s alpha %.3g",
                        k,
                        n,
                        n == 0 ? 0.0 : k / n,
                        expectedRate,
                        p,
                        fired ? "<=" : ">",
                        alpha));
    }
}
