package io.warden.detectors.drift;

import java.util.Objects;

/**
 * Population Stability Index of a current distribution against an expected (reference) one over the
 * same bins or categories:
 *
 * <pre>
 *   PSI = &Sigma;<sub>i</sub> (a<sub>i</sub> &minus; e<sub>i</sub>) &middot; ln(a<sub>i</sub> / e<sub>i</sub>)
 * </pre>
 *
 * where e<sub>i</sub> and a<sub>i</sub> are the expected and actual proportions in bin i. PSI is
 * the symmetrised Kullback-Leibler divergence KL(a&#x2016;e) + KL(e&#x2016;a), in nats: 0 for equal
 * distributions, growing without bound.
 *
 * <p><b>Empty bins.</b> The logarithm is undefined for an empty bin, so a proportion that is
 * exactly 0 is replaced by {@value #DEFAULT_EPSILON} before summing, without renormalising the
 * others; this is what common implementations do (Evidently's {@code psi} stat test uses the same
 * 1e-4). Each empty bin facing a proportion p on the other side then contributes about p &middot;
 * ln(p / 1e-4), so a category or range that is absent from one side counts as a strong, but finite,
 * change. The smoothing constant can be chosen per call.
 *
 * <p><b>Thresholds.</b> The credit-scoring convention reads PSI &lt; {@value #MODERATE} as no
 * significant change, {@value #MODERATE}&ndash;{@value #SIGNIFICANT} as a moderate change worth a
 * look, and &gt; {@value #SIGNIFICANT} as a significant shift (Siddiqi, <i>Credit Risk Scorecards:
 * Developing and Implementing Intelligent Credit Scoring</i>, Wiley 2006). Yurdakul ("Statistical
 * Properties of Population Stability Index", PhD dissertation, Western Michigan University, 2018)
 * derives PSI's sampling distribution without change (approximately (1/n + 1/m) times a chi-squared
 * with B &minus; 1 degrees of freedom, for B bins and sample sizes n and m) and so shows that a
 * fixed threshold means different false-alarm rates for different window sizes and bin counts: with
 * 10 bins, PSI of pure noise exceeds 0.1 in a sizeable share of windows of a few hundred values.
 * warden's default threshold for drift is {@value #MODERATE} (as Evidently's).
 *
 * <p>Stateless and thread-safe; {@link #of(double[], double[])} does not allocate.
 */
public final class Psi {

    /** Proportion used in place of an empty bin's 0: 1e-4. */
    public static final double DEFAULT_EPSILON = 1e-4;

    /** PSI above this is conventionally a moderate change: 0.1. */
    public static final double MODERATE = 0.1;

    /** PSI above this is conventionally a significant shift: 0.25. */
    public static final double SIGNIFICANT = 0.25;

    private Psi() {}

    /**
     * PSI of actual against expected proportions, with empty bins smoothed to {@value
     * #DEFAULT_EPSILON}.
     *
     * @param expected reference proportions per bin, each in [0, 1]
     * @param actual current proportions per bin, each in [0, 1], same length
     * @throws IllegalArgumentException if the arrays are empty, differ in length, or hold a value
     *     outside [0, 1]
     */
    public static double of(double[] expected, double[] actual) {
        return of(expected, actual, DEFAULT_EPSILON);
    }

    /**
     * PSI of actual against expected proportions, with empty bins smoothed to {@code epsilon}.
     *
     * @throws IllegalArgumentException as {@link #of(double[], double[])}, or if epsilon is not in
     *     (0, 1)
     */
    public static double of(double[] expected, double[] actual, double epsilon) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(actual, "actual");
        if (!(epsilon > 0.0 && epsilon < 1.0)) {
            throw new IllegalArgumentException("PSI epsilon must be in (0, 1), but is " + epsilon);
        }
        if (expected.length == 0) {
            throw new IllegalArgumentException("PSI needs at least one bin");
        }
        if (expected.length != actual.length) {
            throw new IllegalArgumentException(
                    "PSI needs the same bins on both sides, but expected has "
                            + expected.length
                            + " and actual "
                            + actual.length);
        }
        double psi = 0.0;
        for (int i = 0; i < expected.length; i++) {
            double e = requireProportion(expected[i], "expected", i);
            double a = requireProportion(actual[i], "actual", i);
            e = e == 0.0 ? epsilon : e;
            a = a == 0.0 ? epsilon : a;
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    /**
     * PSI of actual against expected counts over the same bins: each side divided by its total,
     * then as {@link #of(double[], double[])}.
     *
     * @throws IllegalArgumentException if the arrays are empty or differ in length, a count is
     *     negative, or a side's total is 0
     */
    public static double ofCounts(long[] expected, long[] actual) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(actual, "actual");
        return of(Counts.proportions(expected, "expected"), Counts.proportions(actual, "actual"));
    }

    private static double requireProportion(double p, String side, int bin) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException(
                    "PSI "
                            + side
                            + " proportion of bin "
                            + bin
                            + " must be in [0, 1], but is "
                            + p);
        }
        return p;
    }
}
