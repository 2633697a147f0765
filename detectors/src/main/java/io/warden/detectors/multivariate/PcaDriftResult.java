package io.warden.detectors.multivariate;

import io.warden.detectors.core.DetectorResult;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * The verdict of the PCA reconstruction-error drift test on one window.
 *
 * @param meanError the window's mean reconstruction error
 * @param rows number of rows in the window
 * @param thresholds the thresholds for a window of that many rows
 * @param drifted whether the mean error lies outside the thresholds
 */
public record PcaDriftResult(
        double meanError, int rows, PcaDriftThresholds thresholds, boolean drifted)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The detector id in {@link DetectorResult}s: {@value}. */
    public static final String DETECTOR = "multivariate.pca";

    /** Requires a verdict that agrees with the thresholds. */
    public PcaDriftResult {
        Objects.requireNonNull(thresholds, "thresholds");
        if (Double.isNaN(meanError) || rows < 1) {
            throw new IllegalArgumentException(
                    "need a mean error and at least one row, have " + meanError + ", " + rows);
        }
        if (drifted != thresholds.breachedBy(meanError)) {
            throw new IllegalArgumentException(
                    "drifted must be true exactly when outside thresholds");
        }
    }

    /**
     * This result as a {@link DetectorResult}: score the mean error, threshold the bound it was
     * compared with (the lower one when below it, otherwise the upper one), no p-value.
     */
    public DetectorResult toDetectorResult() {
        boolean below = meanError < thresholds.lower();
        double threshold = below ? thresholds.lower() : thresholds.upper();
        String explanation =
                String.format(
                        Locale.ROOT,
                        "mean PCA reconstruction error %.4g over %d rows %s [%.4g, %.4g]"
                                + " (reference chunk mean %.4g, sd %.3g)",
                        meanError,
                        rows,
                        drifted ? (below ? "below" : "above") : "within",
                        thresholds.lower(),
                        thresholds.upper(),
                        thresholds.mean(),
                        thresholds.standardDeviation());
        return new DetectorResult(
                DETECTOR, meanError, threshold, DetectorResult.NO_P_VALUE, drifted, explanation);
    }
}
