package io.warden.detectors.drift;

import java.util.Arrays;
import java.util.Objects;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSortedView;

/**
 * A weighted empirical distribution as a step CDF: ascending values with their inclusive cumulative
 * weights. It is what a KLL sketch's sorted view represents, and a plain sample is the special case
 * of unit weights, so the two-sample statistics (Kolmogorov-Smirnov D, 1-Wasserstein) are written
 * once, as a merge walk over two of these, and are exact for whatever distributions the two objects
 * represent.
 *
 * <p>Values may repeat (a sketch's sorted view keeps equal items apart); the CDF at x is the
 * cumulative weight of the last value {@code <= x}, divided by the total weight. Instances are
 * immutable after construction; the arrays are never exposed.
 */
final class StepCdf {

    /** Ascending, no NaN. */
    private final double[] values;

    /** Inclusive cumulative weights, non-decreasing, last = total; null for unit weights. */
    private final long[] cumulativeWeights;

    /** The CDF at values[i]: cumulative weight / total, precomputed so the walks do not divide. */
    private final double[] cdf;

    private final long total;

    private StepCdf(double[] values, long[] cumulativeWeights, long total) {
        this.values = values;
        this.cumulativeWeights = cumulativeWeights;
        this.total = total;
        this.cdf = new double[values.length];
        double n = total;
        for (int i = 0; i < values.length; i++) {
            cdf[i] = cumulativeWeight(i) / n;
        }
    }

    /**
     * The distribution of a sample (unit weights). The array is copied and sorted.
     *
     * @throws IllegalArgumentException if the sample is empty or holds a NaN
     */
    static StepCdf ofSample(double[] sample, String what) {
        Objects.requireNonNull(sample, what);
        if (sample.length == 0) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        double[] sorted = sample.clone();
        for (int i = 0; i < sorted.length; i++) {
            if (Double.isNaN(sorted[i])) {
                throw new IllegalArgumentException(what + " holds NaN at index " + i);
            }
        }
        Arrays.sort(sorted);
        return new StepCdf(sorted, null, sorted.length);
    }

    /**
     * The distribution a KLL sketch represents: its sorted view's items and cumulative weights.
     *
     * @throws IllegalArgumentException if the sketch is empty
     */
    static StepCdf ofSketch(KllDoublesSketch sketch, String what) {
        Sketches.requireNotEmpty(sketch, what);
        DoublesSortedView view = sketch.getSortedView();
        return new StepCdf(view.getQuantiles(), view.getCumulativeWeights(), sketch.getN());
    }

    /** Total weight: the sample size, or the sketch's n. */
    long total() {
        return total;
    }

    int size() {
        return values.length;
    }

    double min() {
        return values[0];
    }

    double max() {
        return values[values.length - 1];
    }

    /** Cumulative weight up to and including index i. */
    private long cumulativeWeight(int i) {
        return cumulativeWeights == null ? i + 1L : cumulativeWeights[i];
    }

    /** Whether every value is finite (the Wasserstein integral needs it). */
    boolean isFinite() {
        return Double.isFinite(values[0]) && Double.isFinite(values[values.length - 1]);
    }

    /** Population standard deviation (ddof = 0) of the represented distribution. */
    double standardDeviation() {
        double n = total;
        double mean = 0.0;
        long previous = 0;
        for (int i = 0; i < values.length; i++) {
            long cw = cumulativeWeight(i);
            mean += (cw - previous) * values[i];
            previous = cw;
        }
        mean /= n;
        double sumSquares = 0.0;
        previous = 0;
        for (int i = 0; i < values.length; i++) {
            long cw = cumulativeWeight(i);
            double dev = values[i] - mean;
            sumSquares += (cw - previous) * dev * dev;
            previous = cw;
        }
        return Math.sqrt(sumSquares / n);
    }

    /**
     * sup over x of |F_a(x) - F_b(x)|, evaluated at every value of either distribution (the CDFs
     * are right-continuous steps, so the supremum is attained at one of them).
     */
    static double maxCdfDistance(StepCdf a, StepCdf b) {
        double[] va = a.values;
        double[] vb = b.values;
        double[] ca = a.cdf;
        double[] cb = b.cdf;
        int i = 0;
        int j = 0;
        double d = 0.0;
        while (i < va.length && j < vb.length) {
            double x = Math.min(va[i], vb[j]);
            while (i < va.length && va[i] <= x) {
                i++;
            }
            while (j < vb.length && vb[j] <= x) {
                j++;
            }
            double fa = i == 0 ? 0.0 : ca[i - 1];
            double fb = j == 0 ? 0.0 : cb[j - 1];
            d = Math.max(d, Math.abs(fa - fb));
        }
        // Once one side is exhausted its CDF is 1 and the other's only grows towards 1.
        return d;
    }

    /**
     * The integral of |F_a(x) - F_b(x)| over the real line: the 1-Wasserstein distance of the two
     * represented distributions. Both must be finite.
     */
    static double cdfAreaDistance(StepCdf a, StepCdf b) {
        double[] va = a.values;
        double[] vb = b.values;
        double[] ca = a.cdf;
        double[] cb = b.cdf;
        int i = 0;
        int j = 0;
        double area = 0.0;
        double x = Math.min(va[0], vb[0]);
        while (i < va.length || j < vb.length) {
            while (i < va.length && va[i] <= x) {
                i++;
            }
            while (j < vb.length && vb[j] <= x) {
                j++;
            }
            if (i == va.length && j == vb.length) {
                break;
            }
            double next =
                    Math.min(
                            i < va.length ? va[i] : Double.POSITIVE_INFINITY,
                            j < vb.length ? vb[j] : Double.POSITIVE_INFINITY);
            double fa = i == 0 ? 0.0 : ca[i - 1];
            double fb = j == 0 ? 0.0 : cb[j - 1];
            area += Math.abs(fa - fb) * (next - x);
            x = next;
        }
        return area;
    }
}
