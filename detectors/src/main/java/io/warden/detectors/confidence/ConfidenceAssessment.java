package io.warden.detectors.confidence;

import io.warden.detectors.core.DetectorResult;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The verdict of {@link ConfidenceAnomalyDetector} on one prediction: the prediction's {@link
 * Confidence}, one {@link DetectorResult} per signal, and the overall verdict, which is flagged
 * exactly when at least one signal is.
 *
 * @param confidence the statistics of the assessed output
 * @param msp the max-softmax-probability signal ({@code "confidence.msp"})
 * @param entropy the entropy signal ({@code "confidence.entropy"})
 * @param margin the margin signal ({@code "confidence.margin"})
 * @param flagged whether any signal is flagged
 * @param explanation one line: the most significant signal and its p-value
 */
public record ConfidenceAssessment(
        Confidence confidence,
        DetectorResult msp,
        DetectorResult entropy,
        DetectorResult margin,
        boolean flagged,
        String explanation)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Requires every part, and an overall verdict that agrees with the signals'. */
    public ConfidenceAssessment {
        Objects.requireNonNull(confidence, "confidence");
        Objects.requireNonNull(msp, "msp");
        Objects.requireNonNull(entropy, "entropy");
        Objects.requireNonNull(margin, "margin");
        Objects.requireNonNull(explanation, "explanation");
        if (flagged != (msp.flagged() || entropy.flagged() || margin.flagged())) {
            throw new IllegalArgumentException(
                    "flagged must be true exactly when a signal is flagged");
        }
    }

    /** The three signals' results, in the order msp, entropy, margin. */
    public List<DetectorResult> results() {
        return List.of(msp, entropy, margin);
    }

    /**
     * The signal with the smallest p-value (the first of them on ties, in the order msp, entropy,
     * margin).
     */
    public DetectorResult mostSignificant() {
        return mostSignificant(msp, entropy, margin);
    }

    static DetectorResult mostSignificant(
            DetectorResult msp, DetectorResult entropy, DetectorResult margin) {
        DetectorResult best = msp;
        if (entropy.pValue() < best.pValue()) {
            best = entropy;
        }
        if (margin.pValue() < best.pValue()) {
            best = margin;
        }
        return best;
    }

    /** The smallest of the three p-values. */
    public double smallestPValue() {
        return mostSignificant().pValue();
    }
}
