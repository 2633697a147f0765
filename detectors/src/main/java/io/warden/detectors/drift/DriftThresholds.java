package io.warden.detectors.drift;

import java.io.Serializable;
import java.util.Objects;

/**
 * Thresholds of the univariate drift statistics and the rule that turns them into a feature's
 * verdict. The defaults are Evidently's defaults for the same statistics:
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>statistic</th><th>drifted when</th><th>default</th></tr>
 *   <tr><td>PSI</td><td>PSI &ge; threshold</td><td>0.1 (0.25 is "significant")</td></tr>
 *   <tr><td>Jensen-Shannon distance</td><td>distance &ge; threshold</td><td>0.1</td></tr>
 *   <tr><td>normalised Wasserstein</td><td>W1/&sigma;<sub>ref</sub> &ge; threshold</td><td>0.1</td></tr>
 *   <tr><td>Kolmogorov-Smirnov</td><td>p &le; threshold</td><td>0.05</td></tr>
 *   <tr><td>chi-squared</td><td>p &le; threshold</td><td>0.05</td></tr>
 *   <tr><td>verdict rule</td><td colspan="2">{@link VerdictRule#AUTO}, small sample up to 1,000
 *       window values</td></tr>
 * </table>
 *
 * The p-value thresholds are per feature; correct across features with {@link MultipleTesting}.
 *
 * @param psi PSI threshold, positive and finite
 * @param jsDistance Jensen-Shannon distance threshold, in (0, 1]
 * @param wassersteinNorm normalised Wasserstein threshold, positive and finite
 * @param ksPValue KS p-value threshold, in (0, 1)
 * @param chiSquaredPValue chi-squared p-value threshold, in (0, 1)
 * @param verdictRule which statistic decides a feature's verdict
 * @param smallSampleLimit the largest window count {@link VerdictRule#AUTO} treats as small, at
 *     least 1
 */
public record DriftThresholds(
        double psi,
        double jsDistance,
        double wassersteinNorm,
        double ksPValue,
        double chiSquaredPValue,
        VerdictRule verdictRule,
        long smallSampleLimit)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default {@link #smallSampleLimit()}: 1,000 values, Evidently's boundary. */
    public static final long DEFAULT_SMALL_SAMPLE_LIMIT = 1_000;

    private static final DriftThresholds DEFAULTS =
            new DriftThresholds(
                    Psi.MODERATE,
                    JensenShannon.DEFAULT_THRESHOLD,
                    Wasserstein.DEFAULT_NORMALIZED_THRESHOLD,
                    KolmogorovSmirnov.DEFAULT_P_VALUE_THRESHOLD,
                    ChiSquared.DEFAULT_P_VALUE_THRESHOLD,
                    VerdictRule.AUTO,
                    DEFAULT_SMALL_SAMPLE_LIMIT);

    /** Validates the ranges stated above. */
    public DriftThresholds {
        Objects.requireNonNull(verdictRule, "verdictRule");
        requirePositiveFinite(psi, "PSI threshold");
        requirePositiveFinite(wassersteinNorm, "normalised Wasserstein threshold");
        if (!(jsDistance > 0.0 && jsDistance <= 1.0)) {
            throw new IllegalArgumentException(
                    "Jensen-Shannon distance threshold must be in (0, 1], but is " + jsDistance);
        }
        requireLevel(ksPValue, "KS p-value threshold");
        requireLevel(chiSquaredPValue, "chi-squared p-value threshold");
        if (smallSampleLimit < 1) {
            throw new IllegalArgumentException(
                    "small-sample limit must be at least 1, but is " + smallSampleLimit);
        }
    }

    /** The defaults in the table above. */
    public static DriftThresholds defaults() {
        return DEFAULTS;
    }

    public DriftThresholds withPsi(double threshold) {
        return new DriftThresholds(
                threshold,
                jsDistance,
                wassersteinNorm,
                ksPValue,
                chiSquaredPValue,
                verdictRule,
                smallSampleLimit);
    }

    public DriftThresholds withJsDistance(double threshold) {
        return new DriftThresholds(
                psi,
                threshold,
                wassersteinNorm,
                ksPValue,
                chiSquaredPValue,
                verdictRule,
                smallSampleLimit);
    }

    public DriftThresholds withWassersteinNorm(double threshold) {
        return new DriftThresholds(
                psi,
                jsDistance,
                threshold,
                ksPValue,
                chiSquaredPValue,
                verdictRule,
                smallSampleLimit);
    }

    public DriftThresholds withKsPValue(double threshold) {
        return new DriftThresholds(
                psi,
                jsDistance,
                wassersteinNorm,
                threshold,
                chiSquaredPValue,
                verdictRule,
                smallSampleLimit);
    }

    public DriftThresholds withChiSquaredPValue(double threshold) {
        return new DriftThresholds(
                psi,
                jsDistance,
                wassersteinNorm,
                ksPValue,
                threshold,
                verdictRule,
                smallSampleLimit);
    }

    public DriftThresholds withVerdictRule(VerdictRule rule) {
        return new DriftThresholds(
                psi,
                jsDistance,
                wassersteinNorm,
                ksPValue,
                chiSquaredPValue,
                rule,
                smallSampleLimit);
    }

    public DriftThresholds withSmallSampleLimit(long limit) {
        return new DriftThresholds(
                psi, jsDistance, wassersteinNorm, ksPValue, chiSquaredPValue, verdictRule, limit);
    }

    private static void requirePositiveFinite(double value, String what) {
        if (!(value > 0.0 && value < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(
                    what + " must be positive and finite, but is " + value);
        }
    }

    private static void requireLevel(double value, String what) {
        if (!(value > 0.0 && value < 1.0)) {
            throw new IllegalArgumentException(what + " must be in (0, 1), but is " + value);
        }
    }
}
