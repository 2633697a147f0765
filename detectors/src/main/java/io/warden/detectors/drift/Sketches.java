package io.warden.detectors.drift;

import java.util.Objects;
import org.apache.datasketches.kll.KllDoublesSketch;

/** Small checks and facts about KLL sketches shared by the drift statistics. */
final class Sketches {

    private Sketches() {}

    static void requireNotEmpty(KllDoublesSketch sketch, String what) {
        Objects.requireNonNull(sketch, what);
        if (sketch.isEmpty()) {
            throw new IllegalArgumentException(what + " sketch must not be empty");
        }
    }

    /**
     * The a-priori bound on the sketch's normalized rank error for a single rank query
     * (DataSketches' {@code getNormalizedRankError(false)}: about 1.33% at k = 200, holding with
     * 99% confidence), or 0 when the sketch is not in estimation mode, because then it still holds
     * every item and its ranks are exact.
     */
    static double rankErrorBound(KllDoublesSketch sketch) {
        return sketch.isEstimationMode() ? sketch.getNormalizedRankError(false) : 0.0;
    }
}
