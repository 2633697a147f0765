package io.warden.detectors.multivariate;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A two-sample test of a window against a reference sample by the maximum mean discrepancy
 * (Gretton, Borgwardt, Rasch, Sch&ouml;lkopf &amp; Smola, "A Kernel Two-Sample Test", JMLR 13,
 * 2012) with a Gaussian kernel and a permutation test.
 *
 * <p><b>Statistic.</b> For a reference sample x<sub>1..n</sub> and a window y<sub>1..m</sub>, with
 * k(a, b) = exp(&minus;&#x2016;a &minus; b&#x2016;&sup2; / (2&sigma;&sup2;)), the unbiased estimate
 * of MMD&sup2; (Gretton et al., Lemma 6) is
 *
 * <pre>
 *   MMD&sup2;_u = 1/(n(n-1)) &Sigma;_{i&ne;j} k(x_i,x_j) + 1/(m(m-1)) &Sigma;_{i&ne;j} k(y_i,y_j)
 *            - 2/(nm) &Sigma;_{i,j} k(x_i,y_j)
 * </pre>
 *
 * It is zero in expectation when both samples come from one distribution and positive otherwise,
 * for any change of distribution (the Gaussian kernel is characteristic), including changes of
 * correlation that leave every marginal alone.
 *
 * <p><b>Bandwidth.</b> Unless given, &sigma; is the median heuristic on the reference: the median
 * of the Euclidean distances between distinct reference rows (as numpy's {@code median} of {@code
 * scipy.spatial.distance.pdist}; Gretton et al., Section 8). If that median is 0 (mostly duplicate
 * rows), the mean distance is used, and 1 if all rows are equal.
 *
 * <p><b>p-value.</b> The pooled rows are randomly re-split into samples of sizes n and m {@code
 * permutations} times (default {@value #DEFAULT_PERMUTATIONS}); p = (1 + #{permuted statistic &ge;
 * observed}) / (1 + permutations), which is a valid p-value (Phipson &amp; Smyth, "Permutation
 * p-values should never be zero", SAGMB 2010); the window drifted when p &le; alpha (default
 * {@value #DEFAULT_ALPHA}). The permutations are seeded: the same window always gives the same
 * result.
 *
 * <p><b>Standardization.</b> A Gaussian kernel on raw features is dominated by the features of
 * largest scale; {@link Builder#standardize} applies (x &minus; center) / scale to reference and
 * window rows alike (then a non-finite value is imputed as 0, the reference mean).
 *
 * <p><b>Cost.</b> Reference and window are capped at {@code maxReferenceRows} and {@code
 * maxWindowRows} (default {@value #DEFAULT_MAX_ROWS} each; larger ones are subsampled, seeded). One
 * test computes the (n+m)&sup2;/2 kernel values once, O((n+m)&sup2;&middot;d), and each permutation
 * re-sums them, O((n+m)&sup2;): O((n+m)&sup2;&middot;(d + permutations)) time and (n+m)&sup2;/2
 * doubles (4 MB at n = m = 500) of memory per test. The bandwidth costs O(n&sup2;&middot;d +
 * n&sup2; log n) once, when built.
 *
 * <pre>{@code
 * Mmd mmd = Mmd.builder(referenceRows).standardize(mean, sd).permutations(200).seed(7).build();
 * MmdResult result = mmd.test(windowRows);
 * if (result.drifted()) { ... result.pValue() ... }
 * }</pre>
 *
 * Instances are immutable and thread-safe.
 */
public final class Mmd implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default number of permutations: {@value}. */
    public static final int DEFAULT_PERMUTATIONS = 100;

    /** Default significance level: {@value}. */
    public static final double DEFAULT_ALPHA = 0.05;

    /** Default largest number of reference rows, and of window rows, used: {@value}. */
    public static final int DEFAULT_MAX_ROWS = 500;

    /** Default seed of the permutations and subsamples. */
    public static final long DEFAULT_SEED = 0x5741_5244_454E_4D4DL;

    /** Reference rows after the transform, row-major n x d. */
    private final double[] reference;

    private final int dimension;
    private final double[] center; // null: no standardization
    private final double[] scale;
    private final double bandwidth;
    private final int permutations;
    private final double alpha;
    private final long seed;
    private final int maxWindowRows;

    private Mmd(Builder b, double[] reference, double bandwidth) {
        this.reference = reference;
        this.dimension = b.dimension;
        this.center = b.center;
        this.scale = b.scale;
        this.bandwidth = bandwidth;
        this.permutations = b.permutations;
        this.alpha = b.alpha;
        this.seed = b.seed;
        this.maxWindowRows = b.maxWindowRows;
    }

    /** A builder for a test against the given reference rows (copied when built). */
    public static Builder builder(double[][] referenceRows) {
        return new Builder(Objects.requireNonNull(referenceRows, "referenceRows"));
    }

    /** A builder for a test against the rows of a reference sample. */
    public static Builder builder(RowSample referenceRows) {
        return new Builder(Objects.requireNonNull(referenceRows, "referenceRows").toArray());
    }

    /**
     * Tests a window against the reference.
     *
     * @throws IllegalArgumentException if the window has fewer than 2 rows, a row of the wrong
     *     length, or (without standardization) a value that is not finite
     */
    public MmdResult test(double[][] window) {
        Objects.requireNonNull(window, "window");
        SplitMix64 random = new SplitMix64(seed);
        int[] chosen = subsample(window.length, maxWindowRows, random);
        if (chosen.length < 2) {
            throw new IllegalArgumentException(
                    "an MMD test needs at least 2 window rows, has " + window.length);
        }
        int n = reference.length / dimension;
        int m = chosen.length;
        int total = n + m;
        double[] pooled = Arrays.copyOf(reference, total * dimension);
        for (int i = 0; i < m; i++) {
            transform(window[chosen[i]], chosen[i], pooled, (n + i) * dimension);
        }
        // Upper triangle (i < j) of the pooled kernel matrix, row by row.
        double gamma = 1.0 / (2.0 * bandwidth * bandwidth);
        long pairs = (long) total * (total - 1) / 2;
        if (pairs > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    total + " pooled rows are too many for one kernel matrix; lower the row caps");
        }
        int[] rowStart = new int[total];
        double[] kernel = new double[(int) pairs];
        double[] rowTotal = new double[total];
        int offset = 0;
        for (int i = 0; i < total; i++) {
            rowStart[i] = offset;
            double sum = 0.0;
            for (int j = i + 1; j < total; j++) {
                double k = Math.exp(-gamma * squaredDistance(pooled, i, pooled, j, dimension));
                kernel[offset++] = k;
                sum += k;
            }
            rowTotal[i] = sum;
        }
        double[] inX = new double[total];
        Arrays.fill(inX, 0, n, 1.0);
        double observed = statistic(kernel, rowStart, rowTotal, inX, n, m);
        int[] order = new int[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        double[] permuted = new double[permutations];
        int atLeast = 0;
        for (int b = 0; b < permutations; b++) {
            for (int i = 0; i < n; i++) { // partial Fisher-Yates: a uniform n-subset is X
                int j = i + random.nextIntBelow(total - i);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
            Arrays.fill(inX, 0.0);
            for (int i = 0; i < n; i++) {
                inX[order[i]] = 1.0;
            }
            permuted[b] = statistic(kernel, rowStart, rowTotal, inX, n, m);
            if (permuted[b] >= observed) {
                atLeast++;
            }
        }
        double p = pValue(atLeast, permutations);
        return new MmdResult(
                observed,
                p,
                alpha,
                criticalValue(permuted, alpha),
                p <= alpha,
                bandwidth,
                permutations,
                n,
                m);
    }

    private static double pValue(int atLeastAsExtreme, int permutations) {
        return (1.0 + atLeastAsExtreme) / (1.0 + permutations);
    }

    /**
     * The (c+1)-th largest permuted statistic, for the largest c with pValue(c) &le; alpha: the
     * observed statistic drifts exactly when it exceeds this value.
     */
    private static double criticalValue(double[] permuted, double alpha) {
        int allowed = -1;
        while (allowed + 1 < permuted.length && pValue(allowed + 1, permuted.length) <= alpha) {
            allowed++;
        }
        if (allowed < 0) {
            return Double.POSITIVE_INFINITY;
        }
        double[] sorted = permuted.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length - 1 - allowed];
    }

    /** MMD&sup2;_u of the split given by inX (1 for the n rows of X, 0 for the m of Y). */
    private static double statistic(
            double[] kernel, int[] rowStart, double[] rowTotal, double[] inX, int n, int m) {
        int total = inX.length;
        double sxx = 0.0;
        double syy = 0.0;
        double all = 0.0;
        for (int i = 0; i < total; i++) {
            int start = rowStart[i] - (i + 1); // kernel[start + j] = k(i, j) for j > i
            // Four partial sums: a single one would wait on each addition's latency.
            double t0 = 0.0;
            double t1 = 0.0;
            double t2 = 0.0;
            double t3 = 0.0;
            int j = i + 1;
            for (; j + 3 < total; j += 4) {
                t0 += inX[j] * kernel[start + j];
                t1 += inX[j + 1] * kernel[start + j + 1];
                t2 += inX[j + 2] * kernel[start + j + 2];
                t3 += inX[j + 3] * kernel[start + j + 3];
            }
            for (; j < total; j++) {
                t0 += inX[j] * kernel[start + j];
            }
            double toX = (t0 + t1) + (t2 + t3);
            sxx += inX[i] * toX;
            syy += (1.0 - inX[i]) * (rowTotal[i] - toX);
            all += rowTotal[i];
        }
        double sxy = all - sxx - syy;
        return 2.0 * sxx / ((double) n * (n - 1))
                + 2.0 * syy / ((double) m * (m - 1))
                - 2.0 * sxy / ((double) n * m);
    }

    private void transform(double[] row, long index, double[] out, int at) {
        transform(row, index, out, at, dimension, center, scale);
    }

    private static void transform(
            double[] row,
            long index,
            double[] out,
            int at,
            int dimension,
            double[] center,
            double[] scale) {
        Objects.requireNonNull(row, () -> "row #" + index);
        if (row.length != dimension) {
            throw new IllegalArgumentException(
                    "row #" + index + " has " + row.length + " values, expected " + dimension);
        }
        for (int i = 0; i < dimension; i++) {
            double x = row[i];
            if (center != null) {
                out[at + i] = Double.isFinite(x) ? (x - center[i]) / scale[i] : 0.0;
            } else if (Double.isFinite(x)) {
                out[at + i] = x;
            } else {
                throw new IllegalArgumentException(
                        "row #" + index + " value [" + i + "] is not finite: " + x);
            }
        }
    }

    /** Indices of a seeded uniform subset of at most {@code max} of {@code size}, ascending. */
    private static int[] subsample(int size, int max, SplitMix64 random) {
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            all[i] = i;
        }
        if (size <= max) {
            return all;
        }
        for (int i = 0; i < max; i++) {
            int j = i + random.nextIntBelow(size - i);
            int swap = all[i];
            all[i] = all[j];
            all[j] = swap;
        }
        int[] chosen = Arrays.copyOf(all, max);
        Arrays.sort(chosen);
        return chosen;
    }

    private static double squaredDistance(double[] a, int i, double[] b, int j, int d) {
        int ai = i * d;
        int bj = j * d;
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int c = 0;
        for (; c + 3 < d; c += 4) {
            double d0 = a[ai + c] - b[bj + c];
            double d1 = a[ai + c + 1] - b[bj + c + 1];
            double d2 = a[ai + c + 2] - b[bj + c + 2];
            double d3 = a[ai + c + 3] - b[bj + c + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; c < d; c++) {
            double diff = a[ai + c] - b[bj + c];
            s0 += diff * diff;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The median heuristic bandwidth of rows: the median Euclidean distance between distinct rows
     * (the mean of the two middle ones for an even count), or the mean distance if the median is 0,
     * or 1 if every distance is 0.
     *
     * @throws IllegalArgumentException if there are fewer than 2 rows or the rows differ in length
     */
    public static double medianHeuristic(double[][] rows) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length < 2) {
            throw new IllegalArgumentException("the median heuristic needs at least 2 rows");
        }
        int d = rows[0].length;
        double[] flat = new double[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            transform(rows[i], i, flat, i * d, d, null, null);
        }
        return medianHeuristic(flat, rows.length, d);
    }

    private static double medianHeuristic(double[] flat, int n, int d) {
        double[] distances = new double[n * (n - 1) / 2];
        int k = 0;
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double distance = Math.sqrt(squaredDistance(flat, i, flat, j, d));
                distances[k++] = distance;
                sum += distance;
            }
        }
        Arrays.sort(distances);
        int half = distances.length / 2;
        double median =
                distances.length % 2 == 1
                        ? distances[half]
                        : (distances[half - 1] + distances[half]) / 2.0;
        if (median > 0.0) {
            return median;
        }
        double mean = sum / distances.length;
        return mean > 0.0 ? mean : 1.0;
    }

    /**
     * The unbiased MMD&sup2; estimate between two samples with a Gaussian kernel of the given
     * bandwidth (see the class description), computed directly: O((n+m)&sup2;&middot;d).
     *
     * @throws IllegalArgumentException if a sample has fewer than 2 rows, the rows differ in
     *     length, a value is not finite, or the bandwidth is not positive
     */
    public static double unbiasedMmd2(double[][] x, double[][] y, double bandwidth) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.length < 2 || y.length < 2) {
            throw new IllegalArgumentException("each sample needs at least 2 rows");
        }
        requireBandwidth(bandwidth);
        int d = x[0].length;
        int n = x.length;
        int m = y.length;
        double[] fx = new double[n * d];
        double[] fy = new double[m * d];
        for (int i = 0; i < n; i++) {
            transform(x[i], i, fx, i * d, d, null, null);
        }
        for (int i = 0; i < m; i++) {
            transform(y[i], i, fy, i * d, d, null, null);
        }
        double gamma = 1.0 / (2.0 * bandwidth * bandwidth);
        double kxx = 0.0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                kxx += Math.exp(-gamma * squaredDistance(fx, i, fx, j, d));
            }
        }
        double kyy = 0.0;
        for (int i = 0; i < m; i++) {
            for (int j = i + 1; j < m; j++) {
                kyy += Math.exp(-gamma * squaredDistance(fy, i, fy, j, d));
            }
        }
        double kxy = 0.0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                kxy += Math.exp(-gamma * squaredDistance(fx, i, fy, j, d));
            }
        }
        return 2.0 * kxx / ((double) n * (n - 1))
                + 2.0 * kyy / ((double) m * (m - 1))
                - 2.0 * kxy / ((double) n * m);
    }

    private static void requireBandwidth(double bandwidth) {
        if (!(bandwidth > 0.0 && bandwidth < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(
                    "bandwidth must be positive and finite, but is " + bandwidth);
        }
    }

    /** The kernel bandwidth &sigma;. */
    public double bandwidth() {
        return bandwidth;
    }

    /** Number of reference rows used, n. */
    public int referenceSize() {
        return reference.length / dimension;
    }

    /** Number of features, d. */
    public int dimension() {
        return dimension;
    }

    /** Number of permutations per test. */
    public int permutations() {
        return permutations;
    }

    /** The significance level. */
    public double alpha() {
        return alpha;
    }

    /** The largest number of window rows a test uses. */
    public int maxWindowRows() {
        return maxWindowRows;
    }

    /** Whether rows are standardized before the kernel is applied. */
    public boolean isStandardized() {
        return center != null;
    }

    @Override
    public String toString() {
        return "Mmd[n="
                + referenceSize()
                + ", d="
                + dimension
                + ", bandwidth="
                + bandwidth
                + ", permutations="
                + permutations
                + ", alpha="
                + alpha
                + "]";
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (reference == null
                || dimension < 1
                || reference.length % dimension != 0
                || reference.length / dimension < 2
                || (center == null) != (scale == null)
                || (center != null && (center.length != dimension || scale.length != dimension))
                || !(bandwidth > 0.0)
                || permutations < 1
                || !(alpha > 0.0 && alpha < 1.0)
                || maxWindowRows < 2) {
            throw new InvalidObjectException("invalid Mmd");
        }
    }

    /**
     * Configures an {@link Mmd} test: defaults {@value #DEFAULT_PERMUTATIONS} permutations, alpha
     * {@value #DEFAULT_ALPHA}, at most {@value #DEFAULT_MAX_ROWS} reference and window rows, the
     * median-heuristic bandwidth, no standardization, {@link #DEFAULT_SEED}.
     */
    public static final class Builder {

        private final double[][] rows;
        private final int dimension;
        private double[] center;
        private double[] scale;
        private double bandwidth = Double.NaN;
        private int permutations = DEFAULT_PERMUTATIONS;
        private double alpha = DEFAULT_ALPHA;
        private long seed = DEFAULT_SEED;
        private int maxReferenceRows = DEFAULT_MAX_ROWS;
        private int maxWindowRows = DEFAULT_MAX_ROWS;

        private Builder(double[][] rows) {
            if (rows.length < 2) {
                throw new IllegalArgumentException(
                        "an MMD reference needs at least 2 rows, has " + rows.length);
            }
            this.rows = rows;
            this.dimension = Objects.requireNonNull(rows[0], "row #0").length;
            if (dimension < 1) {
                throw new IllegalArgumentException("rows must have at least one value");
            }
        }

        /**
         * Standardizes reference and window rows as (x &minus; center) / scale, with non-finite
         * values imputed as 0; the arrays are copied.
         *
         * @throws IllegalArgumentException if a length differs from the rows' or a scale is not
         *     positive and finite
         */
        public Builder standardize(double[] center, double[] scale) {
            Objects.requireNonNull(center, "center");
            Objects.requireNonNull(scale, "scale");
            if (center.length != dimension || scale.length != dimension) {
                throw new IllegalArgumentException(
                        "center and scale need " + dimension + " values each");
            }
            for (int i = 0; i < dimension; i++) {
                if (!Double.isFinite(center[i]) || !(scale[i] > 0.0 && Double.isFinite(scale[i]))) {
                    throw new IllegalArgumentException(
                            "center must be finite and scale positive, at index " + i);
                }
            }
            this.center = center.clone();
            this.scale = scale.clone();
            return this;
        }

        /** A fixed kernel bandwidth &sigma; instead of the median heuristic. */
        public Builder bandwidth(double bandwidth) {
            requireBandwidth(bandwidth);
            this.bandwidth = bandwidth;
            return this;
        }

        /** Number of permutations, at least 1 (default {@value #DEFAULT_PERMUTATIONS}). */
        public Builder permutations(int permutations) {
            if (permutations < 1) {
                throw new IllegalArgumentException(
                        "permutations must be at least 1, but is " + permutations);
            }
            this.permutations = permutations;
            return this;
        }

        /** Significance level in (0, 1) (default {@value #DEFAULT_ALPHA}). */
        public Builder alpha(double alpha) {
            if (!(alpha > 0.0 && alpha < 1.0)) {
                throw new IllegalArgumentException("alpha must be in (0, 1), but is " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        /** Seed of the permutations and subsamples. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Largest number of reference rows used, at least 2; more are subsampled (seeded). */
        public Builder maxReferenceRows(int max) {
            if (max < 2) {
                throw new IllegalArgumentException("maxReferenceRows must be at least 2");
            }
            this.maxReferenceRows = max;
            return this;
        }

        /** Largest number of window rows used, at least 2; more are subsampled (seeded). */
        public Builder maxWindowRows(int max) {
            if (max < 2) {
                throw new IllegalArgumentException("maxWindowRows must be at least 2");
            }
            this.maxWindowRows = max;
            return this;
        }

        /**
         * The test.
         *
         * @throws IllegalArgumentException if a reference row has the wrong length or (without
         *     standardization) a value that is not finite
         */
        public Mmd build() {
            int[] chosen =
                    subsample(
                            rows.length, maxReferenceRows, new SplitMix64(SplitMix64.mix(seed, 1)));
            double[] reference = new double[chosen.length * dimension];
            for (int i = 0; i < chosen.length; i++) {
                transform(
                        rows[chosen[i]],
                        chosen[i],
                        reference,
                        i * dimension,
                        dimension,
                        center,
                        scale);
            }
            double sigma =
                    Double.isNaN(bandwidth)
                            ? medianHeuristic(reference, chosen.length, dimension)
                            : bandwidth;
            return new Mmd(this, reference, sigma);
        }
    }
}
