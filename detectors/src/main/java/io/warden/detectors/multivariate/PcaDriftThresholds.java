package io.warden.detectors.multivariate;

import java.io.Serializable;

/**
 * NannyML-style alert thresholds for the mean PCA reconstruction error of a window of {@code
 * chunkSize} rows: the mean of reference chunk means plus and minus {@code multiplier} standard
 * deviations of them (NannyML's {@code StandardDeviationThreshold}: {@code np.mean} &plusmn; 3
 * {@code np.std}, <a
 * href="https://nannyml.readthedocs.io/en/stable/how_it_works/thresholds.html">How it works:
 * Thresholds</a>), the lower one clipped at 0, the error's lower limit.
 *
 * @param chunkSize rows per chunk, the window size the thresholds are for
 * @param chunks number of reference chunks the statistics come from
 * @param bootstrap whether the chunks were drawn with replacement (the reference error sample held
 *     fewer than {@value PcaDriftReference#MIN_DISJOINT_CHUNKS} disjoint chunks of this size)
 * @param mean mean of the reference chunk means
 * @param standardDeviation population standard deviation of the reference chunk means
 * @param multiplier how many standard deviations the thresholds lie from the mean
 * @param lower lower threshold, at least 0
 * @param upper upper threshold
 */
public record PcaDriftThresholds(
        int chunkSize,
        int chunks,
        boolean bootstrap,
        double mean,
        double standardDeviation,
        double multiplier,
        double lower,
        double upper)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Validates the fields: positive sizes, finite statistics, lower &le; upper. */
    public PcaDriftThresholds {
        if (chunkSize < 1 || chunks < 2) {
            throw new IllegalArgumentException(
                    "need a chunk size >= 1 and >= 2 chunks, have " + chunkSize + " and " + chunks);
        }
        if (!Double.isFinite(mean)
                || !(standardDeviation >= 0.0)
                || !Double.isFinite(standardDeviation)
                || !(multiplier > 0.0)
                || !(lower >= 0.0)
                || !(lower <= upper)
                || !Double.isFinite(upper)) {
            throw new IllegalArgumentException(
                    "invalid thresholds: mean="
                            + mean
                            + ", sd="
                            + standardDeviation
                            + ", multiplier="
                            + multiplier
                            + ", ["
                            + lower
                            + ", "
                            + upper
                            + "]");
        }
    }

    /** Whether a window's mean error lies outside [lower, upper]. */
    public boolean breachedBy(double meanError) {
        return meanError < lower || meanError > upper;
    }
}
