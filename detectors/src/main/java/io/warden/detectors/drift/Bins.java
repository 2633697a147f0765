package io.warden.detectors.drift;

import java.util.Arrays;
import java.util.Objects;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Equal-frequency (quantile) bins of a reference distribution, and the proportions of a sample or a
 * sketch in given bins: the discretisation behind {@link Psi} and {@link JensenShannon} for numeric
 * features.
 *
 * <p><b>Edges.</b> Bin edges are an ascending array {@code [-inf, e1, ..., e(B-1), +inf]}; bin i is
 * the right-closed interval (edge[i], edge[i+1]], and the first bin also holds -inf itself. The
 * outer edges are infinite so that every window value lands in a bin, including values outside the
 * reference's range, which then show up as mass in the outermost bins.
 *
 * <p><b>Equal frequency.</b> The inner edges are the reference's j/B quantiles, j = 1..B-1, each
 * taken as the smallest value whose inclusive rank (fraction of values {@code <=} it) is at least
 * j/B (Hyndman &amp; Fan's definition 1, NumPy's {@code method='inverted_cdf'}, DataSketches'
 * {@link QuantileSearchCriteria#INCLUSIVE}). Right-closed bins then hold about 1/B of the reference
 * each. <b>Ties</b>: when many values are equal, several quantiles coincide; duplicates are dropped
 * so that edges stay strictly increasing, giving fewer than B bins, with the tied value at the top
 * of its own bin (e.g. a feature that is 0 in 60% of rows gets a bin (-inf, 0] holding 60%).
 * Infinite quantiles (a reference holding infinities) are dropped too.
 *
 * <p><b>Accuracy on sketches.</b> A KLL sketch's ranks are within its normalized rank error
 * &epsilon; of the true ones (about 1.33% at k = 200 with 99% confidence per query; {@link
 * KllDoublesSketch#getNormalizedRankError(boolean)}), so a bin proportion read from a sketch is
 * within 2&epsilon; of the exact one, and an edge computed from a sketch is a true quantile of a
 * rank within &epsilon; of j/B. A sketch that is not in estimation mode holds all its values and
 * gives the exact answers.
 *
 * <p>Stateless and thread-safe.
 */
public final class Bins {

    /** The usual number of bins for PSI: deciles. */
    public static final int DEFAULT_BINS = 10;

    private Bins() {}

    /**
     * Equal-frequency edges of a sketch's distribution, at most {@code bins} bins.
     *
     * @throws IllegalArgumentException if the sketch is empty or bins &lt; 1
     */
    public static double[] equalFrequencyEdges(KllDoublesSketch sketch, int bins) {
        Sketches.requireNotEmpty(sketch, "reference");
        requireBins(bins);
        double[] ranks = new double[bins - 1];
        for (int j = 1; j < bins; j++) {
            ranks[j - 1] = (double) j / bins;
        }
        double[] inner =
                bins == 1
                        ? new double[0]
                        : sketch.getQuantiles(ranks, QuantileSearchCriteria.INCLUSIVE);
        return withOuterEdges(inner);
    }

    /**
     * Equal-frequency edges of a sample, at most {@code bins} bins; exact, with the same quantile
     * definition as the sketch version.
     *
     * @throws IllegalArgumentException if the sample is empty or holds a NaN, or bins &lt; 1
     */
    public static double[] equalFrequencyEdges(double[] sample, int bins) {
        Objects.requireNonNull(sample, "sample");
        requireBins(bins);
        if (sample.length == 0) {
            throw new IllegalArgumentException("sample must not be empty");
        }
        double[] sorted = sample.clone();
        for (int i = 0; i < sorted.length; i++) {
            if (Double.isNaN(sorted[i])) {
                throw new IllegalArgumentException("sample holds NaN at index " + i);
            }
        }
        Arrays.sort(sorted);
        int n = sorted.length;
        double[] inner = new double[bins - 1];
        for (int j = 1; j < bins; j++) {
            // Smallest index i (0-based) with (i + 1) / n >= j / bins, i.e. i = ceil(j n / bins) -
            // 1,
            // in exact integer arithmetic.
            long i = ((long) j * n + bins - 1) / bins - 1;
            inner[j - 1] = sorted[(int) Math.max(0, i)];
        }
        return withOuterEdges(inner);
    }

    /**
     * The proportions of a sketch's values in the given bins.
     *
     * @param edges bin edges as described in the class documentation
     * @return one proportion per bin ({@code edges.length - 1}), summing to 1
     * @throws IllegalArgumentException if the sketch is empty or the edges are invalid
     */
    public static double[] proportions(KllDoublesSketch sketch, double[] edges) {
        Sketches.requireNotEmpty(sketch, "window");
        requireEdges(edges);
        if (edges.length == 2) {
            return new double[] {1.0};
        }
        return sketch.getPMF(innerEdges(edges), QuantileSearchCriteria.INCLUSIVE);
    }

    /**
     * The proportions of a sample's values in the given bins; exact.
     *
     * @param edges bin edges as described in the class documentation
     * @return one proportion per bin ({@code edges.length - 1}), summing to 1
     * @throws IllegalArgumentException if the sample is empty or holds a NaN, or the edges are
     *     invalid
     */
    public static double[] proportions(double[] sample, double[] edges) {
        long[] counts = counts(sample, edges);
        double[] p = new double[counts.length];
        for (int b = 0; b < counts.length; b++) {
            p[b] = (double) counts[b] / sample.length;
        }
        return p;
    }

    /**
     * The number of a sample's values in each of the given bins.
     *
     * @throws IllegalArgumentException if the sample is empty or holds a NaN, or the edges are
     *     invalid
     */
    public static long[] counts(double[] sample, double[] edges) {
        Objects.requireNonNull(sample, "sample");
        requireEdges(edges);
        if (sample.length == 0) {
            throw new IllegalArgumentException("sample must not be empty");
        }
        int bins = edges.length - 1;
        long[] counts = new long[bins];
        for (int i = 0; i < sample.length; i++) {
            double x = sample[i];
            if (Double.isNaN(x)) {
                throw new IllegalArgumentException("sample holds NaN at index " + i);
            }
            // The bin is the number of inner edges strictly below x: edges[1..bins-1].
            int lo = 1;
            int hi = bins; // exclusive
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (edges[mid] < x) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            counts[lo - 1]++;
        }
        return counts;
    }

    /**
     * Checks that edges are valid: at least two, the first -inf, the last +inf, the inner ones
     * finite and strictly increasing.
     *
     * @throws IllegalArgumentException naming the first problem found
     */
    public static void requireEdges(double[] edges) {
        Objects.requireNonNull(edges, "edges");
        if (edges.length < 2) {
            throw new IllegalArgumentException(
                    "bin edges need at least -inf and +inf, but there are " + edges.length);
        }
        if (edges[0] != Double.NEGATIVE_INFINITY
                || edges[edges.length - 1] != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    "bin edges must start at -inf and end at +inf, but run from "
                            + edges[0]
                            + " to "
                            + edges[edges.length - 1]);
        }
        for (int i = 1; i < edges.length - 1; i++) {
            if (!Double.isFinite(edges[i])) {
                throw new IllegalArgumentException(
                        "inner bin edge " + i + " must be finite, but is " + edges[i]);
            }
            if (!(edges[i - 1] < edges[i])) {
                throw new IllegalArgumentException(
                        "bin edges must be strictly increasing, but edge "
                                + i
                                + " ("
                                + edges[i]
                                + ") follows "
                                + edges[i - 1]);
            }
        }
    }

    private static double[] innerEdges(double[] edges) {
        return Arrays.copyOfRange(edges, 1, edges.length - 1);
    }

    private static void requireBins(int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("number of bins must be at least 1, but is " + bins);
        }
    }

    /** Drops duplicate and infinite quantiles and adds the infinite outer edges. */
    private static double[] withOuterEdges(double[] ascendingInner) {
        double[] edges = new double[ascendingInner.length + 2];
        int size = 0;
        edges[size++] = Double.NEGATIVE_INFINITY;
        for (double q : ascendingInner) {
            double v = q + 0.0; // -0.0 becomes 0.0
            if (Double.isFinite(v) && v > edges[size - 1]) {
                edges[size++] = v;
            }
        }
        edges[size++] = Double.POSITIVE_INFINITY;
        return size == edges.length ? edges : Arrays.copyOf(edges, size);
    }
}
