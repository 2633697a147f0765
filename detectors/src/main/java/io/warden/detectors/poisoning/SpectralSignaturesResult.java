package io.warden.detectors.poisoning;

import io.warden.detectors.core.DetectorResult;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * What {@link SpectralSignatures} found in one window. Arrays are copied in and out.
 *
 * @param scores each row's outlier score, its squared projection on the top singular vector
 * @param flagged indices of the flagged rows, ascending; empty unless the window is separated
 * @param candidates m = &lceil;1.5 &epsilon; n&rceil;, the number of top-scoring rows that are
 *     flagged when the window is separated
 * @param separation G, the candidates' mean score over the window's median score
 * @param requiredSeparation the guard's threshold, separationFactor &middot; G<sub>0</sub>
 * @param separated whether G reached the threshold
 * @param topSingularValue the largest singular value of the centred window
 * @param topSingularVector its right singular vector, unit length, largest-magnitude entry positive
 */
public record SpectralSignaturesResult(
        double[] scores,
        int[] flagged,
        int candidates,
        double separation,
        double requiredSeparation,
        boolean separated,
        double topSingularValue,
        double[] topSingularVector)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Copies the arrays. */
    public SpectralSignaturesResult {
        scores = scores.clone();
        flagged = flagged.clone();
        topSingularVector = topSingularVector.clone();
    }

    @Override
    public double[] scores() {
        return scores.clone();
    }

    @Override
    public int[] flagged() {
        return flagged.clone();
    }

    @Override
    public double[] topSingularVector() {
        return topSingularVector.clone();
    }

    /** Whether row i is flagged. */
    public boolean isFlagged(int i) {
        return Arrays.binarySearch(flagged, i) >= 0;
    }

    /**
     * The window's verdict as a {@link DetectorResult}: score the separation G, threshold the
     * guard's, flagged when the window is separated (its flagged rows are in {@link #flagged()}).
     */
    public DetectorResult toResult() {
        return new DetectorResult(
                SpectralSignatures.ID,
                Double.isInfinite(separation) ? Double.MAX_VALUE : separation,
                requiredSeparation,
                DetectorResult.NO_P_VALUE,
                separated,
                String.format(
                        Locale.ROOT,
                        "top-%d mean score / median %.4g %s %.4g: %d of %d rows flagged",
                        candidates,
                        separation,
                        separated ? ">=" : "<",
                        requiredSeparation,
                        flagged.length,
                        scores.length));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SpectralSignaturesResult other)) {
            return false;
        }
        double[] mine = {
            candidates, separated ? 1 : 0, separation, requiredSeparation, topSingularValue
        };
        double[] theirs = {
            other.candidates,
            other.separated ? 1 : 0,
            other.separation,
            other.requiredSeparation,
            other.topSingularValue
        };
        return Arrays.equals(mine, theirs)
                && Arrays.equals(scores, other.scores)
                && Arrays.equals(flagged, other.flagged)
                && Arrays.equals(topSingularVector, other.topSingularVector);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(scores) + Arrays.hashCode(flagged);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "SpectralSignaturesResult[n=%d, flagged=%s, separation=%.4g, required=%.4g]",
                scores.length,
                Arrays.toString(flagged),
                separation,
                requiredSeparation);
    }
}
