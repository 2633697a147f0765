package io.warden.jobs.monitor;

import io.warden.detectors.core.DetectorResult;
import io.warden.schemas.DetectorScore;

/** A detector's result as the contract's {@link DetectorScore} in alerts and score records. */
public final class Scores {
    private Scores() {}

    /** The result's detector, score, threshold, p-value (null when it has none) and flag. */
    public static DetectorScore of(DetectorResult r) {
        return of(r, r.flagged());
    }

    /** As {@link #of(DetectorResult)}, with the flag given (e.g. a signal still firing). */
    public static DetectorScore of(DetectorResult r, boolean flagged) {
        return new DetectorScore(
                r.detector(),
                r.score(),
                r.threshold(),
                Double.isNaN(r.pValue()) ? null : r.pValue(),
                flagged);
    }
}
