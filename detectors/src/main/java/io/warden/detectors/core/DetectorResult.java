package io.warden.detectors.core;

import java.io.Serializable;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One detector's judgement of one subject (a request, a window, a client): its score, the threshold
 * it was compared with, an optional calibrated p-value, the verdict and a one-line explanation.
 *
 * <p>The fields mirror the {@code DetectorScore} contract on the wire, so an operator can copy a
 * result into an alert without translation.
 *
 * <p><b>p-value.</b> {@link #pValue()} is a primitive {@code double} and {@link Double#NaN} means
 * "this detector has no p-value" (a raw-score detector). The primitive keeps results cheap on the
 * per-request hot path and maps directly to the nullable {@code p_value} field; use {@link
 * #hasPValue()} or {@link #pValueIfPresent()} instead of comparing with {@code NaN}.
 *
 * <p><b>Threshold.</b> When a p-value is present, {@link #threshold()} is on the p-value scale and
 * the result is flagged when {@code pValue <= threshold}; otherwise it is on the score's own scale
 * and its comparison is the detector's documented rule.
 *
 * @param detector the detector's id, e.g. {@code "confidence.msp"}; not blank
 * @param score the detector's statistic in its own units; not NaN
 * @param threshold the value the p-value (when present) or the score was compared with; not NaN
 * @param pValue calibrated p-value in [0, 1], or {@code NaN} for none
 * @param flagged whether the verdict is anomalous
 * @param explanation one human-readable line saying why; not null, no line breaks
 */
public record DetectorResult(
        String detector,
        double score,
        double threshold,
        double pValue,
        boolean flagged,
        String explanation)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The {@link #pValue()} of a result that has none. */
    public static final double NO_P_VALUE = Double.NaN;

    /** Validates the fields; see the record's description for the rules. */
    public DetectorResult {
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(explanation, "explanation");
        if (detector.isBlank()) {
            throw new IllegalArgumentException("detector id must not be blank");
        }
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("score of " + detector + " must not be NaN");
        }
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold of " + detector + " must not be NaN");
        }
        if (!Double.isNaN(pValue) && !(pValue >= 0.0 && pValue <= 1.0)) {
            throw new IllegalArgumentException(
                    "p-value of "
                            + detector
                            + " must be in [0, 1] or NaN for none, but is "
                            + pValue);
        }
        if (explanation.indexOf('\n') >= 0 || explanation.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(
                    "explanation of " + detector + " must be a single line");
        }
    }

    /** Whether this result carries a calibrated p-value. */
    public boolean hasPValue() {
        return !Double.isNaN(pValue);
    }

    /** The p-value, or empty for a detector without one. */
    public OptionalDouble pValueIfPresent() {
        return hasPValue() ? OptionalDouble.of(pValue) : OptionalDouble.empty();
    }
}
