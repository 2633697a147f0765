package io.warden.detectors.extraction;

import io.warden.detectors.core.DetectorResult;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * One extraction signal's reading after a query of a client.
 *
 * @param signal which signal
 * @param value its current value (NaN while it has too few queries to say)
 * @param threshold the value it is compared with; the direction is the signal's (see {@link
 *     ExtractionSignal})
 * @param firing whether the signal fires after this query
 * @param firstFiredAtQuery the client's query count when the signal first fired, 0 if never
 */
public record SignalReading(
        ExtractionSignal signal,
        double value,
        double threshold,
        boolean firing,
        long firstFiredAtQuery)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Requires a signal, a threshold that is a number and a non-negative first-fire count. */
    public SignalReading {
        Objects.requireNonNull(signal, "signal");
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold of " + signal + " must not be NaN");
        }
        if (firstFiredAtQuery < 0) {
            throw new IllegalArgumentException("firstFiredAtQuery must be >= 0");
        }
        if (firing && firstFiredAtQuery == 0) {
            throw new IllegalArgumentException("a firing signal has fired at some query");
        }
    }

    /** Whether the signal has fired at any query so far. */
    public boolean hasFired() {
        return firstFiredAtQuery > 0;
    }

    /**
     * As a {@link DetectorResult}: score is the value (the threshold itself, unflagged, while the
     * signal has too few queries), no calibrated p-value.
     */
    public DetectorResult toResult() {
        boolean known = !Double.isNaN(value);
        String explanation =
                String.format(
                        Locale.ROOT,
                        "%s %s threshold %.4g%s",
                        known ? String.format(Locale.ROOT, "%.4g", value) : "too few queries,",
                        known ? (firing ? "crosses" : "within") : "",
                        threshold,
                        hasFired() ? "; first fired at query " + firstFiredAtQuery : "");
        return new DetectorResult(
                signal.id(),
                known ? value : threshold,
                threshold,
                DetectorResult.NO_P_VALUE,
                firing,
                explanation.replace("  ", " "));
    }
}
