package io.warden.detectors.calibration;

import io.warden.detectors.core.Direction;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The empirical distribution of a detector's scores on reference data, against which new scores are
 * ranked: conformal p-values, the empirical CDF and quantiles.
 *
 * <p><b>Conformal p-value.</b> For a reference sample r<sub>1..n</sub> and a new score x, {@link
 * #pValue(double, Direction)} is
 *
 * <pre>
 *   p(x) = (1 + #{i : r_i &gt;= x}) / (n + 1)   for {@link Direction#HIGH_IS_ANOMALOUS}
 *   p(x) = (1 + #{i : r_i &lt;= x}) / (n + 1)   for {@link Direction#LOW_IS_ANOMALOUS}
 * </pre>
 *
 * Ties count as "at least as extreme". If x and the reference are exchangeable (the new traffic
 * comes from the reference's distribution) then P(p(x) &le; t) &le; t for every t in [0, 1], for
 * any n and without assumptions on the distribution (Vovk, Gammerman &amp; Shafer, <i>Algorithmic
 * Learning in a Random World</i>, Springer 2005; Angelopoulos &amp; Bates, "A Gentle Introduction
 * to Conformal Prediction and Distribution-Free Uncertainty Quantification", arXiv:2107.07511,
 * 2021). The guarantee is marginal over the draw of the reference; the smallest attainable p-value
 * is 1/(n+1), so a threshold t needs at least 1/t &minus; 1 reference values to ever be reached.
 *
 * <p><b>Size and subsampling.</b> At most {@code maxSize} values are kept ({@value
 * #DEFAULT_MAX_SIZE} by default, 8 bytes each). A larger sample is reduced to a uniformly random
 * subset by reservoir sampling (Vitter's Algorithm R) driven by a SplitMix64 generator with a fixed
 * seed: the same values in the same order always give the same reference, on any JVM. Because the
 * subset is chosen independently of the values, it is itself exchangeable with new traffic and the
 * p-value guarantee above holds with n = {@link #size()}.
 *
 * <p><b>Cost.</b> Queries are binary searches over a sorted array: O(log n) time, no allocation.
 * Instances are immutable and thread-safe; Java serialization stores the sorted values and
 * re-validates them on reading.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * EmpiricalReference reference = EmpiricalReference.of(referenceScores);
 * double p = reference.pValue(score, Direction.HIGH_IS_ANOMALOUS);
 * boolean anomalous = p <= 0.001;
 * }</pre>
 *
 * Negative zero is stored and compared as positive zero. NaN is rejected everywhere; infinities are
 * valid values.
 */
public final class EmpiricalReference implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The default largest number of values kept: 100,000 (800 kB). */
    public static final int DEFAULT_MAX_SIZE = 100_000;

    /** Reference values, ascending, no NaN, no negative zero, at least one. */
    private final double[] sorted;

    /** How many values were offered before subsampling; at least {@code sorted.length}. */
    private final long sampledFrom;

    private EmpiricalReference(double[] sorted, long sampledFrom) {
        this.sorted = sorted;
        this.sampledFrom = sampledFrom;
    }

    /**
     * A reference of the given sample, subsampled to at most {@value #DEFAULT_MAX_SIZE} values.
     *
     * @throws IllegalArgumentException if the sample is empty or holds a NaN
     */
    public static EmpiricalReference of(double[] sample) {
        return of(sample, DEFAULT_MAX_SIZE);
    }

    /**
     * A reference of the given sample, subsampled to at most {@code maxSize} values. The array is
     * copied, not kept.
     *
     * @throws IllegalArgumentException if the sample is empty or holds a NaN, or maxSize &lt; 1
     */
    public static EmpiricalReference of(double[] sample, int maxSize) {
        Objects.requireNonNull(sample, "sample");
        Builder builder = builder(maxSize);
        for (double value : sample) {
            builder.add(value);
        }
        return builder.build();
    }

    /** A builder that keeps at most {@value #DEFAULT_MAX_SIZE} values. */
    public static Builder builder() {
        return new Builder(DEFAULT_MAX_SIZE);
    }

    /**
     * A builder that keeps at most {@code maxSize} values, for samples streamed one value at a
     * time.
     *
     * @throws IllegalArgumentException if maxSize &lt; 1
     */
    public static Builder builder(int maxSize) {
        return new Builder(maxSize);
    }

    /** Number of reference values kept, n. */
    public int size() {
        return sorted.length;
    }

    /** Number of values offered to build this reference, before any subsampling. */
    public long sampledFrom() {
        return sampledFrom;
    }

    /** Whether the offered sample was larger than the maximum size and was subsampled. */
    public boolean isSubsampled() {
        return sampledFrom > sorted.length;
    }

    /** The smallest reference value. */
    public double min() {
        return sorted[0];
    }

    /** The largest reference value. */
    public double max() {
        return sorted[sorted.length - 1];
    }

    /** The smallest p-value this reference can give, 1/(n+1). */
    public double smallestPValue() {
        return 1.0 / (sorted.length + 1.0);
    }

    /**
     * The conformal p-value of {@code x}: the share of the reference, plus x itself, that is at
     * least as extreme as x in the given direction (see the class description).
     *
     * @return a value in [1/(n+1), 1]
     * @throws IllegalArgumentException if x is NaN
     */
    public double pValue(double x, Direction direction) {
        requireNotNaN(x);
        int atLeastAsExtreme =
                switch (direction) {
                    case HIGH_IS_ANOMALOUS -> sorted.length - countBelow(x);
                    case LOW_IS_ANOMALOUS -> countAtMost(x);
                };
        return (1.0 + atLeastAsExtreme) / (sorted.length + 1.0);
    }

    /**
     * The empirical CDF at x: the fraction of reference values {@code <= x}.
     *
     * @throws IllegalArgumentException if x is NaN
     */
    public double cdf(double x) {
        requireNotNaN(x);
        return (double) countAtMost(x) / sorted.length;
    }

    /**
     * The fraction of reference values strictly below x.
     *
     * @throws IllegalArgumentException if x is NaN
     */
    public double fractionBelow(double x) {
        requireNotNaN(x);
        return (double) countBelow(x) / sorted.length;
    }

    /**
     * The fraction of reference values strictly above x, {@code 1 - cdf(x)}.
     *
     * @throws IllegalArgumentException if x is NaN
     */
    public double fractionAbove(double x) {
        requireNotNaN(x);
        return (double) (sorted.length - countAtMost(x)) / sorted.length;
    }

    /**
     * The q-quantile, as the inverse of the empirical CDF: the smallest reference value v with
     * {@code cdf(v) >= q} (Hyndman &amp; Fan's definition 1, no interpolation); {@code quantile(0)}
     * is the minimum.
     *
     * @throws IllegalArgumentException if q is not in [0, 1]
     */
    public double quantile(double q) {
        if (!(q >= 0.0 && q <= 1.0)) {
            throw new IllegalArgumentException("quantile level must be in [0, 1], but is " + q);
        }
        int n = sorted.length;
        // First guess from ceil(q n) - 1, then settle against the same double arithmetic cdf()
        // uses.
        int i = (int) Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
        while (i > 0 && (double) i / n >= q) {
            i--;
        }
        while (i < n - 1 && (double) (i + 1) / n < q) {
            i++;
        }
        return sorted[i];
    }

    /** A copy of the reference values, ascending. */
    public double[] toArray() {
        return sorted.clone();
    }

    // Branch-free binary searches: the comparison's outcome is unpredictable, so a conditional
    // move beats a mispredicted branch. Invariant: the answer lies in [base, base + len].

    /** Number of reference values strictly below x: the first index whose value is {@code >= x}. */
    private int countBelow(double x) {
        double[] a = sorted;
        int base = 0;
        int len = a.length;
        while (len > 1) {
            int half = len >>> 1;
            base = a[base + half] < x ? base + half : base;
            len -= half;
        }
        return a[base] < x ? base + 1 : base;
    }

    /** Number of reference values {@code <= x}: the first index whose value is {@code > x}. */
    private int countAtMost(double x) {
        double[] a = sorted;
        int base = 0;
        int len = a.length;
        while (len > 1) {
            int half = len >>> 1;
            base = a[base + half] <= x ? base + half : base;
            len -= half;
        }
        return a[base] <= x ? base + 1 : base;
    }

    private static void requireNotNaN(double x) {
        if (Double.isNaN(x)) {
            throw new IllegalArgumentException("cannot rank NaN against the reference");
        }
    }

    /** Validates already sorted values; used by the builder and by deserialization. */
    private static EmpiricalReference ofSorted(double[] sorted, long sampledFrom) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("reference sample must not be empty");
        }
        if (sampledFrom < sorted.length) {
            throw new IllegalArgumentException(
                    "sampledFrom (" + sampledFrom + ") < size (" + sorted.length + ")");
        }
        for (int i = 0; i < sorted.length; i++) {
            if (Double.isNaN(sorted[i]) || (i > 0 && !(sorted[i - 1] <= sorted[i]))) {
                throw new IllegalArgumentException(
                        "reference values must be ascending and not NaN, at index " + i);
            }
        }
        return new EmpiricalReference(sorted, sampledFrom);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmpiricalReference other
                && sampledFrom == other.sampledFrom
                && Arrays.equals(sorted, other.sorted);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(sampledFrom) + Arrays.hashCode(sorted);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "EmpiricalReference[n=%d of %d, min=%s, median=%s, max=%s]",
                sorted.length,
                sampledFrom,
                min(),
                quantile(0.5),
                max());
    }

    // Serialization proxy (Effective Java, item 90): the stream holds the sorted values, and
    // reading them back goes through the same validation as building, so a corrupt or crafted
    // stream cannot produce an unsorted reference that would answer wrong p-values.

    private Object writeReplace() {
        return new SerializedForm(sorted, sampledFrom);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("EmpiricalReference is read through its serialized form");
    }

    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;

        private final double[] sorted;
        private final long sampledFrom;

        SerializedForm(double[] sorted, long sampledFrom) {
            this.sorted = sorted;
            this.sampledFrom = sampledFrom;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                return ofSorted(sorted.clone(), sampledFrom);
            } catch (IllegalArgumentException | NullPointerException e) {
                InvalidObjectException invalid =
                        new InvalidObjectException("invalid EmpiricalReference: " + e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }

    /**
     * Collects a reference sample one value at a time, keeping a uniformly random subset of at most
     * {@code maxSize} values (reservoir sampling with a fixed seed, so deterministic). Not
     * thread-safe; {@link #build()} may be called more than once.
     */
    public static final class Builder {

        /** Fixed seed: a reference depends only on its input, never on when it was built. */
        private static final long SEED = 0x5741_5244_454E_0001L;

        private final int maxSize;
        private double[] reservoir;
        private long offered;
        private long rng = SEED;

        private Builder(int maxSize) {
            if (maxSize < 1) {
                throw new IllegalArgumentException("maxSize must be at least 1, but is " + maxSize);
            }
            this.maxSize = maxSize;
            this.reservoir = new double[Math.min(maxSize, 1024)];
        }

        /**
         * Offers one reference value.
         *
         * @throws IllegalArgumentException if the value is NaN
         */
        public Builder add(double value) {
            if (Double.isNaN(value)) {
                throw new IllegalArgumentException(
                        "reference value #"
                                + offered
                                + " is NaN; reference values must not be NaN");
            }
            double normalized = value + 0.0; // -0.0 becomes 0.0
            if (offered < maxSize) {
                int index = (int) offered;
                if (index == reservoir.length) {
                    reservoir =
                            Arrays.copyOf(
                                    reservoir, (int) Math.min(maxSize, 2L * reservoir.length));
                }
                reservoir[index] = normalized;
            } else {
                // Algorithm R: the (offered+1)-th value replaces a random slot with probability
                // maxSize / (offered + 1), which keeps every subset of maxSize equally likely.
                long slot = nextLongBelow(offered + 1);
                if (slot < maxSize) {
                    reservoir[(int) slot] = normalized;
                }
            }
            offered++;
            return this;
        }

        /** Number of values offered so far. */
        public long offered() {
            return offered;
        }

        /**
         * The reference of the values offered so far.
         *
         * @throws IllegalArgumentException if no value was offered
         */
        public EmpiricalReference build() {
            if (offered == 0) {
                throw new IllegalArgumentException("reference sample must not be empty");
            }
            double[] values = Arrays.copyOf(reservoir, (int) Math.min(offered, maxSize));
            Arrays.sort(values);
            return ofSorted(values, offered);
        }

        /** SplitMix64 (Steele, Lea &amp; Flood, OOPSLA 2014): tiny, fast and fully specified. */
        private long nextLong() {
            long z = (rng += 0x9E37_79B9_7F4A_7C15L);
            z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
            return z ^ (z >>> 31);
        }

        /** Uniform in [0, bound), by rejection so that no value is favoured. */
        private long nextLongBelow(long bound) {
            long limit = Long.MAX_VALUE - Long.MAX_VALUE % bound;
            long u;
            do {
                u = nextLong() >>> 1;
            } while (u >= limit);
            return u % bound;
        }
    }
}
