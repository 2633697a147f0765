package io.warden.detectors.multivariate;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A uniformly random sample of fixed-width rows from a stream, of bounded size: what {@link
 * Reservoir} collected. Reference rows for {@link Mmd} and for the PCA error distribution, and the
 * joint (msp, entropy, margin) sample of a model's confidence, are kept as row samples.
 *
 * <p>Every subset of {@link #size()} rows of the {@link #seen()} rows offered was equally likely to
 * be kept, also after {@link Reservoir#merge merging} the reservoirs of shards, so the sample is
 * exchangeable with new rows from the same distribution. The order of the rows carries no meaning.
 *
 * <p>Instances are immutable and thread-safe; values are stored row-major in one array.
 */
public final class RowSample implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int width;
    private final long seen;

    /** Row-major, {@code size * width} values. */
    private final double[] values;

    private RowSample(int width, long seen, double[] values) {
        this.width = width;
        this.seen = seen;
        this.values = values;
    }

    /**
     * A sample of {@code values.length / width} rows, stored row-major, drawn from {@code seen}
     * offered rows. The array is copied.
     *
     * @throws IllegalArgumentException if width &lt; 1, the length is not a multiple of the width,
     *     or seen is smaller than the number of rows
     */
    public static RowSample ofRowMajor(int width, long seen, double[] values) {
        Objects.requireNonNull(values, "values");
        return validated(width, seen, values.clone());
    }

    /**
     * A sample of the given rows (each copied), drawn from {@code seen} offered rows.
     *
     * @throws IllegalArgumentException if a row's length differs from the width, or seen is smaller
     *     than the number of rows
     */
    public static RowSample of(int width, long seen, double[][] rows) {
        Objects.requireNonNull(rows, "rows");
        requireWidth(width);
        double[] values = new double[Math.multiplyExact(rows.length, width)];
        for (int i = 0; i < rows.length; i++) {
            requireRow(rows[i], width, i);
            System.arraycopy(rows[i], 0, values, i * width, width);
        }
        return validated(width, seen, values);
    }

    /** An empty sample of rows of the given width. */
    public static RowSample empty(int width) {
        requireWidth(width);
        return new RowSample(width, 0, new double[0]);
    }

    private static RowSample validated(int width, long seen, double[] values) {
        requireWidth(width);
        if (values.length % width != 0) {
            throw new IllegalArgumentException(
                    values.length + " values are not a whole number of rows of width " + width);
        }
        int size = values.length / width;
        if (seen < size) {
            throw new IllegalArgumentException(
                    "seen (" + seen + ") must be at least the number of rows (" + size + ")");
        }
        return new RowSample(width, seen, values);
    }

    private static void requireWidth(int width) {
        if (width < 1) {
            throw new IllegalArgumentException("row width must be at least 1, but is " + width);
        }
    }

    private static void requireRow(double[] row, int width, long index) {
        Objects.requireNonNull(row, () -> "row #" + index);
        if (row.length != width) {
            throw new IllegalArgumentException(
                    "row #" + index + " has " + row.length + " values, expected " + width);
        }
    }

    /** Number of values in a row. */
    public int width() {
        return width;
    }

    /** Number of rows kept. */
    public int size() {
        return values.length / width;
    }

    /** Whether no row is kept. */
    public boolean isEmpty() {
        return values.length == 0;
    }

    /** Number of rows offered, of which {@link #size()} were kept. */
    public long seen() {
        return seen;
    }

    /** Whether fewer rows were kept than were offered. */
    public boolean isSubsampled() {
        return seen > size();
    }

    /** One value: row {@code row}, column {@code column}. */
    public double get(int row, int column) {
        Objects.checkIndex(row, size());
        Objects.checkIndex(column, width);
        return values[row * width + column];
    }

    /** A copy of one row. */
    public double[] row(int row) {
        Objects.checkIndex(row, size());
        return Arrays.copyOfRange(values, row * width, (row + 1) * width);
    }

    /** A copy of one column, in row order. */
    public double[] column(int column) {
        Objects.checkIndex(column, width);
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i * width + column];
        }
        return out;
    }

    /** A copy of the rows. */
    public double[][] toArray() {
        double[][] rows = new double[size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(values, i * width, (i + 1) * width);
        }
        return rows;
    }

    /** A copy of all values, row-major. */
    public double[] toRowMajorArray() {
        return values.clone();
    }

    /** The values, row-major, without copying; callers must not modify them. */
    double[] values() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowSample other
                && width == other.width
                && seen == other.seen
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(width, seen, Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "RowSample[" + size() + " rows of width " + width + ", of " + seen + " seen]";
    }

    private Object writeReplace() {
        return new SerializedForm(width, seen, values);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("RowSample is read through its serialized form");
    }

    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;

        private final int width;
        private final long seen;
        private final double[] values;

        SerializedForm(int width, long seen, double[] values) {
            this.width = width;
            this.seen = seen;
            this.values = values;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                return ofRowMajor(width, seen, values);
            } catch (IllegalArgumentException | NullPointerException e) {
                InvalidObjectException invalid =
                        new InvalidObjectException("invalid RowSample: " + e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }

    /**
     * Keeps a uniformly random sample of at most {@code capacity} rows of a stream, in one pass and
     * bounded memory (Vitter's Algorithm R, "Random sampling with a reservoir", ACM TOMS 1985),
     * driven by a seeded {@code SplitMix64}: the same rows in the same order with the same seed
     * always give the same sample.
     *
     * <p><b>Merging.</b> {@link #merge} combines the reservoir of another shard of the stream: the
     * number of rows taken from each side is drawn from the hypergeometric distribution of a
     * uniform sample of the union (how many of the union's first rows drawn without replacement
     * fall in each shard), and that many rows are drawn uniformly from each side's sample. The
     * result is again a uniform sample of the union, of the size a single reservoir over the whole
     * stream would have; it is a different draw than that single reservoir would have made, so
     * merged and whole agree in distribution, not row for row.
     *
     * <p>Not thread-safe. Memory: {@code capacity * width} doubles.
     */
    public static final class Reservoir {

        private final int width;
        private int capacity;
        private double[] values;
        private int size;
        private long seen;
        private final SplitMix64 random;

        /**
         * An empty reservoir.
         *
         * @throws IllegalArgumentException if capacity or width is less than 1
         */
        public Reservoir(int capacity, int width, long seed) {
            if (capacity < 1) {
                throw new IllegalArgumentException(
                        "reservoir capacity must be at least 1, but is " + capacity);
            }
            requireWidth(width);
            this.width = width;
            this.capacity = capacity;
            this.values = new double[Math.multiplyExact(Math.min(capacity, 256), width)];
            this.random = new SplitMix64(seed);
        }

        /**
         * A reservoir that continues from a sample, e.g. one read from a profile file. A sample
         * larger than the capacity is first reduced to a uniform subset of {@code capacity} rows. A
         * subsampled sample smaller than the capacity limits the reservoir to its size, since a
         * reservoir cannot grow back beyond the rows it has dropped.
         */
        public static Reservoir resume(RowSample sample, int capacity, long seed) {
            Objects.requireNonNull(sample, "sample");
            Reservoir reservoir = new Reservoir(capacity, sample.width(), seed);
            if (sample.isSubsampled()) {
                reservoir.capacity = Math.min(capacity, Math.max(1, sample.size()));
            }
            int keep = Math.min(reservoir.capacity, sample.size());
            reservoir.ensureCapacity(keep);
            if (keep == sample.size()) {
                System.arraycopy(sample.values(), 0, reservoir.values, 0, keep * reservoir.width);
            } else {
                int[] chosen = chooseIndices(sample.size(), keep, reservoir.random);
                for (int i = 0; i < keep; i++) {
                    System.arraycopy(
                            sample.values(),
                            chosen[i] * reservoir.width,
                            reservoir.values,
                            i * reservoir.width,
                            reservoir.width);
                }
            }
            reservoir.size = keep;
            reservoir.seen = sample.seen();
            return reservoir;
        }

        /**
         * Offers one row; the array is copied if kept.
         *
         * @throws IllegalArgumentException if the row's length differs from the width
         */
        public Reservoir add(double[] row) {
            requireRow(row, width, seen);
            if (size < capacity) {
                ensureCapacity(size + 1);
                System.arraycopy(row, 0, values, size * width, width);
                size++;
            } else {
                // Algorithm R: the (seen+1)-th row replaces a random slot with probability
                // capacity / (seen + 1), which keeps every subset of capacity rows equally likely.
                long slot = random.nextLongBelow(seen + 1);
                if (slot < capacity) {
                    System.arraycopy(row, 0, values, (int) slot * width, width);
                }
            }
            seen++;
            return this;
        }

        /**
         * Adds the rows of another shard's reservoir (left unchanged), so that this reservoir holds
         * a uniform sample of both shards' rows (see the class description).
         *
         * @throws IllegalArgumentException if the widths differ
         */
        public Reservoir merge(Reservoir other) {
            Objects.requireNonNull(other, "other");
            merge(other.snapshot(), other.isLimited());
            return this;
        }

        /** As {@link #merge(Reservoir)}, with another shard's sample. */
        public Reservoir merge(RowSample other) {
            Objects.requireNonNull(other, "other");
            merge(other, other.isSubsampled());
            return this;
        }

        private boolean isLimited() {
            return seen > size;
        }

        private void merge(RowSample other, boolean otherSubsampled) {
            if (other.width() != width) {
                throw new IllegalArgumentException(
                        "cannot merge rows of width " + other.width() + " into width " + width);
            }
            long total = Math.addExact(seen, other.seen());
            // The merged sample may hold as many rows as the capacity and the union allow, but no
            // more than a subsampled side kept: beyond that, the hypergeometric draw could ask a
            // side for more rows than it has.
            long target = Math.min(capacity, total);
            if (isLimited()) {
                target = Math.min(target, size);
            }
            if (otherSubsampled) {
                target = Math.min(target, other.size());
            }
            int t = (int) target;
            SplitMix64 mergeRandom = new SplitMix64(SplitMix64.mix(random.nextLong(), total));
            long remainingHere = seen;
            long remainingThere = other.seen();
            int fromHere = 0;
            for (int i = 0; i < t; i++) {
                if (mergeRandom.nextLongBelow(remainingHere + remainingThere) < remainingHere) {
                    fromHere++;
                    remainingHere--;
                } else {
                    remainingThere--;
                }
            }
            int fromThere = t - fromHere;
            int[] here = chooseIndices(size, fromHere, mergeRandom);
            int[] there = chooseIndices(other.size(), fromThere, mergeRandom);
            double[] merged = new double[Math.multiplyExact(t, width)];
            for (int i = 0; i < fromHere; i++) {
                System.arraycopy(values, here[i] * width, merged, i * width, width);
            }
            for (int i = 0; i < fromThere; i++) {
                System.arraycopy(
                        other.values(), there[i] * width, merged, (fromHere + i) * width, width);
            }
            values = merged;
            size = t;
            seen = total;
            if (total > t) {
                capacity = Math.min(capacity, Math.max(1, t));
            }
        }

        /** {@code count} distinct indices below {@code from}, uniformly (partial Fisher-Yates). */
        private static int[] chooseIndices(int from, int count, SplitMix64 random) {
            int[] indices = new int[from];
            for (int i = 0; i < from; i++) {
                indices[i] = i;
            }
            for (int i = 0; i < count; i++) {
                int j = i + random.nextIntBelow(from - i);
                int swap = indices[i];
                indices[i] = indices[j];
                indices[j] = swap;
            }
            return Arrays.copyOf(indices, count);
        }

        private void ensureCapacity(int rows) {
            int needed = Math.multiplyExact(rows, width);
            if (needed > values.length) {
                int grown =
                        (int)
                                Math.min(
                                        (long) capacity * width,
                                        Math.max(needed, 2L * values.length));
                values = Arrays.copyOf(values, grown);
            }
        }

        /** Number of rows offered so far, including those of merged shards. */
        public long seen() {
            return seen;
        }

        /** Number of rows kept. */
        public int size() {
            return size;
        }

        /** The largest number of rows kept. */
        public int capacity() {
            return capacity;
        }

        /** Number of values in a row. */
        public int width() {
            return width;
        }

        /** The sample collected so far. */
        public RowSample snapshot() {
            return new RowSample(width, seen, Arrays.copyOf(values, size * width));
        }
    }
}
