package io.warden.jobs.sequential;

import java.util.Comparator;

/**
 * A row waiting for the watermark: only what the detectors need, its signals' values on [0, 1] in
 * the order of {@link SequentialState#signals} (NaN: not available to that signal), with its event
 * time and request id, which order it. A Flink POJO.
 */
public class PendingRow {
    /**
     * The order in which a model version's rows reach its detectors: event time, then request id.
     * Sorts that use it must be stable, so that the rows of one batched request (same time and id,
     * which always arrive in row order, from the one subtask that scored the request) keep it.
     */
    static final Comparator<PendingRow> ORDER =
            Comparator.<PendingRow>comparingLong(r -> r.eventTime)
                    .thenComparing(
                            r -> r.requestId, Comparator.nullsFirst(Comparator.naturalOrder()));

    /** The request's event time (epoch milliseconds). */
    public long eventTime;

    public String requestId;

    /** One value per signal, on [0, 1]; NaN when the signal did not exist when the row came. */
    public double[] values;

    public PendingRow() {}

    PendingRow(long eventTime, String requestId, double[] values) {
        this.eventTime = eventTime;
        this.requestId = requestId;
        this.values = values;
    }
}
