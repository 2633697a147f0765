package io.warden.detectors.extraction;

import java.io.Serializable;

/**
 * How evenly a client's queries cover the model's classes: the entropy of the predicted-class
 * counts divided by ln K (K classes), in [0, 1]. Extraction attacks aim to learn every decision
 * boundary and so spread their queries over all classes (Papernot et al.'s augmentation and Juuti
 * et al.'s T-RND target each class in turn, EuroS&amp;P 2019, Section III), while a benign client
 * usually asks about its own few classes. The signal fires when the normalised entropy reaches the
 * threshold after at least {@code minQueries} queries. It only separates clients where benign
 * traffic is concentrated; on a model whose benign clients ask about every class evenly, disable it
 * with a threshold above 1.
 *
 * <p>State: one count per class and the total.
 */
public final class ClassCoverage implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int classCount;
    private final long minQueries;
    private final double minNormalizedEntropy;

    /**
     * @param classCount K &ge; 2
     * @param minQueries queries before the signal can fire, &ge; 1
     * @param minNormalizedEntropy fire when the normalised entropy is at least this; in (0, 1], or
     *     above 1 to never fire
     */
    public ClassCoverage(int classCount, long minQueries, double minNormalizedEntropy) {
        if (classCount < 2) {
            throw new IllegalArgumentException(
                    "classCount must be at least 2, but is " + classCount);
        }
        if (minQueries < 1) {
            throw new IllegalArgumentException(
                    "minQueries must be at least 1, but is " + minQueries);
        }
        if (!(minNormalizedEntropy > 0.0)) {
            throw new IllegalArgumentException(
                    "minNormalizedEntropy must be > 0, but is " + minNormalizedEntropy);
        }
        this.classCount = classCount;
        this.minQueries = minQueries;
        this.minNormalizedEntropy = minNormalizedEntropy;
    }

    /** The per-client state. */
    public static final class State implements Serializable {
        private static final long serialVersionUID = 1L;

        private final long[] counts;
        private long queries;
        private long firstFiredAtQuery;

        State(int classCount) {
            this.counts = new long[classCount];
        }
    }

    /** A state for a client with no queries yet. */
    public State newState() {
        return new State(classCount);
    }

    /** Reads one query's predicted class and returns the reading after it. */
    public SignalReading update(State state, int predictedClass) {
        if (predictedClass < 0 || predictedClass >= classCount) {
            throw new IllegalArgumentException(
                    "predicted class must be in [0, " + classCount + "), but is " + predictedClass);
        }
        if (state.counts.length != classCount) {
            throw new IllegalArgumentException("state was made for another class count");
        }
        state.counts[predictedClass]++;
        state.queries++;
        double entropy = normalizedEntropy(state.counts, state.queries);
        boolean firing = state.queries >= minQueries && entropy >= minNormalizedEntropy;
        if (firing && state.firstFiredAtQuery == 0) {
            state.firstFiredAtQuery = state.queries;
        }
        return new SignalReading(
                ExtractionSignal.CLASS_COVERAGE,
                state.queries >= minQueries ? entropy : Double.NaN,
                minNormalizedEntropy,
                firing,
                state.firstFiredAtQuery);
    }

    /** &minus;&Sigma; p ln p / ln K of the counts, which sum to {@code total} &gt; 0. */
    static double normalizedEntropy(long[] counts, long total) {
        double entropy = 0.0;
        for (long count : counts) {
            if (count > 0) {
                double p = (double) count / total;
                entropy -= p * Math.log(p);
            }
        }
        return Math.min(1.0, entropy / Math.log(counts.length));
    }

    /** Number of classes. */
    public int classCount() {
        return classCount;
    }
}
