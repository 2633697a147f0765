package io.warden.detectors.drift;

import java.util.Arrays;
import java.util.Locale;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The window side of a numeric feature's drift, made deterministic: instead of a sketch (whose
 * compactions flip coins, so the same events can give different sketches), a window keeps exact
 * counts over fixed fine bins taken from the reference. Counts do not depend on the order in which
 * events arrive, merge by addition, and are the same on every replay.
 *
 * <p>The fine bins are {@value #DEFAULT_FINE_BINS} equal-frequency bins of the reference, with the
 * reference's coarse bin edges (see {@link NumericReference#binEdges()}) added, so every fine bin
 * lies inside one coarse bin and the coarse window counts (for PSI and the Jensen-Shannon distance)
 * are exact sums of fine ones. Bins are right-closed like {@link Bins}: bin {@code i} holds {@code
 * edges[i] < x <= edges[i + 1]}, with {@code -inf} and {@code +inf} outer edges. The reference's
 * CDF at every inner fine edge is computed once from its sketch.
 *
 * <p>What the binning costs in accuracy: the KS statistic is read at the fine edges only, so it can
 * be smaller than the exact one by at most the larger of the two distributions' mass inside one
 * fine bin (about 1% of the reference's; conservative: it never invents drift); the Wasserstein
 * distance is integrated by the trapezoid rule between edges (see {@link
 * UnivariateDrift#numeric(NumericReference, long[], double, double)}).
 *
 * <p>Immutable; derived from a {@link NumericReference}, which holds one.
 */
public final class WindowBins {
    /** Fine bins taken from the reference (before adding its coarse edges). */
    public static final int DEFAULT_FINE_BINS = 100;

    private final double[] edges;
    private final double[] referenceCdf;
    private final int[] coarseBin;
    private final double referenceLowerExcess;
    private final double referenceUpperExcess;

    private WindowBins(
            double[] edges,
            double[] referenceCdf,
            int[] coarseBin,
            double referenceLowerExcess,
            double referenceUpperExcess) {
        this.edges = edges;
        this.referenceCdf = referenceCdf;
        this.coarseBin = coarseBin;
        this.referenceLowerExcess = referenceLowerExcess;
        this.referenceUpperExcess = referenceUpperExcess;
    }

    static WindowBins of(KllDoublesSketch reference, double[] coarseEdges, int fineBins) {
        double[] fine = Bins.equalFrequencyEdges(reference, fineBins);
        double[] inner =
                Arrays.stream(concat(fine, coarseEdges))
                        .filter(Double::isFinite)
                        .sorted()
                        .distinct()
                        .toArray();
        double[] edges = new double[inner.length + 2];
        edges[0] = Double.NEGATIVE_INFINITY;
        System.arraycopy(inner, 0, edges, 1, inner.length);
        edges[edges.length - 1] = Double.POSITIVE_INFINITY;
        double[] cdf =
                inner.length == 0
                        ? new double[0]
                        : reference.getCDF(inner, QuantileSearchCriteria.INCLUSIVE);
        double[] referenceCdf = Arrays.copyOf(cdf, inner.length);
        int[] coarse = new int[edges.length - 1];
        int c = 0;
        for (int b = 0; b < coarse.length; b++) {
            double upper = edges[b + 1];
            while (upper > coarseEdges[c + 1]) {
                c++;
            }
            coarse[b] = c;
        }
        double lowerExcess = 0;
        double upperExcess = 0;
        if (inner.length > 0) {
            double[] items = reference.getSortedView().getQuantiles();
            long[] cumulative = reference.getSortedView().getCumulativeWeights();
            long previous = 0;
            for (int i = 0; i < items.length; i++) {
                long weight = cumulative[i] - previous;
                previous = cumulative[i];
                lowerExcess += weight * Math.max(0, inner[0] - items[i]);
                upperExcess += weight * Math.max(0, items[i] - inner[inner.length - 1]);
            }
            lowerExcess /= reference.getN();
            upperExcess /= reference.getN();
        }
        return new WindowBins(edges, referenceCdf, coarse, lowerExcess, upperExcess);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The number of fine bins a window counts in. */
    public int size() {
        return edges.length - 1;
    }

    /**
     * The fine bin of a finite value: the {@code i} with {@code edges[i] < x <= edges[i + 1]}.
     *
     * @throws IllegalArgumentException if x is NaN or infinite (a data-quality matter, to be
     *     counted apart from drift)
     */
    public int binOf(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("only finite values are binned, got " + x);
        }
        // First edge >= x, searching the inner edges; bin index = its position.
        int lo = 1;
        int hi = edges.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    /**
     * How far a value lies below the lowest inner edge (0 above it). A window sums this over its
     * values, so that the Wasserstein distance in the lower tail, where bins say nothing about
     * distances, is exact: there {@code integral (F_ref - F_win)} is the difference of the two
     * distributions' mean excesses.
     */
    public double lowerExcess(double x) {
        return edges.length > 2 ? Math.max(0, edges[1] - x) : 0;
    }

    /** How far a value lies above the highest inner edge (0 below it); see {@link #lowerExcess}. */
    public double upperExcess(double x) {
        return edges.length > 2 ? Math.max(0, x - edges[edges.length - 2]) : 0;
    }

    /** A copy of the fine edges, with the infinite outer ones. */
    public double[] edges() {
        return edges.clone();
    }

    double[] edgesUnsafe() {
        return edges;
    }

    /** The reference CDF at inner edge {@code i} (edge {@code i + 1} of {@link #edges()}). */
    double[] referenceCdfUnsafe() {
        return referenceCdf;
    }

    int coarseBinOf(int fineBin) {
        return coarseBin[fineBin];
    }

    /** The reference's mean {@link #lowerExcess}. */
    double referenceLowerExcess() {
        return referenceLowerExcess;
    }

    /** The reference's mean {@link #upperExcess}. */
    double referenceUpperExcess() {
        return referenceUpperExcess;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "WindowBins[%d fine bins]", size());
    }
}
