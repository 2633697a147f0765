package io.warden.detectors.extraction;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The per-client state of a {@link PradaDetector}: plain arrays and numbers, {@link Serializable},
 * meant for keyed state (one per client, e.g. a Flink {@code ValueState} with TTL). It holds no
 * parameters; the detector that updates it does, and checks on every update that the state fits it
 * (same feature count and class count).
 *
 * <p><b>What it holds</b> (G<sub>c</sub>, D<sub>G<sub>c</sub></sub>, T<sub>c</sub> and D in the
 * notation of Juuti et al., EuroS&amp;P 2019, Algorithm 1):
 *
 * <ul>
 *   <li>per predicted class c, the growing set G<sub>c</sub>: at most {@code maxGrowingSetPerClass}
 *       earlier queries, scaled, as {@code float}s, first-in first-out once full; the count, mean
 *       and sum of squared deviations of the distances that admitted them
 *       (D<sub>G<sub>c</sub></sub>, kept as running moments rather than values) and the class
 *       threshold T<sub>c</sub>;
 *   <li>the most recent {@code distanceWindow} minimum distances D, as a ring of {@code double}s;
 *   <li>the query count, the last Shapiro-Wilk result and the query count at the first flag.
 * </ul>
 *
 * <p><b>Size.</b> At most 4 &middot; features &middot; &Sigma;<sub>c</sub> min(queries of class c,
 * maxGrowingSetPerClass) + 8 &middot; distanceWindow + 36 &middot; classes + about 100 bytes of
 * numbers. Arrays grow on demand (doubling) up to those caps, so a client with few queries holds
 * little; classes a client never hit hold nothing but their slot.
 */
public final class PradaState implements Serializable {

    private static final long serialVersionUID = 1L;

    final int featureCount;
    long queries;

    final float[][] growingSets;
    final int[] growingSizes;
    final int[] growingNext;
    final long[] admittedCounts;
    final double[] admittedMeans;
    final double[] admittedSquaredDeviations;
    final double[] thresholds;

    double[] distances;
    int distanceCount;
    int distanceNext;
    int distancesSinceTest;

    double lastW = Double.NaN;
    double lastPValue = Double.NaN;
    int lastTestedDistances;
    boolean flagged;
    long firstFlaggedAtQuery;

    PradaState(int featureCount, int classCount) {
        this.featureCount = featureCount;
        this.growingSets = new float[classCount][];
        this.growingSizes = new int[classCount];
        this.growingNext = new int[classCount];
        this.admittedCounts = new long[classCount];
        this.admittedMeans = new double[classCount];
        this.admittedSquaredDeviations = new double[classCount];
        this.thresholds = new double[classCount];
        this.distances = new double[0];
    }

    /** Queries seen from this client. */
    public long queries() {
        return queries;
    }

    /** Number of classes the state has slots for. */
    public int classCount() {
        return growingSizes.length;
    }

    /** Width of the stored queries. */
    public int featureCount() {
        return featureCount;
    }

    /** Queries currently stored in the growing set of a class. */
    public int growingSetSize(int predictedClass) {
        return growingSizes[predictedClass];
    }

    /** Queries currently stored over all classes. */
    public int storedQueries() {
        int total = 0;
        for (int size : growingSizes) {
            total += size;
        }
        return total;
    }

    /** Minimum distances currently in the window D. */
    public int distanceCount() {
        return distanceCount;
    }

    /** The threshold T<sub>c</sub> a query of the class must exceed to join its growing set. */
    public double threshold(int predictedClass) {
        return thresholds[predictedClass];
    }

    /** The distances in D, oldest first (a copy). */
    public double[] distances() {
        double[] copy = new double[distanceCount];
        int start = distanceCount < distances.length ? 0 : distanceNext;
        for (int i = 0; i < distanceCount; i++) {
            copy[i] = distances[(start + i) % distances.length];
        }
        return copy;
    }

    /** Whether the last Shapiro-Wilk test flagged this client. */
    public boolean flagged() {
        return flagged;
    }

    /** The query count at which this client was first flagged, 0 if never. */
    public long firstFlaggedAtQuery() {
        return firstFlaggedAtQuery;
    }

    /** Capacity, in floats, of the arrays holding stored queries (for memory accounting). */
    public long storedFloatCapacity() {
        long total = 0;
        for (float[] set : growingSets) {
            total += set == null ? 0 : set.length;
        }
        return total;
    }

    /** Capacity, in doubles, of the ring holding D (for memory accounting). */
    public int distanceCapacity() {
        return distances.length;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        try {
            validate();
        } catch (RuntimeException e) {
            InvalidObjectException invalid =
                    new InvalidObjectException("invalid PradaState: " + e.getMessage());
            invalid.initCause(e);
            throw invalid;
        }
    }

    /** Checks that the arrays and counters are consistent. */
    void validate() {
        int classes = growingSizes.length;
        if (featureCount < 1
                || queries < 0
                || growingSets.length != classes
                || growingNext.length != classes
                || admittedCounts.length != classes
                || admittedMeans.length != classes
                || admittedSquaredDeviations.length != classes
                || thresholds.length != classes) {
            throw new IllegalArgumentException("per-class arrays disagree in length");
        }
        for (int c = 0; c < classes; c++) {
            int capacity = growingSets[c] == null ? 0 : growingSets[c].length / featureCount;
            if (growingSets[c] != null && growingSets[c].length % featureCount != 0) {
                throw new IllegalArgumentException("growing set of class " + c + " is ragged");
            }
            if (growingSizes[c] < 0
                    || growingSizes[c] > capacity
                    || growingNext[c] < 0
                    || (capacity > 0 && growingNext[c] >= capacity)) {
                throw new IllegalArgumentException("growing set of class " + c + " out of range");
            }
            if (admittedCounts[c] < growingSizes[c] || !(thresholds[c] >= 0.0)) {
                throw new IllegalArgumentException("class " + c + " statistics are inconsistent");
            }
        }
        if (distances == null
                || distanceCount < 0
                || distanceCount > distances.length
                || distanceNext < 0
                || (distances.length > 0 && distanceNext >= distances.length)
                || distanceCount > queries) {
            throw new IllegalArgumentException("distance window out of range");
        }
        for (int i = 0; i < distanceCount; i++) {
            if (!(distances[i] >= 0.0 && distances[i] < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("distance " + i + " is not a finite value >= 0");
            }
        }
        if (firstFlaggedAtQuery < 0 || firstFlaggedAtQuery > queries) {
            throw new IllegalArgumentException("first flag after the last query");
        }
    }

    @Override
    public String toString() {
        return "PradaState[queries="
                + queries
                + ", stored="
                + storedQueries()
                + ", distances="
                + distanceCount
                + ", W="
                + lastW
                + ", flagged="
                + flagged
                + ", firstFlaggedAtQuery="
                + firstFlaggedAtQuery
                + ", thresholds="
                + Arrays.toString(thresholds)
                + "]";
    }
}
