package io.warden.detectors.multivariate;

import io.warden.detectors.core.DetectorResult;
import java.io.Serializable;
import java.util.Locale;

/**
 * The verdict of an {@link Mmd} two-sample test of a window against the reference.
 *
 * @param mmd2 the unbiased estimate of the squared maximum mean discrepancy, MMD&sup2;<sub>u</sub>
 *     (may be slightly negative when the samples agree)
 * @param pValue the permutation p-value, (1 + #{permuted &ge; observed}) / (1 + permutations)
 * @param alpha the significance level the p-value was compared with
 * @param criticalValue the MMD&sup2;<sub>u</sub> the statistic had to exceed, from the permutation
 *     distribution: {@code drifted == (mmd2 > criticalValue)}; +&infin; when alpha is below the
 *     smallest attainable p-value
 * @param drifted whether {@code pValue <= alpha}
 * @param bandwidth the Gaussian kernel's bandwidth &sigma;
 * @param permutations number of permutations
 * @param referenceSize number of reference rows used
 * @param windowSize number of window rows used
 */
public record MmdResult(
        double mmd2,
        double pValue,
        double alpha,
        double criticalValue,
        boolean drifted,
        double bandwidth,
        int permutations,
        int referenceSize,
        int windowSize)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The detector id in {@link DetectorResult}s: {@value}. */
    public static final String DETECTOR = "multivariate.mmd";

    /** Validates the fields, including that the verdict agrees with the p-value. */
    public MmdResult {
        if (Double.isNaN(mmd2) || Double.isNaN(criticalValue)) {
            throw new IllegalArgumentException("statistic and critical value must not be NaN");
        }
        if (!(pValue > 0.0 && pValue <= 1.0) || !(alpha > 0.0 && alpha < 1.0)) {
            throw new IllegalArgumentException(
                    "p-value must be in (0, 1] and alpha in (0, 1), have " + pValue + ", " + alpha);
        }
        if (drifted != (pValue <= alpha)) {
            throw new IllegalArgumentException("drifted must be true exactly when pValue <= alpha");
        }
        if (!(bandwidth > 0.0) || permutations < 1 || referenceSize < 2 || windowSize < 2) {
            throw new IllegalArgumentException("invalid bandwidth, permutations or sizes");
        }
    }

    /** This result as a {@link DetectorResult}: score MMD&sup2;, threshold alpha, the p-value. */
    public DetectorResult toDetectorResult() {
        String explanation =
                String.format(
                        Locale.ROOT,
                        "MMD^2 %.4g (critical %.4g), permutation p-value %.2g %s %.2g"
                                + " (%d window vs %d reference rows, bandwidth %.3g)",
                        mmd2,
                        criticalValue,
                        pValue,
                        drifted ? "<=" : ">",
                        alpha,
                        windowSize,
                        referenceSize,
                        bandwidth);
        return new DetectorResult(DETECTOR, mmd2, alpha, pValue, drifted, explanation);
    }
}
