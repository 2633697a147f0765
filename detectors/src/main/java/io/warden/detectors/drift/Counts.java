package io.warden.detectors.drift;

/** Validation and normalisation of count and weight vectors shared by the drift statistics. */
final class Counts {

    private Counts() {}

    /**
     * Each count divided by the total.
     *
     * @throws IllegalArgumentException if the array is empty, a count is negative or the total is 0
     */
    static double[] proportions(long[] counts, String what) {
        long total = total(counts, what);
        if (total == 0) {
            throw new IllegalArgumentException(what + " counts must not all be 0");
        }
        double[] p = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            p[i] = (double) counts[i] / total;
        }
        return p;
    }

    /**
     * The sum of the counts.
     *
     * @throws IllegalArgumentException if the array is empty, a count is negative or the sum
     *     overflows
     */
    static long total(long[] counts, String what) {
        if (counts.length == 0) {
            throw new IllegalArgumentException(what + " counts must not be empty");
        }
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException(
                        what + " count at index " + i + " must not be negative: " + counts[i]);
            }
            total = Math.addExact(total, counts[i]);
        }
        return total;
    }

    /**
     * The sum of non-negative finite weights.
     *
     * @throws IllegalArgumentException if the array is empty, a weight is negative, NaN or
     *     infinite, or the sum is 0
     */
    static double positiveTotal(double[] weights, String what) {
        if (weights.length == 0) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        double total = 0.0;
        for (int i = 0; i < weights.length; i++) {
            double w = weights[i];
            if (!(w >= 0.0 && w < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException(
                        what + " at index " + i + " must be finite and non-negative, but is " + w);
            }
            total += w;
        }
        if (!(total > 0.0 && total < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(
                    what + " must have a positive finite sum, but sums to " + total);
        }
        return total;
    }
}
