package io.warden.jobs.sequential;

import io.warden.detectors.sequential.Adwin;
import io.warden.detectors.sequential.ChangeDetector;
import io.warden.detectors.sequential.PageHinkley;

/**
 * The checkpointed state of one signal's detector for one model version: the detector's own
 * explicit state ({@link Adwin.State} or {@link PageHinkley.State}, Java records that Flink 1.19+
 * serializes as POJOs) and the bookkeeping around it. Row numbers count the values this signal has
 * read for the model version since its state began. A Flink POJO; bounded: ADWIN's state grows with
 * the logarithm of its window (at most 90 buckets for a million rows), Page-Hinkley's is fixed.
 */
public class SignalState {
    /** No event time yet. */
    static final long NO_TIME = Long.MIN_VALUE;

    /** The signal's configured name. */
    public String signal;

    /** {@code adwin} or {@code page-hinkley}: which of the two states below is set. */
    public String detector;

    /** Values read so far: the next value is row {@code rows}. */
    public long rows;

    /** The row of the detector's value #0: where it started after its last reset. */
    public long start;

    /** Event time of that row; {@link #NO_TIME} before it came. */
    public long startTime = NO_TIME;

    /** No alarm before this row (the cooldown after the last alarm). */
    public long quietUntil;

    public Adwin.State adwin;
    public PageHinkley.State pageHinkley;

    public SignalState() {}

    static SignalState fresh(String signal, String detector) {
        SignalState s = new SignalState();
        s.signal = signal;
        s.detector = detector;
        return s;
    }

    /** Puts this state into a detector of its kind built with the configured parameters. */
    void restoreInto(ChangeDetector d) {
        if (adwin != null) {
            d.restore(adwin);
        } else if (pageHinkley != null) {
            d.restore(pageHinkley);
        } else {
            d.reset();
        }
    }

    /** Takes the detector's state. */
    void storeFrom(ChangeDetector d) {
        ChangeDetector.State s = d.snapshot();
        adwin = s instanceof Adwin.State a ? a : null;
        pageHinkley = s instanceof PageHinkley.State p ? p : null;
    }
}
