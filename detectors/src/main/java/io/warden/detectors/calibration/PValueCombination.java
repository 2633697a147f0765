package io.warden.detectors.calibration;

import org.apache.commons.math3.special.Gamma;

/**
 * How the p-values of several detectors on the same input are combined into one.
 *
 * <ul>
 *   <li>{@link #BONFERRONI}: the smallest p-value times the number of detectors, capped at 1
 *       (Bonferroni 1936; as a combination rule, Tippett's minimum with the union bound). Valid
 *       whatever the dependence between the detectors; conservative when they agree.
 *   <li>{@link #FISHER}: X = &minus;2 &Sigma; ln p<sub>i</sub>, referred to the chi-squared
 *       distribution with 2k degrees of freedom (R. A. Fisher, <i>Statistical Methods for Research
 *       Workers</i>, 1925, &sect;21.1). Exact for independent p-values and more powerful than
 *       Bonferroni when several detectors see a little; anti-conservative when they are positively
 *       dependent, which detectors looking at the same input usually are.
 * </ul>
 *
 * Either way the result is a number in [0, 1] where small means "anomalous". Because the nominal
 * level of {@link #FISHER} is not trustworthy under dependence, {@link ConformalEnsemble} does not
 * use it as the final p-value: it ranks it once more against the same combination on held-out
 * reference data, which makes the ensemble's false-positive rate exact for any dependence.
 *
 * <p>A p-value of 0 (a detector that could not score the input and calls it anomalous) combines to
 * 0 under both rules.
 */
public enum PValueCombination {
    /** min(1, k &middot; min p). */
    BONFERRONI,
    /** P(&chi;&sup2;<sub>2k</sub> &ge; &minus;2 &Sigma; ln p). */
    FISHER;

    /**
     * The combined p-value of {@code p[0..k)}.
     *
     * @throws IllegalArgumentException if k is not positive or a p-value is outside [0, 1] or NaN
     */
    public double combine(double[] p, int k) {
        if (k < 1 || k > p.length) {
            throw new IllegalArgumentException("need 1 to " + p.length + " p-values, got " + k);
        }
        for (int i = 0; i < k; i++) {
            if (!(p[i] >= 0 && p[i] <= 1)) {
                throw new IllegalArgumentException("p-value " + i + " is not in [0, 1]: " + p[i]);
            }
        }
        return switch (this) {
            case BONFERRONI -> bonferroni(p, k);
            case FISHER -> fisher(p, k);
        };
    }

    /** The combined p-value of all of {@code p}. */
    public double combine(double... p) {
        return combine(p, p.length);
    }

    private static double bonferroni(double[] p, int k) {
        double min = 1;
        for (int i = 0; i < k; i++) {
            min = Math.min(min, p[i]);
        }
        return Math.min(1.0, k * min);
    }

    /**
     * The chi-squared survival function with 2k degrees of freedom at X is the regularized upper
     * incomplete gamma function Q(k, X/2), which keeps its precision far into the tail where {@code
     * 1 - cdf} would round to 0.
     */
    private static double fisher(double[] p, int k) {
        double halfStatistic = 0;
        for (int i = 0; i < k; i++) {
            if (p[i] == 0) {
                return 0;
            }
            halfStatistic -= Math.log(p[i]);
        }
        if (halfStatistic == 0) {
            return 1;
        }
        return Gamma.regularizedGammaQ(k, halfStatistic);
    }
}
