package io.warden.detectors.drift;

import java.io.Serializable;
import java.util.Objects;
import org.apache.commons.math3.special.Gamma;

/**
 * Pearson's chi-squared tests for categorical drift: goodness of fit of a window's category counts
 * against the reference's proportions, and homogeneity of two count vectors (a 2 &times; k
 * contingency table).
 *
 * <p><b>Statistic.</b> X&sup2; = &Sigma; (O &minus; E)&sup2; / E over the cells, with E = n p for
 * goodness of fit and E<sub>ij</sub> = (row i total)(column j total) / N for homogeneity (Pearson,
 * "On the criterion that a given system of deviations from the probable...", Philosophical Magazine
 * 50(302):157&ndash;175, 1900). Under no change X&sup2; is approximately chi-squared with (cells
 * &minus; 1) degrees of freedom, and the p-value is its upper tail, the regularised upper
 * incomplete gamma function Q(df/2, X&sup2;/2) (Commons Math {@link Gamma#regularizedGammaQ}: the
 * survival function of Commons Math's {@code ChiSquaredDistribution}, computed directly so that
 * tiny p-values keep their precision instead of rounding {@code 1 - cdf} to 0). No continuity
 * correction is applied (SciPy's {@code chi2_contingency(..., correction=False)}).
 *
 * <p><b>Small expected counts.</b> The chi-squared approximation needs expected counts that are not
 * too small; Cochran's rule asks for every expected count &ge; 1 and at most a fifth below 5
 * (Cochran, "Some methods for strengthening the common &chi;&sup2; tests", Biometrics
 * 10(4):417&ndash;451, 1954). Rather than warn, warden pools: every cell whose expected count is
 * below {@code minExpectedCount} (default {@value #DEFAULT_MIN_EXPECTED_COUNT}) goes into one
 * pooled cell; while that pooled cell's expected count is still below the minimum and other cells
 * remain, the cell with the smallest expected count (lowest index on ties) joins it. Every cell of
 * the final table then has an expected count of at least the minimum, unless everything was pooled
 * into one cell: then there is nothing to test and the result is X&sup2; = 0, df = 0, p = 1. For
 * homogeneity, a column's expected count is the smaller of its two. {@code minExpectedCount = 0}
 * disables pooling.
 *
 * <p><b>Categories absent from the reference.</b> A cell with expected proportion 0 has expected
 * count 0 and is always pooled (so a category never seen in the reference still counts, against the
 * expected counts of the reference's rarest categories). Without pooling such a cell is dropped if
 * it has no observations and is an error if it has. {@link CategoricalReference} gives unseen
 * categories one shared cell with a small expected proportion; see there.
 *
 * <p>Stateless and thread-safe.
 */
public final class ChiSquared {

    /** Cells with a smaller expected count are pooled: 5, Cochran's rule of thumb. */
    public static final double DEFAULT_MIN_EXPECTED_COUNT = 5.0;

    /** The usual drift threshold on the p-value: 0.05 (Evidently's default). */
    public static final double DEFAULT_P_VALUE_THRESHOLD = 0.05;

    private ChiSquared() {}

    /**
     * A chi-squared test result.
     *
     * @param statistic X&sup2;, non-negative
     * @param degreesOfFreedom cells after pooling minus 1 (goodness of fit) or columns after
     *     pooling minus 1 (homogeneity); 0 when there was nothing to test
     * @param pValue upper-tail probability in [0, 1]; 1 when there was nothing to test
     * @param pooledCells how many of the input cells (or columns) were merged into the pooled cell,
     *     0 if none
     */
    public record Result(double statistic, int degreesOfFreedom, double pValue, int pooledCells)
            implements Serializable {

        private static final long serialVersionUID = 1L;

        /** Validates the ranges stated above. */
        public Result {
            if (!(statistic >= 0.0)) {
                throw new IllegalArgumentException(
                        "chi-squared statistic must be non-negative: " + statistic);
            }
            if (degreesOfFreedom < 0 || pooledCells < 0) {
                throw new IllegalArgumentException(
                        "degrees of freedom and pooled cells must be non-negative");
            }
            if (!(pValue >= 0.0 && pValue <= 1.0)) {
                throw new IllegalArgumentException(
                        "chi-squared p-value must be in [0, 1]: " + pValue);
            }
        }
    }

    /**
     * Goodness of fit of observed counts to expected proportions, pooling cells with an expected
     * count below {@value #DEFAULT_MIN_EXPECTED_COUNT}.
     *
     * @param observed counts per category, non-negative, not all 0
     * @param expectedProportions non-negative finite weights per category (normalised to sum 1)
     * @throws IllegalArgumentException if the arrays are empty or differ in length, a count is
     *     negative or all are 0, or a proportion is negative or not finite or all are 0
     */
    public static Result goodnessOfFit(long[] observed, double[] expectedProportions) {
        return goodnessOfFit(observed, expectedProportions, DEFAULT_MIN_EXPECTED_COUNT);
    }

    /**
     * Goodness of fit of observed counts to expected proportions, pooling cells with an expected
     * count below {@code minExpectedCount} (0: no pooling).
     *
     * @throws IllegalArgumentException as {@link #goodnessOfFit(long[], double[])}, if
     *     minExpectedCount is negative or not finite, or if without pooling a cell with expected
     *     proportion 0 has observations
     */
    public static Result goodnessOfFit(
            long[] observed, double[] expectedProportions, double minExpectedCount) {
        Objects.requireNonNull(observed, "observed");
        Objects.requireNonNull(expectedProportions, "expectedProportions");
        requireMinExpected(minExpectedCount);
        if (observed.length != expectedProportions.length) {
            throw new IllegalArgumentException(
                    "chi-squared needs one expected proportion per observed count, but there are "
                            + expectedProportions.length
                            + " proportions and "
                            + observed.length
                            + " counts");
        }
        long n = Counts.total(observed, "observed");
        if (n == 0) {
            throw new IllegalArgumentException("observed counts must not all be 0");
        }
        double scale = n / Counts.positiveTotal(expectedProportions, "expected proportions");
        int k = observed.length;
        long[] o = new long[k];
        double[] e = new double[k];
        int cells = 0;
        for (int i = 0; i < k; i++) {
            double expected = expectedProportions[i] * scale;
            if (expected == 0.0 && minExpectedCount == 0.0) {
                if (observed[i] > 0) {
                    throw new IllegalArgumentException(
                            "category "
                                    + i
                                    + " has "
                                    + observed[i]
                                    + " observations but expected proportion 0; pool it or give"
                                    + " it a small expected proportion");
                }
                continue; // an empty cell nobody expects carries no information
            }
            o[cells] = observed[i];
            e[cells] = expected;
            cells++;
        }
        return pooledTest(o, e, null, null, cells, minExpectedCount);
    }

    /**
     * Homogeneity of two count vectors over the same categories (a 2 &times; k contingency table),
     * pooling columns with an expected count below {@value #DEFAULT_MIN_EXPECTED_COUNT}.
     *
     * @throws IllegalArgumentException if the arrays are empty or differ in length, a count is
     *     negative, or a side's counts are all 0
     */
    public static Result homogeneity(long[] reference, long[] window) {
        return homogeneity(reference, window, DEFAULT_MIN_EXPECTED_COUNT);
    }

    /**
     * Homogeneity of two count vectors, pooling columns with an expected count below {@code
     * minExpectedCount} (0: no pooling). Columns that are 0 on both sides are dropped.
     *
     * @throws IllegalArgumentException as {@link #homogeneity(long[], long[])}, or if
     *     minExpectedCount is negative or not finite
     */
    public static Result homogeneity(long[] reference, long[] window, double minExpectedCount) {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(window, "window");
        requireMinExpected(minExpectedCount);
        if (reference.length != window.length) {
            throw new IllegalArgumentException(
                    "chi-squared homogeneity needs the same categories on both sides, but there"
                            + " are "
                            + reference.length
                            + " and "
                            + window.length);
        }
        long r1 = Counts.total(reference, "reference");
        long r2 = Counts.total(window, "window");
        if (r1 == 0 || r2 == 0) {
            throw new IllegalArgumentException(
                    (r1 == 0 ? "reference" : "window") + " counts must not all be 0");
        }
        double total = (double) r1 + r2;
        int k = reference.length;
        long[] o1 = new long[k];
        double[] e1 = new double[k];
        long[] o2 = new long[k];
        double[] e2 = new double[k];
        int columns = 0;
        for (int j = 0; j < k; j++) {
            long column = reference[j] + window[j];
            if (column > 0) { // an all-zero column has expected counts 0 and says nothing
                o1[columns] = reference[j];
                e1[columns] = r1 * (column / total);
                o2[columns] = window[j];
                e2[columns] = r2 * (column / total);
                columns++;
            }
        }
        return pooledTest(o1, e1, o2, e2, columns, minExpectedCount);
    }

    /**
     * The upper tail P(X &gt; x) of a chi-squared distribution with df degrees of freedom.
     *
     * @throws IllegalArgumentException if df &lt; 1 or x is negative or NaN
     */
    public static double survival(double x, int df) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom must be at least 1: " + df);
        }
        if (!(x >= 0.0)) {
            throw new IllegalArgumentException("chi-squared value must be non-negative: " + x);
        }
        if (x == 0.0) {
            return 1.0;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 0.0;
        }
        return Math.min(1.0, Math.max(0.0, Gamma.regularizedGammaQ(df / 2.0, x / 2.0)));
    }

    private static void requireMinExpected(double minExpectedCount) {
        if (!(minExpectedCount >= 0.0 && minExpectedCount < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(
                    "minimum expected count must be finite and non-negative, but is "
                            + minExpectedCount);
        }
    }

    /**
     * X&sup2; over the first k cells of one row (o2 == null) or k columns of two rows, after the
     * pooling rule of the class documentation.
     */
    private static Result pooledTest(
            long[] o1, double[] e1, long[] o2, double[] e2, int k, double minExpected) {
        boolean[] pooled = new boolean[k];
        int pooledCount = 0;
        long pooledO1 = 0;
        long pooledO2 = 0;
        double pooledE1 = 0.0;
        double pooledE2 = 0.0;
        if (minExpected > 0.0) {
            for (int i = 0; i < k; i++) {
                if (poolingSize(e1, e2, i) < minExpected) {
                    pooled[i] = true;
                    pooledCount++;
                    pooledO1 += o1[i];
                    pooledE1 += e1[i];
                    if (o2 != null) {
                        pooledO2 += o2[i];
                        pooledE2 += e2[i];
                    }
                }
            }
            while (pooledCount > 0
                    && pooledCount < k
                    && (o2 == null ? pooledE1 : Math.min(pooledE1, pooledE2)) < minExpected) {
                int smallest = -1;
                for (int i = 0; i < k; i++) {
                    if (!pooled[i]
                            && (smallest < 0
                                    || poolingSize(e1, e2, i) < poolingSize(e1, e2, smallest))) {
                        smallest = i;
                    }
                }
                pooled[smallest] = true;
                pooledCount++;
                pooledO1 += o1[smallest];
                pooledE1 += e1[smallest];
                if (o2 != null) {
                    pooledO2 += o2[smallest];
                    pooledE2 += e2[smallest];
                }
            }
        }
        int cells = k - pooledCount + (pooledCount > 0 ? 1 : 0);
        if (cells < 2) {
            return new Result(0.0, 0, 1.0, pooledCount);
        }
        double statistic = 0.0;
        for (int i = 0; i < k; i++) {
            if (!pooled[i]) {
                statistic += term(o1[i], e1[i]);
                if (o2 != null) {
                    statistic += term(o2[i], e2[i]);
                }
            }
        }
        if (pooledCount > 0) {
            statistic += term(pooledO1, pooledE1);
            if (o2 != null) {
                statistic += term(pooledO2, pooledE2);
            }
        }
        int df = cells - 1;
        return new Result(statistic, df, survival(statistic, df), pooledCount);
    }

    private static double poolingSize(double[] e1, double[] e2, int i) {
        return e2 == null ? e1[i] : Math.min(e1[i], e2[i]);
    }

    private static double term(long observed, double expected) {
        double diff = observed - expected;
        return diff * diff / expected;
    }
}
