package io.warden.detectors.extraction;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.commons.math3.special.Erf;

/**
 * The Shapiro-Wilk test of normality (Shapiro &amp; Wilk, "An analysis of variance test for
 * normality (complete samples)", Biometrika 52, 1965) in Royston's approximation: P. Royston,
 * "Remark AS R94: A remark on Algorithm AS 181: The W-test for normality", Applied Statistics
 * 44(4), 1995, pp. 547&ndash;551. Valid for {@value #MIN_SIZE} &le; n &le; {@value #MAX_SIZE}.
 *
 * <p><b>Statistic.</b> W = (&Sigma; a<sub>i</sub> x<sub>(i)</sub>)&sup2; / &Sigma; (x<sub>i</sub>
 * &minus; x&#772;)&sup2; with the order statistics x<sub>(i)</sub> and AS R94's coefficients:
 * m<sub>i</sub> = &Phi;<sup>&minus;1</sup>((i &minus; 3/8) / (n + 1/4)), normalised, with the two
 * outermost coefficients replaced by Royston's polynomials in 1/&radic;n. W is in (0, 1]; small
 * values mean a non-normal sample. As in AS R94, 1 &minus; W is computed directly (as one minus the
 * squared correlation of the coefficients and the data) so that it keeps its precision when W is
 * close to 1.
 *
 * <p><b>p-value.</b> Exact for n = 3 (6/&pi; &middot; (asin &radic;W &minus; asin &radic;(3/4)));
 * otherwise the upper tail of a normal approximation to ln(1 &minus; W) (n &ge; 12) or to
 * &minus;ln(&gamma; &minus; ln(1 &minus; W)) (4 &le; n &le; 11), with Royston's polynomials for the
 * mean and standard deviation. For 4 &le; n &le; 11 and 1 &minus; W so large that ln(1 &minus; W)
 * &ge; &gamma; the p-value is AS R94's 10<sup>&minus;19</sup>.
 *
 * <p><b>Agreement with SciPy.</b> {@code scipy.stats.shapiro} implements the same AS R94, in single
 * precision up to SciPy 1.10 (Fortran {@code REAL}, with AS 111 for &Phi;<sup>&minus;1</sup>). This
 * class computes in double precision with commons-math's inverse error function for
 * &Phi;<sup>&minus;1</sup>, so its W agrees with SciPy 1.10.1's to SciPy's float precision and its
 * p-value within the error that SciPy's single-precision 1 &minus; W induces (see the tests for the
 * measured bounds). Like SciPy, the sample is centred on its median before the sums, which changes
 * nothing mathematically and keeps precision for data far from zero.
 *
 * <p>Ties are allowed. A sample whose range is zero has no W and is rejected.
 */
public final class ShapiroWilk {

    /** Smallest sample size: {@value}. */
    public static final int MIN_SIZE = 3;

    /** Largest sample size for which Royston's approximation is valid: {@value}. */
    public static final int MAX_SIZE = 5000;

    /** AS R94's p-value when 1 &minus; W is beyond the range of the small-sample approximation. */
    static final double SMALLEST_P_VALUE = 1e-19;

    private static final double[] C1 = {0.0, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056};
    private static final double[] C2 = {0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633};
    private static final double[] C3 = {0.5440, -0.39978, 0.025054, -6.714e-4};
    private static final double[] C4 = {1.3822, -0.77857, 0.062767, -0.0020322};
    private static final double[] C5 = {-1.5861, -0.31082, -0.083751, 0.0038915};
    private static final double[] C6 = {-0.4803, -0.082676, 0.0030302};
    private static final double[] G = {-2.273, 0.459};

    private ShapiroWilk() {}

    /**
     * The result of one test.
     *
     * @param n the sample size
     * @param w the statistic W in (0, 1]
     * @param pValue the p-value of the null hypothesis that the sample is normal, in [0, 1]
     */
    public record Result(int n, double w, double pValue) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Checks the ranges; see the record's description. */
        public Result {
            if (n < MIN_SIZE || n > MAX_SIZE) {
                throw new IllegalArgumentException(
                        "n must be in [" + MIN_SIZE + ", " + MAX_SIZE + "], but is " + n);
            }
            if (!(w >= 0.0 && w <= 1.0)) {
                throw new IllegalArgumentException("W must be in [0, 1], but is " + w);
            }
            if (!(pValue >= 0.0 && pValue <= 1.0)) {
                throw new IllegalArgumentException("p-value must be in [0, 1], but is " + pValue);
            }
        }
    }

    /**
     * Tests a sample (in any order; it is copied, not modified).
     *
     * @throws IllegalArgumentException if the size is outside [{@value #MIN_SIZE}, {@value
     *     #MAX_SIZE}], a value is not finite, or all values are equal
     */
    public static Result test(double[] sample) {
        double[] sorted = sample.clone();
        Arrays.sort(sorted);
        return testSorted(sorted, sorted.length);
    }

    /**
     * Tests the first {@code n} values of {@code sorted}, which must be in ascending order; the
     * array is not modified. Lets a caller reuse one scratch array for samples of varying size.
     *
     * @throws IllegalArgumentException as {@link #test(double[])}, or if the values are not sorted
     */
    public static Result testSorted(double[] sorted, int n) {
        if (n < MIN_SIZE || n > MAX_SIZE || n > sorted.length) {
            throw new IllegalArgumentException(
                    "sample size must be in ["
                            + MIN_SIZE
                            + ", "
                            + MAX_SIZE
                            + "] and at most the array's length "
                            + sorted.length
                            + ", but is "
                            + n);
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(sorted[i])) {
                throw new IllegalArgumentException("sample value " + i + " is not finite");
            }
            if (i > 0 && sorted[i] < sorted[i - 1]) {
                throw new IllegalArgumentException("sample is not sorted at index " + i);
            }
        }
        double median = (n % 2 == 1) ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        double range = sorted[n - 1] - sorted[0];
        if (!(range > 0.0)) {
            throw new IllegalArgumentException("all " + n + " sample values are equal");
        }
        double[] a = coefficients(n);
        double w1 = oneMinusW(sorted, n, median, range, a);
        double w = 1.0 - w1;
        return new Result(n, w, pValue(n, w, w1));
    }

    /**
     * AS R94's coefficients a[0..n/2), the first (lowest) order statistics' with a positive sign:
     * the full antisymmetric vector is &minus;a[i] at position i and +a[i] at position n &minus; 1
     * &minus; i (0-based).
     */
    static double[] coefficients(int n) {
        int half = n / 2;
        double[] a = new double[half];
        if (n == 3) {
            a[0] = Math.sqrt(0.5);
            return a;
        }
        double an25 = n + 0.25;
        double[] m = new double[half];
        double summ2 = 0.0;
        for (int i = 0; i < half; i++) {
            m[i] = standardNormalQuantile((i + 1 - 0.375) / an25);
            summ2 += m[i] * m[i];
        }
        summ2 *= 2.0;
        double ssumm2 = Math.sqrt(summ2);
        double rsn = 1.0 / Math.sqrt(n);
        double a1 = poly(C1, rsn) - m[0] / ssumm2;
        int first;
        double fac;
        if (n > 5) {
            first = 2;
            double a2 = -m[1] / ssumm2 + poly(C2, rsn);
            fac =
                    Math.sqrt(
                            (summ2 - 2.0 * m[0] * m[0] - 2.0 * m[1] * m[1])
                                    / (1.0 - 2.0 * a1 * a1 - 2.0 * a2 * a2));
            a[1] = a2;
        } else {
            first = 1;
            fac = Math.sqrt((summ2 - 2.0 * m[0] * m[0]) / (1.0 - 2.0 * a1 * a1));
        }
        a[0] = a1;
        for (int i = first; i < half; i++) {
            a[i] = -m[i] / fac;
        }
        return a;
    }

    /**
     * 1 &minus; W as one minus the squared correlation between the coefficients and the data,
     * computed as AS R94 does: (&radic;(S<sub>aa</sub>S<sub>xx</sub>) &minus; S<sub>ax</sub>)
     * (&radic;(S<sub>aa</sub>S<sub>xx</sub>) + S<sub>ax</sub>) / (S<sub>aa</sub>S<sub>xx</sub>).
     */
    private static double oneMinusW(
            double[] sorted, int n, double median, double range, double[] a) {
        double meanA = 0.0;
        double meanX = 0.0;
        for (int i = 0; i < n; i++) {
            meanA += coefficientAt(a, n, i);
            meanX += (sorted[i] - median) / range;
        }
        meanA /= n;
        meanX /= n;
        double ssa = 0.0;
        double ssx = 0.0;
        double sax = 0.0;
        for (int i = 0; i < n; i++) {
            double asa = coefficientAt(a, n, i) - meanA;
            double xsx = (sorted[i] - median) / range - meanX;
            ssa += asa * asa;
            ssx += xsx * xsx;
            sax += asa * xsx;
        }
        double ssassx = Math.sqrt(ssa * ssx);
        double w1 = (ssassx - sax) * (ssassx + sax) / (ssa * ssx);
        return Math.min(1.0, Math.max(0.0, w1));
    }

    /** The coefficient of the i-th order statistic (0-based) in the antisymmetric vector. */
    private static double coefficientAt(double[] a, int n, int i) {
        int j = n - 1 - i;
        if (i == j) {
            return 0.0;
        }
        return i < j ? -a[i] : a[j];
    }

    /** The p-value of W for a sample of n values, 3 &le; n &le; 5000. */
    static double pValue(int n, double w) {
        return pValue(n, w, 1.0 - w);
    }

    private static double pValue(int n, double w, double w1) {
        if (n == 3) {
            double p = 6.0 / Math.PI * (Math.asin(Math.sqrt(w)) - Math.asin(Math.sqrt(0.75)));
            return Math.min(1.0, Math.max(0.0, p));
        }
        if (w1 == 0.0) {
            return 1.0;
        }
        double y = Math.log(w1);
        double mean;
        double sd;
        if (n <= 11) {
            double gamma = poly(G, n);
            if (y >= gamma) {
                return SMALLEST_P_VALUE;
            }
            y = -Math.log(gamma - y);
            mean = poly(C3, n);
            sd = Math.exp(poly(C4, n));
        } else {
            double logN = Math.log(n);
            mean = poly(C5, logN);
            sd = Math.exp(poly(C6, logN));
        }
        return upperNormalTail((y - mean) / sd);
    }

    /**
     * &Phi;<sup>&minus;1</sup>(p) for p in (0, 1), through the inverse complementary error
     * function.
     */
    static double standardNormalQuantile(double p) {
        return -Math.sqrt(2.0) * Erf.erfcInv(2.0 * p);
    }

    /** 1 &minus; &Phi;(z), accurate in the far upper tail. */
    static double upperNormalTail(double z) {
        return 0.5 * Erf.erfc(z / Math.sqrt(2.0));
    }

    /** c[0] + c[1] x + ... + c[k-1] x<sup>k-1</sup>, by Horner's rule. */
    private static double poly(double[] c, double x) {
        double value = 0.0;
        for (int i = c.length - 1; i >= 0; i--) {
            value = value * x + c[i];
        }
        return value;
    }
}
