package io.warden.detectors.extraction;

import java.io.Serializable;

/**
 * The share of a client's recent queries that sit near a decision boundary: whose margin, the top
 * class probability minus the second, is below {@code maxMargin}. Boundary-seeking extraction
 * (Tramèr et al.'s line searches, USENIX Security 2016; Papernot et al.'s Jacobian augmentation,
 * AsiaCCS 2017, whose steps follow the gradient towards other classes) queries near the boundary
 * far more often than natural traffic, where most inputs are classified confidently. The signal
 * fires when more than {@code maxShare} of the last {@code window} queries are near the boundary,
 * once at least {@code minQueries} were seen.
 *
 * <p>State: a ring of one bit per query of the window and two counters.
 */
public final class NearBoundaryShare implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double maxMargin;
    private final int window;
    private final int minQueries;
    private final double maxShare;

    /**
     * @param maxMargin a query is near the boundary when its margin is below this; in (0, 1]
     * @param window the number of recent queries the share is over, &ge; 1
     * @param minQueries queries before the signal can fire, in [1, window]
     * @param maxShare fire when the share exceeds this; in [0, 1)
     */
    public NearBoundaryShare(double maxMargin, int window, int minQueries, double maxShare) {
        if (!(maxMargin > 0.0 && maxMargin <= 1.0)) {
            throw new IllegalArgumentException("maxMargin must be in (0, 1], but is " + maxMargin);
        }
        if (window < 1 || minQueries < 1 || minQueries > window) {
            throw new IllegalArgumentException(
                    "need 1 <= minQueries <= window, but minQueries is "
                            + minQueries
                            + " and window "
                            + window);
        }
        if (!(maxShare >= 0.0 && maxShare < 1.0)) {
            throw new IllegalArgumentException("maxShare must be in [0, 1), but is " + maxShare);
        }
        this.maxMargin = maxMargin;
        this.window = window;
        this.minQueries = minQueries;
        this.maxShare = maxShare;
    }

    /** The per-client state. */
    public static final class State implements Serializable {
        private static final long serialVersionUID = 1L;

        private final long[] nearBits;
        private int size;
        private int next;
        private int nearCount;
        private long queries;
        private long firstFiredAtQuery;

        State(int window) {
            this.nearBits = new long[(window + 63) / 64];
        }
    }

    /** A state for a client with no queries yet. */
    public State newState() {
        return new State(window);
    }

    /**
     * Reads one query's margin (top-1 minus top-2 probability) and returns the reading after it.
     */
    public SignalReading update(State state, double margin) {
        if (!(margin >= 0.0 && margin <= 1.0)) {
            throw new IllegalArgumentException("margin must be in [0, 1], but is " + margin);
        }
        if (state.nearBits.length != (window + 63) / 64) {
            throw new IllegalArgumentException("state was made for another window");
        }
        boolean near = margin < maxMargin;
        int word = state.next >>> 6;
        long bit = 1L << (state.next & 63);
        if (state.size == window) {
            if ((state.nearBits[word] & bit) != 0) {
                state.nearCount--;
            }
        } else {
            state.size++;
        }
        if (near) {
            state.nearBits[word] |= bit;
            state.nearCount++;
        } else {
            state.nearBits[word] &= ~bit;
        }
        state.next = (state.next + 1) % window;
        state.queries++;
        double share = (double) state.nearCount / state.size;
        boolean firing = state.size >= minQueries && share > maxShare;
        if (firing && state.firstFiredAtQuery == 0) {
            state.firstFiredAtQuery = state.queries;
        }
        return new SignalReading(
                ExtractionSignal.NEAR_BOUNDARY,
                state.size >= minQueries ? share : Double.NaN,
                maxShare,
                firing,
                state.firstFiredAtQuery);
    }

    /** The window length in queries. */
    public int window() {
        return window;
    }
}
