package io.warden.detectors.drift;

import java.util.Objects;

/**
 * Jensen-Shannon distance between two discrete distributions over the same bins or categories: the
 * square root of the Jensen-Shannon divergence with base-2 logarithms,
 *
 * <pre>
 *   JSD(p, q) = &frac12; KL(p &#x2016; m) + &frac12; KL(q &#x2016; m),   m = &frac12;(p + q)
 *   distance  = &radic;JSD(p, q)
 * </pre>
 *
 * The divergence was introduced by Lin ("Divergence measures based on the Shannon entropy", IEEE
 * Transactions on Information Theory 37(1):145&ndash;151, 1991); with base-2 logarithms it lies in
 * [0, 1], and its square root is a metric (Endres &amp; Schindelin, "A new metric for probability
 * distributions", IEEE Transactions on Information Theory 49(7):1858&ndash;1860, 2003). So the
 * distance is 0 for equal distributions and 1 for distributions with disjoint support, whatever the
 * number of bins.
 *
 * <p>Unlike {@link Psi} it needs no smoothing: m is positive wherever p or q is, and terms with p =
 * 0 are 0. Inputs are non-negative weights (counts or proportions); each side is divided by its own
 * sum first, as SciPy's {@code scipy.spatial.distance.jensenshannon} does. Evidently's default
 * drift threshold for the distance is {@value #DEFAULT_THRESHOLD}.
 *
 * <p>Stateless and thread-safe; {@link #distance(double[], double[])} does not allocate.
 */
public final class JensenShannon {

    /** A common drift threshold on the distance: 0.1 (Evidently's default). */
    public static final double DEFAULT_THRESHOLD = 0.1;

    private static final double LN2 = Math.log(2.0);

    private JensenShannon() {}

    /**
     * Jensen-Shannon distance (base 2) between the distributions proportional to p and q.
     *
     * @param p non-negative finite weights with a positive sum
     * @param q non-negative finite weights with a positive sum, same length as p
     * @return the distance in [0, 1]
     * @throws IllegalArgumentException if the arrays are empty or differ in length, a weight is
     *     negative, NaN or infinite, or a side sums to 0
     */
    public static double distance(double[] p, double[] q) {
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(q, "q");
        if (p.length != q.length) {
            throw new IllegalArgumentException(
                    "Jensen-Shannon distance needs the same bins on both sides, but p has "
                            + p.length
                            + " and q "
                            + q.length);
        }
        double sp = Counts.positiveTotal(p, "p");
        double sq = Counts.positiveTotal(q, "q");
        double divergence = 0.0; // in nats, times 2
        for (int i = 0; i < p.length; i++) {
            double pi = p[i] / sp;
            double qi = q[i] / sq;
            double mi = 0.5 * (pi + qi);
            if (pi > 0.0) {
                divergence += pi * Math.log(pi / mi);
            }
            if (qi > 0.0) {
                divergence += qi * Math.log(qi / mi);
            }
        }
        double js = 0.5 * divergence / LN2;
        // Rounding can leave a tiny negative or a value a hair above 1.
        return Math.sqrt(Math.min(1.0, Math.max(0.0, js)));
    }

    /**
     * Jensen-Shannon distance (base 2) between two count vectors over the same bins.
     *
     * @throws IllegalArgumentException as {@link #distance(double[], double[])}, or for a negative
     *     count
     */
    public static double distance(long[] p, long[] q) {
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(q, "q");
        return distance(Counts.proportions(p, "p"), Counts.proportions(q, "q"));
    }
}
