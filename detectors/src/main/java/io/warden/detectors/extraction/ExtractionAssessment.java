package io.warden.detectors.extraction;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The verdict of an {@link ExtractionMonitor} after one query of a client: each signal's reading
 * (value, threshold, whether it fires now, the query count at which it first fired) and PRADA's
 * detail.
 *
 * @param queries queries seen from the client, this one included
 * @param prada PRADA's verdict, with its Shapiro-Wilk W and p-value
 * @param signals one reading per {@link ExtractionSignal}, in the enum's order
 */
public record ExtractionAssessment(long queries, PradaVerdict prada, List<SignalReading> signals)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Requires one reading per signal, in the enum's order. */
    public ExtractionAssessment {
        Objects.requireNonNull(prada, "prada");
        signals = List.copyOf(signals);
        ExtractionSignal[] all = ExtractionSignal.values();
        if (signals.size() != all.length) {
            throw new IllegalArgumentException("need one reading per signal");
        }
        for (int i = 0; i < all.length; i++) {
            if (signals.get(i).signal() != all[i]) {
                throw new IllegalArgumentException("readings must follow ExtractionSignal's order");
            }
        }
    }

    /** The reading of one signal. */
    public SignalReading reading(ExtractionSignal signal) {
        return signals.get(signal.ordinal());
    }

    /** Whether any signal fires after this query. */
    public boolean flagged() {
        return signals.stream().anyMatch(SignalReading::firing);
    }

    /** The signals firing after this query. */
    public List<SignalReading> firing() {
        return signals.stream().filter(SignalReading::firing).toList();
    }

    /** The signals that have fired at some query so far. */
    public List<SignalReading> fired() {
        return signals.stream().filter(SignalReading::hasFired).toList();
    }

    /** The query count at which the first signal fired, empty if none has. */
    public OptionalLong firstFiredAtQuery() {
        return signals.stream()
                .filter(SignalReading::hasFired)
                .mapToLong(SignalReading::firstFiredAtQuery)
                .min();
    }
}
