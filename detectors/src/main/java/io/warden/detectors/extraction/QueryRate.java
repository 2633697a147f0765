package io.warden.detectors.extraction;

import java.io.Serializable;

/**
 * A client's query rate in event time, as an exponentially decaying count: each query adds 1, and
 * the count decays by e<sup>&minus;&Delta;t/&tau;</sup> as event time advances, so for a steady
 * rate &lambda; it settles at &lambda;&tau; and the rate estimate is count / &tau;. A burst of k
 * queries in much less than &tau; reads as k / &tau; at once. Extraction needs many queries
 * (thousands for Papernot et al.'s and Juuti et al.'s attacks), so a sustained high rate from one
 * client is a signal (Juuti et al., EuroS&amp;P 2019, Section V, discuss rate limiting as the
 * baseline defence).
 *
 * <p>No wall clock: the caller passes each query's event time (milliseconds). A query older than
 * the newest seen adds its decayed weight without moving the clock back, so the estimate does not
 * depend on arrival order beyond rounding. State: two numbers and two counters.
 *
 * @see ExtractionMonitor
 */
public final class QueryRate implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long timeConstantMillis;
    private final double maxQueriesPerSecond;

    /**
     * @param timeConstantMillis &tau; &gt; 0, the decay time constant (e.g. 60,000 for a rate over
     *     about the last minute)
     * @param maxQueriesPerSecond fire when the estimated rate exceeds this; &gt; 0
     */
    public QueryRate(long timeConstantMillis, double maxQueriesPerSecond) {
        if (timeConstantMillis <= 0) {
            throw new IllegalArgumentException(
                    "timeConstantMillis must be > 0, but is " + timeConstantMillis);
        }
        if (!(maxQueriesPerSecond > 0.0)) {
            throw new IllegalArgumentException(
                    "maxQueriesPerSecond must be > 0, but is " + maxQueriesPerSecond);
        }
        this.timeConstantMillis = timeConstantMillis;
        this.maxQueriesPerSecond = maxQueriesPerSecond;
    }

    /** The per-client state. */
    public static final class State implements Serializable {
        private static final long serialVersionUID = 1L;

        private double decayedCount;
        private long newestEventTime = Long.MIN_VALUE;
        private long queries;
        private long firstFiredAtQuery;

        /** A state for a client with no queries yet. */
        public State() {}
    }

    /** Reads one query at {@code eventTimeMillis} and returns the reading after it. */
    public SignalReading update(State state, long eventTimeMillis) {
        state.queries++;
        if (state.newestEventTime == Long.MIN_VALUE) {
            state.decayedCount = 1.0;
            state.newestEventTime = eventTimeMillis;
        } else if (eventTimeMillis >= state.newestEventTime) {
            double elapsed = (double) (eventTimeMillis - state.newestEventTime);
            state.decayedCount = state.decayedCount * Math.exp(-elapsed / timeConstantMillis) + 1.0;
            state.newestEventTime = eventTimeMillis;
        } else {
            double age = (double) (state.newestEventTime - eventTimeMillis);
            state.decayedCount += Math.exp(-age / timeConstantMillis);
        }
        double rate = state.decayedCount / (timeConstantMillis / 1000.0);
        boolean firing = rate > maxQueriesPerSecond;
        if (firing && state.firstFiredAtQuery == 0) {
            state.firstFiredAtQuery = state.queries;
        }
        return new SignalReading(
                ExtractionSignal.QUERY_RATE,
                rate,
                maxQueriesPerSecond,
                firing,
                state.firstFiredAtQuery);
    }

    /** The decay time constant &tau; in milliseconds. */
    public long timeConstantMillis() {
        return timeConstantMillis;
    }

    /** The rate above which the signal fires, in queries per second. */
    public double maxQueriesPerSecond() {
        return maxQueriesPerSecond;
    }
}
