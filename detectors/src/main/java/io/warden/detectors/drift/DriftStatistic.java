package io.warden.detectors.drift;

import java.io.Serializable;
import java.util.Objects;

/**
 * One drift statistic of one feature in one window: its value, its p-value if it has one, the
 * threshold it was compared with and the verdict. The fields mirror the {@code DriftStatistic}
 * record of the {@code DriftReport} contract ({@code name, value, p_value, threshold, drifted}), so
 * a job copies them one to one; {@link #pValue()} is {@link Double#NaN} where the contract has
 * null.
 *
 * <p><b>Verdict rule.</b> For a statistic with a p-value (a test), {@link #threshold()} is on the
 * p-value scale and the statistic is drifted when {@code pValue <= threshold}. For a distance, the
 * threshold is on the value's scale and the statistic is drifted when {@code value >= threshold}.
 * Both follow Evidently's conventions, so thresholds carry over.
 *
 * @param name the statistic's name, one of the constants of this class for warden's own
 * @param value the statistic's value in its own units (KS: D; chi-squared: X&sup2;); not NaN
 * @param pValue the p-value in [0, 1], or NaN for a distance without one
 * @param threshold the p-value threshold (tests) or value threshold (distances); not NaN
 * @param drifted the verdict, by the rule above
 */
public record DriftStatistic(
        String name, double value, double pValue, double threshold, boolean drifted)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Population Stability Index ({@link Psi}). */
    public static final String PSI = "psi";

    /** Jensen-Shannon distance, base 2 ({@link JensenShannon}). */
    public static final String JS_DISTANCE = "js_distance";

    /** 1-Wasserstein distance divided by the reference standard deviation ({@link Wasserstein}). */
    public static final String WASSERSTEIN_NORM = "wasserstein_norm";

    /** Two-sample Kolmogorov-Smirnov: value D, with p-value ({@link KolmogorovSmirnov}). */
    public static final String KS = "ks";

    /** Pearson's chi-squared: value X&sup2;, with p-value ({@link ChiSquared}). */
    public static final String CHI2 = "chi2";

    /** Validates the fields; the verdict is not re-derived, so a caller may apply its own rule. */
    public DriftStatistic {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("drift statistic name must not be blank");
        }
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("value of " + name + " must not be NaN");
        }
        if (!Double.isNaN(pValue) && !(pValue >= 0.0 && pValue <= 1.0)) {
            throw new IllegalArgumentException(
                    "p-value of " + name + " must be in [0, 1] or NaN for none, but is " + pValue);
        }
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold of " + name + " must not be NaN");
        }
    }

    /** A distance, drifted when {@code value >= threshold}. */
    public static DriftStatistic distance(String name, double value, double threshold) {
        return new DriftStatistic(name, value, Double.NaN, threshold, value >= threshold);
    }

    /** A test, drifted when {@code pValue <= threshold}. */
    public static DriftStatistic test(String name, double value, double pValue, double threshold) {
        return new DriftStatistic(name, value, pValue, threshold, pValue <= threshold);
    }

    /** Whether this statistic has a p-value. */
    public boolean hasPValue() {
        return !Double.isNaN(pValue);
    }

    /**
     * This test with its p-value replaced by an adjusted one (see {@link MultipleTesting}) and
     * decided again at the given level.
     *
     * @throws IllegalStateException if this statistic has no p-value
     * @throws IllegalArgumentException if the p-value or the level is not in [0, 1]
     */
    public DriftStatistic withAdjustedPValue(double adjustedPValue, double alpha) {
        if (!hasPValue()) {
            throw new IllegalStateException(name + " has no p-value to adjust");
        }
        if (!(alpha >= 0.0 && alpha <= 1.0)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], but is " + alpha);
        }
        return test(name, value, adjustedPValue, alpha);
    }
}
