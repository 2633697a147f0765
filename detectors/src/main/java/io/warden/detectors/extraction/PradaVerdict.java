package io.warden.detectors.extraction;

import io.warden.detectors.core.DetectorResult;
import java.io.Serializable;
import java.util.Locale;

/**
 * The verdict of {@link PradaDetector} after one query of a client.
 *
 * @param queries queries seen from the client, this one included
 * @param minDistance this query's distance to the nearest earlier query of its predicted class, or
 *     NaN for the first query of a class (which has none)
 * @param distances minimum distances in the window D
 * @param testedDistances distances the last Shapiro-Wilk test used (after the outlier cut); 0
 *     before the first test
 * @param w the last test's W, NaN before the first test
 * @param pValue the last test's p-value, NaN before the first test
 * @param delta the threshold: flagged when W &lt; delta
 * @param flagged whether the last test flagged the client
 * @param firstFlaggedAtQuery the query count at the client's first flag, 0 if never
 */
public record PradaVerdict(
        long queries,
        double minDistance,
        int distances,
        int testedDistances,
        double w,
        double pValue,
        double delta,
        boolean flagged,
        long firstFlaggedAtQuery)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Whether a Shapiro-Wilk test has run for this client. */
    public boolean tested() {
        return !Double.isNaN(w);
    }

    /**
     * As a {@link DetectorResult} with id {@value PradaDetector#ID}: score W (1, "normal", before
     * the first test), threshold &delta;, no calibrated p-value (the Shapiro-Wilk p-value is in the
     * explanation; the verdict compares W, not p, as the paper does).
     */
    public DetectorResult toResult() {
        String explanation =
                tested()
                        ? String.format(
                                Locale.ROOT,
                                "Shapiro-Wilk W = %.4f %s delta = %.4f over %d minimum query"
                                        + " distances (p = %.3g) after %d queries",
                                w,
                                flagged ? "<" : ">=",
                                delta,
                                testedDistances,
                                pValue,
                                queries)
                        : String.format(
                                Locale.ROOT,
                                "not tested yet: %d of the minimum query distances needed after"
                                        + " %d queries",
                                distances,
                                queries);
        return new DetectorResult(
                PradaDetector.ID,
                tested() ? w : 1.0,
                delta,
                DetectorResult.NO_P_VALUE,
                flagged,
                explanation);
    }
}
