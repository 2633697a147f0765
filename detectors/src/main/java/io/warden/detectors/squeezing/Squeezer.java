package io.warden.detectors.squeezing;

import java.io.Serializable;

/**
 * Reduces the degrees of freedom of one input row, so that an adversarial perturbation, which
 * relies on many small changes, is mostly undone while a natural input barely changes (Xu, Evans
 * &amp; Qi, NDSS 2018).
 */
public sealed interface Squeezer extends Serializable
        permits BitDepthReduction, MedianSmoothing, Rounding {

    /** A short name for scores and alerts, e.g. {@code bit-depth-4}. */
    String name();

    /**
     * Writes the squeezed copy of {@code in[from, from + width)} to {@code out[to, to + width)}.
     * The ranges must not overlap.
     */
    void squeeze(float[] in, int from, float[] out, int to, int width);
}
