package io.warden.detectors.poisoning;

import java.io.Serializable;

/**
 * Approximate counts of the most frequent (given label, predicted class) pairs of a contributor's
 * disagreements in a fixed number of counters: the Space-Saving algorithm of Metwally, Agrawal
 * &amp; El Abbadi ("Efficient computation of frequent and top-k elements in data streams", ICDT
 * 2005). A pair not held replaces the counter with the smallest count c and starts at c + 1 with
 * error c; every pair with more than 1/m of the stream holds a counter, and count &minus; error is
 * a lower bound of a held pair's true count. {@link #halve()} keeps the counts in step with a
 * {@link WindowedRate}. Memory: m ints and 2m doubles.
 */
final class PairCounts implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int[] keys;
    private final double[] counts;
    private final double[] errors;
    private int size;

    PairCounts(int capacity) {
        keys = new int[capacity];
        counts = new double[capacity];
        errors = new double[capacity];
    }

    void add(int key) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                counts[i] += 1.0;
                return;
            }
        }
        if (size < keys.length) {
            keys[size] = key;
            counts[size] = 1.0;
            errors[size] = 0.0;
            size++;
            return;
        }
        int smallest = 0;
        for (int i = 1; i < size; i++) {
            if (counts[i] < counts[smallest]) {
                smallest = i;
            }
        }
        keys[smallest] = key;
        errors[smallest] = counts[smallest];
        counts[smallest] += 1.0;
    }

    void halve() {
        for (int i = 0; i < size; i++) {
            counts[i] *= 0.5;
            errors[i] *= 0.5;
        }
    }

    /** The index of the counter with the largest guaranteed count, -1 when empty. */
    private int top() {
        int best = -1;
        for (int i = 0; i < size; i++) {
            if (best < 0 || counts[i] - errors[i] > counts[best] - errors[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The key of the pair with the largest guaranteed count, -1 when empty. */
    int topKey() {
        int top = top();
        return top < 0 ? -1 : keys[top];
    }

    /** The guaranteed (lower-bound) count of that pair, 0 when empty. */
    double topLowerBound() {
        int top = top();
        return top < 0 ? 0.0 : counts[top] - errors[top];
    }

    int capacity() {
        return keys.length;
    }
}
