package io.warden.detectors.profile;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The reference distribution of one numeric feature: counts, moments, a KLL quantile sketch and
 * equal-frequency bins.
 *
 * <p><b>Missing values.</b> A value that is NaN, infinite or absent from a row counts as missing;
 * every other statistic is over the {@link #count()} finite values.
 *
 * <p><b>Exact parts.</b> {@link #count()}, {@link #missing()}, {@link #min()} and {@link #max()}
 * are exact; {@link #mean()} and {@link #variance()} (population variance, divisor n) are computed
 * with Welford's method and are exact up to floating-point rounding.
 *
 * <p><b>Sketch.</b> {@link #sketch()} is a read-only view of a DataSketches {@link
 * KllDoublesSketch}; its quantiles and ranks are within {@link #normalizedRankError()}
 * (single-sided, 99% confidence) of the exact ones, and exact while the feature has fewer values
 * than the sketch retains (about k).
 *
 * <p><b>Bins.</b> The edges are the sketch's quantiles at 1/B, ..., (B&minus;1)/B for B bins, with
 * duplicates removed (ties, e.g. a feature that is 0 for 40% of rows) and edges equal to the
 * maximum dropped (so that no reference bin is empty by construction). Bins are right-closed: bin 0
 * is (&minus;&infin;, e<sub>0</sub>], bin i is (e<sub>i&minus;1</sub>, e<sub>i</sub>], the last is
 * (e<sub>last</sub>, +&infin;); {@link #binIndex} finds a value's bin. The reference counts per bin
 * come from the sketch's CDF at the edges, so each cumulative count is within the sketch's error of
 * the exact one (exact while the sketch is), and they sum to {@link #count()}.
 *
 * <p>Instances are immutable and thread-safe; {@link #binIndex} is a binary search over at most
 * B&minus;1 edges and allocates nothing.
 */
public final class NumericFeatureProfile implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final QuantileSearchCriteria INCLUSIVE = QuantileSearchCriteria.INCLUSIVE;

    private final String name;
    private final int index;
    private final long count;
    private final long missing;
    private final double min;
    private final double max;
    private final double mean;
    private final double variance;
    private final byte[] sketchBytes;
    private final double[] binEdges;
    private final long[] binCounts;
    private final transient KllDoublesSketch sketch;

    private NumericFeatureProfile(
            String name,
            int index,
            long count,
            long missing,
            double min,
            double max,
            double mean,
            double variance,
            byte[] sketchBytes,
            KllDoublesSketch sketch,
            double[] binEdges,
            long[] binCounts) {
        this.name = name;
        this.index = index;
        this.count = count;
        this.missing = missing;
        this.min = min;
        this.max = max;
        this.mean = mean;
        this.variance = variance;
        this.sketchBytes = sketchBytes;
        this.sketch = sketch;
        this.binEdges = binEdges;
        this.binCounts = binCounts;
        if (!sketch.isEmpty()) {
            sketch.getQuantile(0.5, INCLUSIVE); // builds the sorted view now, before publication
        }
    }

    /**
     * A profile from its parts, e.g. read from a file; everything is checked against the sketch.
     *
     * @param sketchBytes a serialized {@link KllDoublesSketch} ({@code toByteArray()}), copied
     * @param binEdges inner bin edges, strictly increasing, in [min, max)
     * @param binCounts reference count per bin, one more than the edges, summing to count
     * @throws IllegalArgumentException naming the part that is inconsistent
     */
    public static NumericFeatureProfile of(
            String name,
            int index,
            long count,
            long missing,
            double min,
            double max,
            double mean,
            double variance,
            byte[] sketchBytes,
            double[] binEdges,
            long[] binCounts) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sketchBytes, "sketch");
        Objects.requireNonNull(binEdges, "binEdges");
        Objects.requireNonNull(binCounts, "binCounts");
        if (name.isBlank() || index < 0 || count < 0 || missing < 0) {
            throw new IllegalArgumentException(
                    "need a name, and a non-negative index, count and missing count");
        }
        byte[] bytes = sketchBytes.clone();
        KllDoublesSketch sketch = wrap(bytes);
        if (sketch.getN() != count) {
            throw new IllegalArgumentException(
                    "kll: holds " + sketch.getN() + " values, but count is " + count);
        }
        if (count == 0) {
            if (!Double.isNaN(min)
                    || !Double.isNaN(max)
                    || !Double.isNaN(mean)
                    || !Double.isNaN(variance)) {
                throw new IllegalArgumentException(
                        "min, max, mean and variance of a feature without values must be absent");
            }
        } else {
            if (min != sketch.getMinItem() || max != sketch.getMaxItem()) {
                throw new IllegalArgumentException(
                        "min/max ("
                                + min
                                + ", "
                                + max
                                + ") differ from the sketch's ("
                                + sketch.getMinItem()
                                + ", "
                                + sketch.getMaxItem()
                                + ")");
            }
            if (!Double.isFinite(mean)) {
                throw new IllegalArgumentException("mean must be finite, but is " + mean);
            }
            if (!(variance >= 0.0) || !Double.isFinite(variance)) {
                throw new IllegalArgumentException(
                        "variance must be finite and >= 0, but is " + variance);
            }
        }
        checkBins(binEdges, binCounts, count, min, max);
        return new NumericFeatureProfile(
                name,
                index,
                count,
                missing,
                min,
                max,
                mean,
                variance,
                bytes,
                sketch,
                binEdges.clone(),
                binCounts.clone());
    }

    /** The profile of a finished sketch: bins derived from it as the class description says. */
    static NumericFeatureProfile fromSketch(
            String name,
            int index,
            long missing,
            double mean,
            double variance,
            KllDoublesSketch sketch,
            int bins) {
        long count = sketch.getN();
        byte[] bytes = sketch.toByteArray();
        KllDoublesSketch view = wrap(bytes);
        if (count == 0) {
            return new NumericFeatureProfile(
                    name,
                    index,
                    0,
                    missing,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    bytes,
                    view,
                    new double[0],
                    new long[] {0});
        }
        double max = view.getMaxItem();
        double[] ranks = new double[bins - 1];
        for (int i = 1; i < bins; i++) {
            ranks[i - 1] = (double) i / bins;
        }
        double[] quantiles = view.getQuantiles(ranks, INCLUSIVE);
        double[] edges = new double[quantiles.length];
        int edgeCount = 0;
        for (double q : quantiles) {
            if (q < max && (edgeCount == 0 || q > edges[edgeCount - 1])) {
                edges[edgeCount++] = q;
            }
        }
        edges = Arrays.copyOf(edges, edgeCount);
        long[] counts = new long[edgeCount + 1];
        long below = 0;
        if (edgeCount > 0) {
            double[] cdf = view.getCDF(edges, INCLUSIVE);
            for (int i = 0; i < edgeCount; i++) {
                long cumulative = Math.max(below, Math.min(count, Math.round(cdf[i] * count)));
                counts[i] = cumulative - below;
                below = cumulative;
            }
        }
        counts[edgeCount] = count - below;
        return new NumericFeatureProfile(
                name,
                index,
                count,
                missing,
                view.getMinItem(),
                max,
                mean,
                variance,
                bytes,
                view,
                edges,
                counts);
    }

    private static KllDoublesSketch wrap(byte[] bytes) {
        try {
            return KllDoublesSketch.wrap(Memory.wrap(bytes));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "kll: not a serialized KLL doubles sketch (" + e.getMessage() + ")", e);
        }
    }

    private static void checkBins(
            double[] edges, long[] counts, long count, double min, double max) {
        if (counts.length != edges.length + 1) {
            throw new IllegalArgumentException(
                    "binCounts: "
                            + edges.length
                            + " edges need "
                            + (edges.length + 1)
                            + " counts, but there are "
                            + counts.length);
        }
        for (int i = 0; i < edges.length; i++) {
            double e = edges[i];
            if (!(e >= min && e < max) || (i > 0 && !(e > edges[i - 1]))) {
                throw new IllegalArgumentException(
                        "binEdges: must be strictly increasing within [min, max), but ["
                                + i
                                + "] is "
                                + e);
            }
        }
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("binCounts: [" + i + "] is negative");
            }
            sum += counts[i];
        }
        if (sum != count) {
            throw new IllegalArgumentException(
                    "binCounts: sum to " + sum + ", but count is " + count);
        }
    }

    /** The feature's name. */
    public String name() {
        return name;
    }

    /** The feature's position among the numeric features. */
    public int index() {
        return index;
    }

    /** Number of finite values. */
    public long count() {
        return count;
    }

    /** Number of missing (NaN, infinite or absent) values. */
    public long missing() {
        return missing;
    }

    /** Number of rows, count + missing. */
    public long rows() {
        return count + missing;
    }

    /** The share of rows with a missing value; 0 without rows. */
    public double missingRate() {
        long rows = rows();
        return rows == 0 ? 0.0 : (double) missing / rows;
    }

    /** The smallest value; NaN without values. */
    public double min() {
        return min;
    }

    /** The largest value; NaN without values. */
    public double max() {
        return max;
    }

    /** The mean; NaN without values. */
    public double mean() {
        return mean;
    }

    /** The population variance (divisor n); NaN without values. */
    public double variance() {
        return variance;
    }

    /** The population standard deviation; NaN without values. */
    public double standardDeviation() {
        return Math.sqrt(variance);
    }

    /**
     * A read-only view of the KLL sketch (updates and merges throw); share it freely. Use {@link
     * #sketchBytes()} and {@code KllDoublesSketch.heapify} for a copy to update.
     */
    public KllDoublesSketch sketch() {
        return sketch;
    }

    /** A copy of the serialized sketch. */
    public byte[] sketchBytes() {
        return sketchBytes.clone();
    }

    /** The sketch's single-sided normalized rank error at 99% confidence. */
    public double normalizedRankError() {
        return sketch.getNormalizedRankError(false);
    }

    /**
     * The q-quantile (inclusive search, as {@link KllDoublesSketch#getQuantile}); NaN without
     * values.
     */
    public double quantile(double q) {
        return count == 0 ? Double.NaN : sketch.getQuantile(q, INCLUSIVE);
    }

    /** The normalized rank of x: the estimated share of values &le; x; NaN without values. */
    public double rank(double x) {
        return count == 0 ? Double.NaN : sketch.getRank(x, INCLUSIVE);
    }

    /** Number of bins, one more than the edges. */
    public int binCount() {
        return binCounts.length;
    }

    /** A copy of the inner bin edges, strictly increasing. */
    public double[] binEdges() {
        return binEdges.clone();
    }

    /** The reference count of bin i. */
    public long binCount(int i) {
        return binCounts[i];
    }

    /** A copy of the reference counts per bin. */
    public long[] binCounts() {
        return binCounts.clone();
    }

    /**
     * The bin of x: the number of edges strictly below x, so bins are right-closed; -1 for NaN.
     * &minus;&infin; falls in the first bin, +&infin; in the last.
     */
    public int binIndex(double x) {
        if (Double.isNaN(x)) {
            return -1;
        }
        int low = 0;
        int high = binEdges.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (binEdges[mid] < x) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NumericFeatureProfile other
                && name.equals(other.name)
                && index == other.index
                && count == other.count
                && missing == other.missing
                && Double.compare(min, other.min) == 0
                && Double.compare(max, other.max) == 0
                && Double.compare(mean, other.mean) == 0
                && Double.compare(variance, other.variance) == 0
                && Arrays.equals(sketchBytes, other.sketchBytes)
                && Arrays.equals(binEdges, other.binEdges)
                && Arrays.equals(binCounts, other.binCounts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, index, count, missing, mean, Arrays.hashCode(sketchBytes));
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "NumericFeatureProfile[%s #%d, n=%d, missing=%d, min=%s, max=%s, mean=%s, bins=%d]",
                name,
                index,
                count,
                missing,
                min,
                max,
                mean,
                binCounts.length);
    }

    private Object writeReplace() {
        return new SerializedForm(this);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException(
                "NumericFeatureProfile is read through its serialized form");
    }

    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String name;
        private final int index;
        private final long count;
        private final long missing;
        private final double min;
        private final double max;
        private final double mean;
        private final double variance;
        private final byte[] sketchBytes;
        private final double[] binEdges;
        private final long[] binCounts;

        SerializedForm(NumericFeatureProfile p) {
            name = p.name;
            index = p.index;
            count = p.count;
            missing = p.missing;
            min = p.min;
            max = p.max;
            mean = p.mean;
            variance = p.variance;
            sketchBytes = p.sketchBytes;
            binEdges = p.binEdges;
            binCounts = p.binCounts;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                return of(
                        name,
                        index,
                        count,
                        missing,
                        min,
                        max,
                        mean,
                        variance,
                        sketchBytes,
                        binEdges,
                        binCounts);
            } catch (IllegalArgumentException | NullPointerException e) {
                InvalidObjectException invalid =
                        new InvalidObjectException(
                                "invalid NumericFeatureProfile: " + e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }
}
