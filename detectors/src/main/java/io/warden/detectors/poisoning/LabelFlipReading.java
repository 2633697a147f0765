package io.warden.detectors.poisoning;

import io.warden.detectors.core.DetectorResult;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * One label-flip signal's reading after a record of a contributor.
 *
 * @param signal which signal
 * @param value the contributor's rate (disagreement signals) or top-pair share (concentration); NaN
 *     while it has no record the signal can read
 * @param baseline what the value is compared with: the population's (or expected) rate for the
 *     disagreement signals, the share threshold for the concentration
 * @param pValue the one-sided binomial p-value of the disagreement signals, NaN for the
 *     concentration or while it cannot be computed
 * @param threshold alpha for the disagreement signals (fires when {@code pValue <= threshold}), the
 *     share threshold for the concentration (fires when {@code value >= threshold})
 * @param evidence the windowed number of records the value rests on (disagreements for the
 *     concentration)
 * @param firing whether the signal fires after this record
 * @param firstFiredAtRecord the contributor's record count when the signal first fired, 0 if never
 */
public record LabelFlipReading(
        LabelFlipSignal signal,
        double value,
        double baseline,
        double pValue,
        double threshold,
        double evidence,
        boolean firing,
        long firstFiredAtRecord)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Requires a signal, a threshold that is a number and a consistent first-fire count. */
    public LabelFlipReading {
        boolean consistent =
                !Double.isNaN(threshold)
                        && firstFiredAtRecord >= 0
                        && (firstFiredAtRecord > 0 || !firing);
        if (!consistent) {
            throw new IllegalArgumentException(
                    Objects.requireNonNull(signal, "signal")
                            + ": the threshold must be a number, and a firing signal has fired"
                            + " at a record > 0");
        }
    }

    /** Whether the signal has fired at any record so far. */
    public boolean hasFired() {
        return firstFiredAtRecord > 0;
    }

    /**
     * As a {@link DetectorResult}: the disagreement signals carry their p-value (threshold alpha),
     * the concentration its share as the score with no p-value.
     */
    public DetectorResult toResult() {
        boolean known = !Double.isNaN(value);
        String detail =
                known
                        ? String.format(
                                Locale.ROOT,
                                "%.4g against %.4g over %.1f records",
                                value,
                                baseline,
                                evidence)
                        : "no record to read yet";
        String fired = hasFired() ? "; first fired at record " + firstFiredAtRecord : "";
        return new DetectorResult(
                signal.id(), known ? value : 0.0, threshold, pValue, firing, detail + fired);
    }
}
