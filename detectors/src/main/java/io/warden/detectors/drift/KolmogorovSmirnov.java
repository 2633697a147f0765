package io.warden.detectors.drift;

import java.io.Serializable;
import java.util.Objects;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * Two-sample Kolmogorov-Smirnov test: is the window drawn from the reference's distribution?
 *
 * <p><b>Statistic.</b> D = sup<sub>x</sub> |F<sub>n</sub>(x) &minus; G<sub>m</sub>(x)|, the largest
 * vertical distance between the two empirical CDFs, evaluated at every value of either side
 * (Kolmogorov 1933; Smirnov, "Table for estimating the goodness of fit of empirical distributions",
 * Annals of Mathematical Statistics 19(2):279&ndash;281, 1948). Ties are handled exactly: both CDFs
 * are read after all values equal to x.
 *
 * <p><b>p-value on samples</b> ({@link #test(double[], double[])}):
 *
 * <ul>
 *   <li>{@link Method#EXACT} when n &middot; m &lt; {@value #EXACT_MAX_PRODUCT}: the exact
 *       permutation probability P(D<sub>n,m</sub> &ge; d) under continuity, from Commons Math's
 *       {@code KolmogorovSmirnovTest.exactP} (the same quantity as SciPy's {@code ks_2samp(...,
 *       method='exact')}). With ties the true null distribution of D is more concentrated, so the
 *       p-value is conservative (Conover, <i>Practical Nonparametric Statistics</i>, 3rd ed., Wiley
 *       1999, &sect;6.3). Commons Math's own {@code kolmogorovSmirnovTest(x, y)} is not used: it
 *       breaks ties by adding jitter, which changes D.
 *   <li>{@link Method#ASYMPTOTIC} otherwise: P(K &gt; d &radic;(nm/(n+m))) for the limiting
 *       Kolmogorov distribution K ({@link #kolmogorovSurvival(double)}), the same as SciPy's {@code
 *       kstwobign.sf} and Commons Math's {@code approximateP}. SciPy's {@code ks_2samp(...,
 *       method='asymp')} differs slightly: it uses the finite-n one-sample distribution {@code
 *       kstwo} at n = round(nm/(n+m)). The limiting distribution is slightly conservative for
 *       finite samples.
 * </ul>
 *
 * <p><b>On KLL sketches</b> ({@link #test(KllDoublesSketch, KllDoublesSketch)}) D is computed
 * between the two step CDFs the sketches represent, evaluated at the union of their retained items,
 * and the p-value from the limiting Kolmogorov distribution with the sketches' stream lengths as n
 * and m ({@link Method#SKETCH_ASYMPTOTIC}). Each sketch CDF is within the sketch's normalized rank
 * error &epsilon; of the exact empirical CDF (per query, 99% confidence; &epsilon; &asymp; 1.33% at
 * k = 200 and shrinking roughly as 1/k), so |D<sub>sketch</sub> &minus; D| &le;
 * &epsilon;<sub>a</sub> + &epsilon;<sub>b</sub>, reported as {@link Result#statisticErrorBound()}.
 * That error does not shrink with n: once &radic;(nm/(n+m)) (&epsilon;<sub>a</sub> +
 * &epsilon;<sub>b</sub>) is of order 1 (n = m &asymp; 2,800 at k = 200) the sketch error alone can
 * produce small p-values, and on identical distributions the test then rejects far more often than
 * its level.
 *
 * <p>{@link #testDiscountingRankError(KllDoublesSketch, KllDoublesSketch)} is the conservative
 * variant for that regime: it computes the p-value from max(0, D &minus; &epsilon;<sub>a</sub>
 * &minus; &epsilon;<sub>b</sub>) ({@link Method#SKETCH_RANK_ERROR_DISCOUNTED}), so within the
 * sketches' error guarantee its p-value is never smaller than the exact test's would be. It loses
 * power: a shift must move the CDFs by more than &epsilon;<sub>a</sub> + &epsilon;<sub>b</sub>
 * before it can be detected (a +0.1&sigma; location shift of a normal moves them by 0.04;
 * +0.3&sigma; by 0.12). A sketch not in estimation mode holds all its items, has &epsilon; = 0, and
 * both sketch tests then return exactly the sample test's result.
 *
 * <p><b>DataSketches' own test</b> ({@code org.apache.datasketches.quantilescommon.
 * KolmogorovSmirnov}) decides at a target p-value by comparing its D with the threshold c(&alpha;)
 * &radic;((r<sub>a</sub> + r<sub>b</sub>)/(r<sub>a</sub> r<sub>b</sub>)) + &epsilon;<sub>a</sub> +
 * &epsilon;<sub>b</sub>, where r is the number of retained items, not the stream length: it treats
 * each sketch like a sample of its few hundred retained items, which makes it far more conservative
 * (at k = 200 it misses a +0.1&sigma; shift at 20,000 values per side) and gives no p-value. Its D
 * is also read at slightly mismatched points of the two sorted views, so it can differ from this
 * class's D by about one retained item's weight.
 *
 * <p>Stateless and thread-safe.
 */
public final class KolmogorovSmirnov {

    /** Sample-size products below this get an exact p-value: 10,000, as in Commons Math. */
    public static final long EXACT_MAX_PRODUCT = 10_000;

    /** Evidently's default drift threshold on the p-value: 0.05. */
    public static final double DEFAULT_P_VALUE_THRESHOLD = 0.05;

    /** Stateless apart from a random generator that exactP never uses. */
    private static final org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest EXACT =
            new org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest();

    private KolmogorovSmirnov() {}

    /** How a {@link Result}'s p-value was computed. */
    public enum Method {
        /** Exact permutation distribution of D (samples, or sketches holding all their items). */
        EXACT,
        /** Limiting Kolmogorov distribution (samples, or sketches holding all their items). */
        ASYMPTOTIC,
        /** Limiting Kolmogorov distribution at the D measured between two estimating sketches. */
        SKETCH_ASYMPTOTIC,
        /** Limiting Kolmogorov distribution at D minus the sketches' rank-error bounds. */
        SKETCH_RANK_ERROR_DISCOUNTED
    }

    /**
     * A two-sample KS result.
     *
     * @param statistic D in [0, 1], as measured (for sketches: between the sketch CDFs)
     * @param pValue the p-value in [0, 1], computed as {@code method} says
     * @param method how the p-value was computed
     * @param referenceCount n, the reference sample size or sketch stream length
     * @param windowCount m, the window sample size or sketch stream length
     * @param statisticErrorBound bound on |statistic &minus; exact D|: the sum of the sketches'
     *     rank-error bounds, 0 for exact inputs
     */
    public record Result(
            double statistic,
            double pValue,
            Method method,
            long referenceCount,
            long windowCount,
            double statisticErrorBound)
            implements Serializable {

        private static final long serialVersionUID = 1L;

        /** Validates the ranges stated above. */
        public Result {
            Objects.requireNonNull(method, "method");
            if (!(statistic >= 0.0 && statistic <= 1.0)) {
                throw new IllegalArgumentException("KS statistic must be in [0, 1]: " + statistic);
            }
            if (!(pValue >= 0.0 && pValue <= 1.0)) {
                throw new IllegalArgumentException("KS p-value must be in [0, 1]: " + pValue);
            }
            if (referenceCount < 1 || windowCount < 1) {
                throw new IllegalArgumentException(
                        "KS sample sizes must be positive: " + referenceCount + ", " + windowCount);
            }
            if (!(statisticErrorBound >= 0.0)) {
                throw new IllegalArgumentException(
                        "KS statistic error bound must be non-negative: " + statisticErrorBound);
            }
        }

        /** The effective sample size n m / (n + m) that scales D in the asymptotic p-value. */
        public double effectiveSampleSize() {
            return KolmogorovSmirnov.effectiveSampleSize(referenceCount, windowCount);
        }
    }

    /**
     * KS test of two samples: exact p-value for n &middot; m &lt; {@value #EXACT_MAX_PRODUCT},
     * asymptotic otherwise.
     *
     * @throws IllegalArgumentException if a sample is empty or holds a NaN
     */
    public static Result test(double[] reference, double[] window) {
        StepCdf ref = StepCdf.ofSample(reference, "reference");
        StepCdf win = StepCdf.ofSample(window, "window");
        return exactInputs(StepCdf.maxCdfDistance(ref, win), ref.total(), win.total());
    }

    /**
     * KS test of two KLL sketches, p-value at the measured D (see the class documentation for when
     * that is too liberal).
     *
     * @throws IllegalArgumentException if a sketch is empty
     */
    public static Result test(KllDoublesSketch reference, KllDoublesSketch window) {
        return ofSketches(
                StepCdf.ofSketch(reference, "reference"),
                Sketches.rankErrorBound(reference),
                StepCdf.ofSketch(window, "window"),
                Sketches.rankErrorBound(window),
                false);
    }

    /**
     * KS test of two KLL sketches with the p-value computed from D minus both sketches' rank-error
     * bounds: conservative within the sketches' error guarantee.
     *
     * @throws IllegalArgumentException if a sketch is empty
     */
    public static Result testDiscountingRankError(
            KllDoublesSketch reference, KllDoublesSketch window) {
        return ofSketches(
                StepCdf.ofSketch(reference, "reference"),
                Sketches.rankErrorBound(reference),
                StepCdf.ofSketch(window, "window"),
                Sketches.rankErrorBound(window),
                true);
    }

    static Result ofSketches(
            StepCdf reference,
            double referenceError,
            StepCdf window,
            double windowError,
            boolean discountRankError) {
        double d = StepCdf.maxCdfDistance(reference, window);
        long n = reference.total();
        long m = window.total();
        double bound = referenceError + windowError;
        if (bound == 0.0) {
            return exactInputs(d, n, m);
        }
        if (discountRankError) {
            double p = asymptoticPValue(Math.max(0.0, d - bound), n, m);
            return new Result(d, p, Method.SKETCH_RANK_ERROR_DISCOUNTED, n, m, bound);
        }
        return new Result(d, asymptoticPValue(d, n, m), Method.SKETCH_ASYMPTOTIC, n, m, bound);
    }

    private static Result exactInputs(double d, long n, long m) {
        if ((double) n * m < EXACT_MAX_PRODUCT) {
            // Non-strict: P(D >= d), as SciPy's exact method. Clamp rounding beyond [0, 1].
            double p = EXACT.exactP(d, (int) n, (int) m, false);
            return new Result(d, Math.min(1.0, Math.max(0.0, p)), Method.EXACT, n, m, 0.0);
        }
        return new Result(d, asymptoticPValue(d, n, m), Method.ASYMPTOTIC, n, m, 0.0);
    }

    /**
     * The asymptotic two-sample p-value of a statistic d for sample sizes n and m: {@link
     * #kolmogorovSurvival(double) P(K &gt; d &radic;(nm/(n+m)))}.
     *
     * @throws IllegalArgumentException if d is not in [0, 1] or a size is not positive
     */
    public static double asymptoticPValue(double d, long n, long m) {
        if (!(d >= 0.0 && d <= 1.0)) {
            throw new IllegalArgumentException("KS statistic must be in [0, 1], but is " + d);
        }
        if (n < 1 || m < 1) {
            throw new IllegalArgumentException(
                    "KS sample sizes must be positive, but are " + n + " and " + m);
        }
        return kolmogorovSurvival(d * Math.sqrt(effectiveSampleSize(n, m)));
    }

    /**
     * P(K &gt; t) for the Kolmogorov distribution K, the limit of &radic;n D<sub>n</sub>
     * (Kolmogorov, "Sulla determinazione empirica di una legge di distribuzione", Giornale
     * dell'Istituto Italiano degli Attuari 4:83&ndash;91, 1933). Two series are used, each where it
     * converges in a few terms (Press et al., <i>Numerical Recipes</i>, 3rd ed., Cambridge 2007,
     * &sect;6.14): for t &ge; 1.18 the alternating series 2 &Sigma;<sub>j&ge;1</sub>
     * (&minus;1)<sup>j&minus;1</sup> exp(&minus;2 j&sup2; t&sup2;), which keeps full relative
     * precision for tiny p-values; below it 1 &minus; (&radic;(2&pi;)/t) &Sigma;<sub>j&ge;1</sub>
     * exp(&minus;(2j&minus;1)&sup2; &pi;&sup2; / (8 t&sup2;)). Agrees with SciPy's {@code
     * kstwobign.sf} to 1e-13 relative, down to p = 1e-56 (see the tests).
     *
     * @return the survival probability in [0, 1]; 1 for t &le; 0
     * @throws IllegalArgumentException if t is NaN
     */
    public static double kolmogorovSurvival(double t) {
        if (Double.isNaN(t)) {
            throw new IllegalArgumentException("Kolmogorov distribution argument must not be NaN");
        }
        if (t <= 0.0) {
            return 1.0;
        }
        if (t < 1.18) {
            double w = Math.PI * Math.PI / (8.0 * t * t);
            double sum = 0.0;
            for (int j = 1; j <= 20; j++) {
                int odd = 2 * j - 1;
                double term = Math.exp(-odd * odd * w);
                sum += term;
                if (term <= 1e-17 * sum) {
                    break;
                }
            }
            return Math.min(1.0, Math.max(0.0, 1.0 - Math.sqrt(2.0 * Math.PI) / t * sum));
        }
        double sum = 0.0;
        double sign = 1.0;
        for (int j = 1; j <= 20; j++) {
            double term = Math.exp(-2.0 * j * j * t * t);
            sum += sign * term;
            if (term <= 1e-17 * sum) {
                break;
            }
            sign = -sign;
        }
        return Math.min(1.0, Math.max(0.0, 2.0 * sum));
    }

    static double effectiveSampleSize(long n, long m) {
        return (double) n * m / ((double) n + m);
    }
}
