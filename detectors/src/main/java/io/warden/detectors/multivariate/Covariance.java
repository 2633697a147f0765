package io.warden.detectors.multivariate;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * The count, mean vector and co-moment matrix of a set of d-dimensional rows: the sufficient
 * statistics of their covariance, in a form that merges exactly.
 *
 * <p>The co-moment matrix is M = &Sigma;<sub>rows</sub> (x &minus; mean)(x &minus;
 * mean)<sup>T</sup>, so the population covariance is M / n and the sample covariance M / (n &minus;
 * 1). Rows are added one at a time with Welford's update (Welford, Technometrics 1962) and sets are
 * combined with the pairwise formula of Chan, Golub &amp; LeVeque ("Updating formulae and a
 * pairwise algorithm for computing sample variances", COMPSTAT 1982): for parts a and b with
 * &delta; = mean<sub>b</sub> &minus; mean<sub>a</sub>,
 *
 * <pre>
 *   n = n_a + n_b,   mean = mean_a + &delta; n_b / n,   M = M_a + M_b + &delta; &delta;^T n_a n_b / n
 * </pre>
 *
 * Both are numerically stable; a merge of shards equals the statistics of the whole up to
 * floating-point rounding (relative differences around 1e-15 per operation).
 *
 * <p>Cost: adding a row is d(d+1)/2 multiply-adds (the upper triangle), about 1 &micro;s at d = 64;
 * memory d&sup2; doubles. Instances are immutable and thread-safe.
 */
public final class Covariance implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long count;
    private final double[] mean;

    /** Row-major d x d, symmetric. */
    private final double[] comoment;

    private Covariance(long count, double[] mean, double[] comoment) {
        this.count = count;
        this.mean = mean;
        this.comoment = comoment;
    }

    /**
     * Statistics from their parts; the arrays are copied. The co-moment matrix is given row-major
     * (d&sup2; values) and must be symmetric with a non-negative diagonal; an empty set (count 0)
     * has a zero mean and co-moment.
     *
     * @throws IllegalArgumentException if the parts are inconsistent or not finite
     */
    public static Covariance of(long count, double[] mean, double[] comoment) {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(comoment, "comoment");
        int d = mean.length;
        if (d < 1) {
            throw new IllegalArgumentException("dimension must be at least 1");
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, but is " + count);
        }
        if (comoment.length != (long) d * d) {
            throw new IllegalArgumentException(
                    "comoment must hold "
                            + ((long) d * d)
                            + " values (d x d, d = "
                            + d
                            + "), but holds "
                            + comoment.length);
        }
        for (int i = 0; i < d; i++) {
            if (!Double.isFinite(mean[i])) {
                throw new IllegalArgumentException("mean[" + i + "] is not finite: " + mean[i]);
            }
            if (!(comoment[i * d + i] >= 0.0)) {
                throw new IllegalArgumentException(
                        "comoment diagonal ["
                                + i
                                + "] must be >= 0, but is "
                                + comoment[i * d + i]);
            }
            for (int j = 0; j < d; j++) {
                double v = comoment[i * d + j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(
                            "comoment[" + i + "][" + j + "] is not finite: " + v);
                }
                if (v != comoment[j * d + i]) {
                    throw new IllegalArgumentException(
                            "comoment must be symmetric, but ["
                                    + i
                                    + "]["
                                    + j
                                    + "] differs from ["
                                    + j
                                    + "]["
                                    + i
                                    + "]");
                }
            }
        }
        if (count == 0 && (anyNonZero(mean) || anyNonZero(comoment))) {
            throw new IllegalArgumentException("an empty set must have zero mean and comoment");
        }
        return new Covariance(count, mean.clone(), comoment.clone());
    }

    private static boolean anyNonZero(double[] values) {
        for (double v : values) {
            if (v != 0.0) {
                return true;
            }
        }
        return false;
    }

    /** An accumulator for rows of the given dimension. */
    public static Accumulator accumulator(int dimension) {
        return new Accumulator(dimension);
    }

    /** Number of rows. */
    public long count() {
        return count;
    }

    /** Number of columns, d. */
    public int dimension() {
        return mean.length;
    }

    /** A copy of the mean vector. */
    public double[] mean() {
        return mean.clone();
    }

    /** The mean of column i. */
    public double mean(int i) {
        return mean[i];
    }

    /** Element (i, j) of the co-moment matrix. */
    public double comoment(int i, int j) {
        Objects.checkIndex(j, mean.length);
        return comoment[Objects.checkIndex(i, mean.length) * mean.length + j];
    }

    /** A copy of the co-moment matrix, row-major. */
    public double[] comomentRowMajor() {
        return comoment.clone();
    }

    /** The population variance (divisor n) of column i; NaN when there is no row. */
    public double variance(int i) {
        return count == 0 ? Double.NaN : comoment(i, i) / count;
    }

    /**
     * The covariance matrix with divisor {@code n - ddof} (0 for the population, 1 for the unbiased
     * sample covariance).
     *
     * @throws IllegalArgumentException if there are not more than ddof rows
     */
    public double[][] covarianceMatrix(int ddof) {
        if (count <= ddof) {
            throw new IllegalArgumentException(
                    "need more than " + ddof + " rows for a covariance, have " + count);
        }
        int d = mean.length;
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = comoment[i * d + j] / (count - ddof);
            }
        }
        return out;
    }

    /**
     * The statistics of the union of this set and another (Chan et al.); neither is changed.
     *
     * @throws IllegalArgumentException if the dimensions differ
     */
    public Covariance merge(Covariance other) {
        Accumulator accumulator = new Accumulator(this);
        accumulator.merge(other);
        return accumulator.snapshot();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Covariance other
                && count == other.count
                && Arrays.equals(mean, other.mean)
                && Arrays.equals(comoment, other.comoment);
    }

    @Override
    public int hashCode() {
        return Objects.hash(count, Arrays.hashCode(mean), Arrays.hashCode(comoment));
    }

    @Override
    public String toString() {
        return "Covariance[n=" + count + ", d=" + mean.length + "]";
    }

    private Object writeReplace() {
        return new SerializedForm(count, mean, comoment);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("Covariance is read through its serialized form");
    }

    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;

        private final long count;
        private final double[] mean;
        private final double[] comoment;

        SerializedForm(long count, double[] mean, double[] comoment) {
            this.count = count;
            this.mean = mean;
            this.comoment = comoment;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                return of(count, mean, comoment);
            } catch (IllegalArgumentException | NullPointerException e) {
                InvalidObjectException invalid =
                        new InvalidObjectException("invalid Covariance: " + e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }

    /**
     * Accumulates rows one at a time (Welford) and merges other sets (Chan et al.). Only the upper
     * triangle is updated per row; {@link #snapshot()} mirrors it. Not thread-safe.
     */
    public static final class Accumulator {

        private final int d;
        private long count;
        private final double[] mean;
        private final double[] comoment; // upper triangle valid, row-major d x d
        private final double[] delta;

        private Accumulator(int dimension) {
            if (dimension < 1) {
                throw new IllegalArgumentException(
                        "dimension must be at least 1, but is " + dimension);
            }
            this.d = dimension;
            this.mean = new double[dimension];
            this.comoment = new double[Math.multiplyExact(dimension, dimension)];
            this.delta = new double[dimension];
        }

        private Accumulator(Covariance start) {
            this(start.dimension());
            this.count = start.count;
            System.arraycopy(start.mean, 0, mean, 0, d);
            System.arraycopy(start.comoment, 0, comoment, 0, comoment.length);
        }

        /** An accumulator that continues from the given statistics. */
        public static Accumulator resume(Covariance start) {
            return new Accumulator(Objects.requireNonNull(start, "start"));
        }

        /**
         * Adds one row.
         *
         * @throws IllegalArgumentException if its length differs from the dimension or a value is
         *     not finite
         */
        public Accumulator add(double[] row) {
            Objects.requireNonNull(row, "row");
            if (row.length != d) {
                throw new IllegalArgumentException(
                        "row has " + row.length + " values, expected " + d);
            }
            for (int i = 0; i < d; i++) {
                if (!Double.isFinite(row[i])) {
                    throw new IllegalArgumentException(
                            "row value [" + i + "] is not finite: " + row[i]);
                }
            }
            count++;
            double factor = (count - 1.0) / count;
            for (int i = 0; i < d; i++) {
                double di = row[i] - mean[i];
                delta[i] = di;
                mean[i] += di / count;
            }
            // M += (x - mean_old)(x - mean_old)^T (n - 1) / n, upper triangle only.
            for (int i = 0; i < d; i++) {
                double scaled = factor * delta[i];
                int base = i * d;
                for (int j = i; j < d; j++) {
                    comoment[base + j] += scaled * delta[j];
                }
            }
            return this;
        }

        /**
         * Adds the statistics of another, disjoint set of rows.
         *
         * @throws IllegalArgumentException if the dimensions differ
         */
        public Accumulator merge(Covariance other) {
            Objects.requireNonNull(other, "other");
            if (other.dimension() != d) {
                throw new IllegalArgumentException(
                        "cannot merge dimension " + other.dimension() + " into " + d);
            }
            if (other.count == 0) {
                return this;
            }
            long n = Math.addExact(count, other.count);
            double weight = (double) count * other.count / n;
            for (int i = 0; i < d; i++) {
                delta[i] = other.mean[i] - mean[i];
            }
            for (int i = 0; i < d; i++) {
                int base = i * d;
                for (int j = i; j < d; j++) {
                    comoment[base + j] += other.comoment[base + j] + delta[i] * delta[j] * weight;
                }
            }
            double share = (double) other.count / n;
            for (int i = 0; i < d; i++) {
                mean[i] += delta[i] * share;
            }
            count = n;
            return this;
        }

        /** Adds the rows of another accumulator (left unchanged). */
        public Accumulator merge(Accumulator other) {
            return merge(Objects.requireNonNull(other, "other").snapshot());
        }

        /** Number of rows so far. */
        public long count() {
            return count;
        }

        /** The statistics of the rows so far. */
        public Covariance snapshot() {
            double[] full = new double[comoment.length];
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    double v = comoment[i * d + j];
                    full[i * d + j] = v;
                    full[j * d + i] = v;
                }
            }
            return new Covariance(count, mean.clone(), full);
        }
    }
}
