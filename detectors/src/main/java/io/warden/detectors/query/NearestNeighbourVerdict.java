package io.warden.detectors.query;

import io.warden.detectors.core.DetectorResult;
import java.io.Serializable;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The verdict of a {@link NearestNeighbourQueryDetector} on one query of one client.
 *
 * @param query the client's query count including this one (1 for its first query)
 * @param scored whether the client's buffer held at least k earlier queries, so that a distance was
 *     computed; an unscored query is never flagged
 * @param meanDistance the mean L2 distance, in normalised units, from the query to its k nearest
 *     earlier queries in the buffer; +&infin; when not scored
 * @param threshold the distance below which a query is flagged
 * @param neighbours k
 * @param flagged whether {@code scored && meanDistance < threshold}
 * @param firstDetectionQuery the client's query count at its first flagged query (this one or an
 *     earlier one), 0 while none was flagged
 */
public record NearestNeighbourVerdict(
        long query,
        boolean scored,
        double meanDistance,
        double threshold,
        int neighbours,
        boolean flagged,
        long firstDetectionQuery)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Validates the fields, including that the verdict agrees with the distance. */
    public NearestNeighbourVerdict {
        if (query < 1 || neighbours < 1) {
            throw new IllegalArgumentException("query and neighbours must be at least 1");
        }
        if (scored ? !(meanDistance >= 0.0) : meanDistance != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    "mean distance must be non-negative when scored and +infinity otherwise,"
                            + " but is "
                            + meanDistance);
        }
        if (!(threshold >= 0.0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite and not negative");
        }
        if (flagged != (scored && meanDistance < threshold)) {
            throw new IllegalArgumentException(
                    "flagged must be true exactly when a scored distance is below the threshold");
        }
        if (firstDetectionQuery < 0
                || firstDetectionQuery > query
                || (flagged && firstDetectionQuery == 0)) {
            throw new IllegalArgumentException(
                    "firstDetectionQuery must be in [0, query] and set once flagged");
        }
    }

    /** Queries the client sent up to and including its first flagged one; empty if none yet. */
    public OptionalLong queriesToDetection() {
        return firstDetectionQuery == 0
                ? OptionalLong.empty()
                : OptionalLong.of(firstDetectionQuery);
    }

    /**
     * This verdict as a {@link DetectorResult}: score the mean distance (+&infin; when not scored),
     * threshold the distance threshold (flagged when the score is below it), no p-value. An
     * unscored verdict says nothing about the client yet; an operator need not emit it.
     */
    public DetectorResult toDetectorResult() {
        String explanation =
                scored
                        ? String.format(
                                Locale.ROOT,
                                "query %d: mean distance to its %d nearest earlier queries %.4g %s"
                                        + " threshold %.4g",
                                query,
                                neighbours,
                                meanDistance,
                                flagged ? "below" : "not below",
                                threshold)
                        : String.format(
                                Locale.ROOT,
                                "query %d: fewer than %d earlier queries to compare with",
                                query,
                                neighbours);
        return new DetectorResult(
                NearestNeighbourQueryDetector.DETECTOR,
                meanDistance,
                threshold,
                DetectorResult.NO_P_VALUE,
                flagged,
                explanation);
    }
}
