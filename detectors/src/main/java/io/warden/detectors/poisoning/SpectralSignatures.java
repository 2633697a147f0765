package io.warden.detectors.poisoning;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Spectral signatures of backdoor poisoning, after Tran, Li &amp; Madry, "Spectral Signatures in
 * Backdoor Attacks", NeurIPS 2018 (Algorithm 1). In a window of samples that all carry one label, a
 * backdoored subset (inputs of other classes with a trigger pattern, relabelled as this class)
 * shifts the window's mean along one direction, which then dominates the covariance: the top right
 * singular vector of the centred window points at the trigger, and the poisoned samples have the
 * largest projections on it.
 *
 * <p><b>Algorithm</b> ({@link #analyse}), for a window of n rows of one class:
 *
 * <ol>
 *   <li>Optionally project each row, r = W x with a fixed k &times; d {@code projection} (the paper
 *       uses a network's learned representations; a PCA basis of the reference or a model's
 *       penultimate layer fits here); otherwise the features themselves.
 *   <li>Centre the rows on the window mean, M = [r<sub>i</sub> &minus; r&#772;]; take the top right
 *       singular vector v of M as the top eigenvector of the k &times; k Gram matrix M<sup>T</sup>M
 *       (Commons Math's symmetric {@link EigenDecomposition}; the top singular value is the root of
 *       its eigenvalue). This is the SVD's answer (the tests check it against NumPy's {@code
 *       linalg.svd} to 1e-9) at a fraction of the cost of an SVD of the n &times; k matrix, which
 *       converges slowly on the clustered spectrum of a clean window.
 *   <li>Score each row &tau;<sub>i</sub> = ((r<sub>i</sub> &minus; r&#772;) &middot; v)&sup2;.
 *   <li>The candidates are the m = &lceil;1.5 &epsilon; n&rceil; rows of largest score (the paper
 *       removes 1.5 &epsilon; n, with &epsilon; an upper bound of the poisoned fraction; {@code
 *       epsilon}, default {@value #DEFAULT_EPSILON}).
 * </ol>
 *
 * <p><b>Separation guard</b> (not in the paper, which always removes its 1.5 &epsilon; n): a window
 * is judged separated, and its candidates flagged, only when the mean score of the candidates over
 * the median score of the window, G, is at least {@code separationFactor} (default {@value
 * #DEFAULT_SEPARATION_FACTOR}) times G<sub>0</sub>, its value for Gaussian projections. With q =
 * m/n and c = &Phi;<sup>&minus;1</sup>(1 &minus; q/2), a standard normal z gives E[z&sup2; | |z|
 * &gt; c] = 1 + 2c&phi;(c)/q and median(z&sup2;) = 0.4549, so G<sub>0</sub> = (1 + 2c&phi;(c)/q) /
 * 0.4549 (about 10.7 at q = 0.075). A clean, roughly Gaussian window scores G near G<sub>0</sub>
 * (the top direction is fitted to the window, which adds a little) and flags nothing; a backdoor
 * whose projection stands out from the class's own spread along v raises the candidates' mean many
 * times over the median. The guard needs the poisoned share well below one half (else the median is
 * a poisoned score) and features whose clean spread along v is not heavy-tailed; for those, raise
 * the factor, measured on clean windows of the class.
 *
 * <p><b>Cost.</b> The Gram matrix, n k&sup2;/2 multiply-adds, and a k &times; k symmetric eigen
 * decomposition, O(k&sup3;): a few milliseconds for n = 200, k = 64. The window is the caller's
 * (e.g. the last n feedback samples of a class in keyed state). Immutable and thread-safe.
 */
public final class SpectralSignatures implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The detector id of the results. */
    public static final String ID = "poisoning.spectral_signature";

    /** Default bound of the poisoned fraction &epsilon;: {@value}. */
    public static final double DEFAULT_EPSILON = 0.05;

    /** The paper's multiple of &epsilon; n removed: {@value}. */
    public static final double REMOVAL_FACTOR = 1.5;

    /** Default multiple of the Gaussian G<sub>0</sub> the guard requires: {@value}. */
    public static final double DEFAULT_SEPARATION_FACTOR = 2.0;

    /** Default fewest rows of a window: {@value}. */
    public static final int DEFAULT_MIN_WINDOW = 20;

    /** The median of &chi;&sup2; with one degree of freedom. */
    private static final double CHI2_1_MEDIAN = 0.454936423119572;

    private final double epsilon;
    private final double separationFactor;
    private final int minWindow;

    /** Row-major k x d, or null for none. */
    private final double[] projection;

    private final int projectedDimension;

    private SpectralSignatures(Builder b) {
        this.epsilon = b.epsilon;
        this.separationFactor = b.separationFactor;
        this.minWindow = b.minWindow;
        if (b.projection == null) {
            this.projection = null;
            this.projectedDimension = 0;
        } else {
            int k = b.projection.length;
            int d = k == 0 ? 0 : b.projection[0].length;
            if (k == 0 || d == 0) {
                throw new IllegalArgumentException(
                        "a projection needs at least one row and column");
            }
            this.projection = new double[k * d];
            for (int i = 0; i < k; i++) {
                if (b.projection[i].length != d) {
                    throw new IllegalArgumentException("projection rows must all have " + d);
                }
                for (int j = 0; j < d; j++) {
                    if (!Double.isFinite(b.projection[i][j])) {
                        throw new IllegalArgumentException("projection must be finite");
                    }
                    projection[i * d + j] = b.projection[i][j];
                }
            }
            this.projectedDimension = k;
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Analyses one window of samples that all carry the same label.
     *
     * @param window the rows, all of one length (the projection's column count when there is one),
     *     finite; at least {@code minWindow} rows
     * @throws IllegalArgumentException if the window is too small or its rows inconsistent
     */
    public SpectralSignaturesResult analyse(double[][] window) {
        Objects.requireNonNull(window, "window");
        int n = window.length;
        if (n < minWindow) {
            throw new IllegalArgumentException(
                    "a window needs at least " + minWindow + " rows, got " + n);
        }
        double[][] rows = projected(window);
        int k = rows[0].length;
        double[] mean = new double[k];
        for (double[] row : rows) {
            for (int j = 0; j < k; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] centred = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                centred[i][j] = rows[i][j] - mean[j];
            }
        }
        double[][] gram = new double[k][k];
        for (double[] row : centred) {
            for (int a = 0; a < k; a++) {
                double ra = row[a];
                for (int b = a; b < k; b++) {
                    gram[a][b] += ra * row[b];
                }
            }
        }
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < a; b++) {
                gram[a][b] = gram[b][a];
            }
        }
        EigenDecomposition eigen = new EigenDecomposition(new Array2DRowRealMatrix(gram, false));
        double[] eigenvalues = eigen.getRealEigenvalues();
        int largest = 0;
        for (int i = 1; i < k; i++) {
            if (eigenvalues[i] > eigenvalues[largest]) {
                largest = i;
            }
        }
        double[] v = eigen.getEigenvector(largest).unitVector().toArray();
        double topSingularValue = Math.sqrt(Math.max(0.0, eigenvalues[largest]));
        signNormalize(v);
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            double dot = 0.0;
            for (int j = 0; j < k; j++) {
                dot += centred[i][j] * v[j];
            }
            scores[i] = dot * dot;
        }
        int candidates = (int) Math.min(n, Math.ceil(REMOVAL_FACTOR * epsilon * n - 1e-9));
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        double topSum = 0.0;
        int[] top = new int[candidates];
        for (int i = 0; i < candidates; i++) {
            top[i] = order[i];
            topSum += scores[order[i]];
        }
        Arrays.sort(top);
        double median = median(scores);
        double separation = median > 0.0 ? topSum / candidates / median : Double.POSITIVE_INFINITY;
        if (topSum == 0.0) {
            separation = 0.0;
        }
        double required = separationFactor * gaussianSeparation((double) candidates / n);
        boolean separated = separation >= required;
        return new SpectralSignaturesResult(
                scores,
                separated ? top : new int[0],
                candidates,
                separation,
                required,
                separated,
                topSingularValue,
                v);
    }

    private double[][] projected(double[][] window) {
        int d = Objects.requireNonNull(window[0], "row 0").length;
        int expected = projection == null ? d : projection.length / projectedDimension;
        if (d != expected || d == 0) {
            throw new IllegalArgumentException(
                    "rows must have " + expected + " values, row 0 has " + d);
        }
        double[][] out = new double[window.length][];
        for (int i = 0; i < window.length; i++) {
            double[] row = Objects.requireNonNull(window[i], "row");
            if (row.length != d) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + row.length + " values, expected " + d);
            }
            for (double x : row) {
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException("row " + i + " holds a non-finite value");
                }
            }
            if (projection == null) {
                out[i] = row.clone();
            } else {
                out[i] = new double[projectedDimension];
                for (int p = 0; p < projectedDimension; p++) {
                    double sum = 0.0;
                    for (int j = 0; j < d; j++) {
                        sum += projection[p * d + j] * row[j];
                    }
                    out[i][p] = sum;
                }
            }
        }
        return out;
    }

    /** Makes the entry of largest magnitude positive (the first of equal magnitudes). */
    private static void signNormalize(double[] v) {
        int largest = 0;
        for (int i = 1; i < v.length; i++) {
            if (Math.abs(v[i]) > Math.abs(v[largest])) {
                largest = i;
            }
        }
        if (v[largest] < 0.0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = -v[i];
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /**
     * G<sub>0</sub>(q): the mean of the top share q of z&sup2; over the median of z&sup2;, z
     * standard normal.
     */
    static double gaussianSeparation(double q) {
        if (q >= 1.0) {
            return 1.0 / CHI2_1_MEDIAN;
        }
        NormalDistribution normal = new NormalDistribution(null, 0.0, 1.0);
        double c = normal.inverseCumulativeProbability(1.0 - q / 2.0);
        return (1.0 + 2.0 * c * normal.density(c) / q) / CHI2_1_MEDIAN;
    }

    /** The bound of the poisoned fraction &epsilon;. */
    public double epsilon() {
        return epsilon;
    }

    /** The multiple of G<sub>0</sub> the separation guard requires. */
    public double separationFactor() {
        return separationFactor;
    }

    /** Settings of a {@link SpectralSignatures}. */
    public static final class Builder {
        private double epsilon = DEFAULT_EPSILON;
        private double separationFactor = DEFAULT_SEPARATION_FACTOR;
        private int minWindow = DEFAULT_MIN_WINDOW;
        private double[][] projection;

        private Builder() {}

        /** Upper bound of the poisoned fraction, in (0, 1 / 3] (1.5 &epsilon; &le; 0.5). */
        public Builder epsilon(double epsilon) {
            if (!(epsilon > 0.0 && epsilon <= 1.0 / 3.0)) {
                throw new IllegalArgumentException("epsilon must be in (0, 1/3]: " + epsilon);
            }
            this.epsilon = epsilon;
            return this;
        }

        /** Multiple of G<sub>0</sub> a window's separation must reach; &ge; 1. */
        public Builder separationFactor(double separationFactor) {
            if (!(separationFactor >= 1.0) || Double.isInfinite(separationFactor)) {
                throw new IllegalArgumentException(
                        "separationFactor must be a finite value >= 1: " + separationFactor);
            }
            this.separationFactor = separationFactor;
            return this;
        }

        /** Fewest rows of a window; &ge; 3. */
        public Builder minWindow(int minWindow) {
            if (minWindow < 3) {
                throw new IllegalArgumentException("minWindow must be at least 3: " + minWindow);
            }
            this.minWindow = minWindow;
            return this;
        }

        /** A fixed k &times; d projection applied to every row before the SVD; null for none. */
        public Builder projection(double[][] projection) {
            this.projection = projection == null ? null : projection.clone();
            return this;
        }

        /** The detector. */
        public SpectralSignatures build() {
            return new SpectralSignatures(this);
        }
    }
}
