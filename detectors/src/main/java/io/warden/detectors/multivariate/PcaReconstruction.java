package io.warden.detectors.multivariate;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealVector;

/**
 * A PCA model of reference data and the reconstruction error of a row under it, as NannyML's "data
 * reconstruction with PCA" multivariate drift method computes it (NannyML documentation, <a
 * href="https://nannyml.readthedocs.io/en/stable/how_it_works/multivariate_drift.html">How it
 * works: Multivariate Drift Detection</a>; {@code DataReconstructionDriftCalculator}).
 *
 * <p><b>Fitting</b> ({@link #fit}). Each feature is standardized with the reference mean and
 * population standard deviation (scikit-learn's {@code StandardScaler}; a feature with zero
 * variance gets scale 1). The principal components are the eigenvectors of the standardized
 * reference covariance (the correlation matrix), by decreasing eigenvalue. As scikit-learn's {@code
 * PCA(n_components=share)} does for a share in (0, 1), the smallest number of components whose
 * cumulative explained variance ratio exceeds the share is kept: k = #{i : cumsum<sub>i</sub> &le;
 * share} + 1. NannyML's default share is {@value #DEFAULT_VARIANCE_SHARE}. Components are
 * sign-normalized so that the entry of largest magnitude is positive (signs do not change errors).
 *
 * <p><b>Error</b> ({@link #error}). For a row x: z = (x &minus; mean) / scale, with a missing value
 * (NaN, or infinite: not a usable number) imputed by the reference mean (z<sub>i</sub> = 0,
 * NannyML's default mean imputation); the reconstruction is W<sup>T</sup>W z for the k &times; d
 * component matrix W, and the error is the Euclidean distance &#x2016;z &minus; W<sup>T</sup>W
 * z&#x2016;. A window's error is the mean over its rows.
 *
 * <p>NannyML also frequency-encodes categorical features into the PCA; this model covers the
 * numeric features only. The covariance comes from {@link Covariance} (one pass, mergeable), and
 * the eigen-decomposition from Commons Math's {@link EigenDecomposition}: O(d&sup3;) once per fit.
 *
 * <p><b>Cost.</b> {@link #error} is 2&middot;k&middot;d multiply-adds plus d divisions, allocating
 * a d- and a k-element array: about a microsecond for d = 64 and k = 15. Instances are immutable
 * and thread-safe.
 */
public final class PcaReconstruction implements Serializable {

    private static final long serialVersionUID = 1L;

    /** NannyML's default share of variance the kept components must explain: {@value}. */
    public static final double DEFAULT_VARIANCE_SHARE = 0.65;

    private final double varianceShare;
    private final double[] center;
    private final double[] scale;

    /** All d explained variance ratios, descending. */
    private final double[] explainedVarianceRatio;

    /** Row-major k x d: the kept components, each of unit length. */
    private final double[] components;

    private final int componentCount;

    private PcaReconstruction(
            double varianceShare,
            double[] center,
            double[] scale,
            double[] explainedVarianceRatio,
            double[] components) {
        this.varianceShare = varianceShare;
        this.center = center;
        this.scale = scale;
        this.explainedVarianceRatio = explainedVarianceRatio;
        this.components = components;
        this.componentCount = components.length / center.length;
    }

    /**
     * Fits the model to reference statistics.
     *
     * @param reference the reference rows' covariance statistics; at least two rows
     * @param varianceShare the share of variance the kept components must explain, in (0, 1)
     * @throws IllegalArgumentException if there are fewer than two rows or the share is not in (0,
     *     1)
     */
    public static PcaReconstruction fit(Covariance reference, double varianceShare) {
        Objects.requireNonNull(reference, "reference");
        requireShare(varianceShare);
        if (reference.count() < 2) {
            throw new IllegalArgumentException(
                    "PCA needs at least 2 reference rows, has " + reference.count());
        }
        int d = reference.dimension();
        long n = reference.count();
        double[] center = reference.mean();
        double[] scale = new double[d];
        for (int i = 0; i < d; i++) {
            double sd = Math.sqrt(reference.comoment(i, i) / n);
            scale[i] = sd > 0.0 ? sd : 1.0;
        }
        double[][] correlation = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                correlation[i][j] = reference.comoment(i, j) / n / (scale[i] * scale[j]);
            }
        }
        EigenDecomposition eigen = new EigenDecomposition(new Array2DRowRealMatrix(correlation));
        double[] values = eigen.getRealEigenvalues();
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double total = 0.0;
        for (double v : values) {
            total += Math.max(0.0, v);
        }
        double[] ratios = new double[d];
        for (int i = 0; i < d; i++) {
            ratios[i] = total > 0.0 ? Math.max(0.0, values[order[i]]) / total : 0.0;
        }
        int k = componentsFor(ratios, varianceShare);
        double[] components = new double[k * d];
        for (int c = 0; c < k; c++) {
            RealVector v = eigen.getEigenvector(order[c]);
            double norm = v.getNorm();
            int largest = 0;
            for (int i = 1; i < d; i++) {
                if (Math.abs(v.getEntry(i)) > Math.abs(v.getEntry(largest))) {
                    largest = i;
                }
            }
            double sign = v.getEntry(largest) < 0 ? -1.0 : 1.0;
            for (int i = 0; i < d; i++) {
                components[c * d + i] = sign * v.getEntry(i) / norm;
            }
        }
        return new PcaReconstruction(varianceShare, center, scale, ratios, components);
    }

    /**
     * The number of components scikit-learn keeps for a share in (0, 1): one more than the number
     * of cumulative ratios not above the share, at most all of them; none if no variance at all.
     */
    static int componentsFor(double[] ratios, double share) {
        if (ratios.length == 0 || ratios[0] == 0.0) {
            return 0;
        }
        double cumulative = 0.0;
        int atMost = 0;
        for (double r : ratios) {
            cumulative += r;
            if (cumulative <= share) {
                atMost++;
            } else {
                break;
            }
        }
        return Math.min(ratios.length, atMost + 1);
    }

    /**
     * A model from its parts, e.g. read from a profile file; the arrays are copied and checked.
     *
     * @param varianceShare the share the components were chosen for, in (0, 1)
     * @param center per-feature reference means, d values
     * @param scale per-feature standardization scales, d positive values
     * @param explainedVarianceRatio all d explained variance ratios, descending, summing to 1 (or
     *     all 0)
     * @param components the kept components, k rows of d values each
     * @throws IllegalArgumentException if the parts are inconsistent
     */
    public static PcaReconstruction of(
            double varianceShare,
            double[] center,
            double[] scale,
            double[] explainedVarianceRatio,
            double[][] components) {
        requireShare(varianceShare);
        Objects.requireNonNull(center, "center");
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(explainedVarianceRatio, "explainedVarianceRatio");
        Objects.requireNonNull(components, "components");
        int d = center.length;
        if (d < 1) {
            throw new IllegalArgumentException("dimension must be at least 1");
        }
        if (scale.length != d || explainedVarianceRatio.length != d) {
            throw new IllegalArgumentException(
                    "center, scale and explainedVarianceRatio must all have "
                            + d
                            + " values, but have "
                            + center.length
                            + ", "
                            + scale.length
                            + " and "
                            + explainedVarianceRatio.length);
        }
        for (int i = 0; i < d; i++) {
            if (!Double.isFinite(center[i])) {
                throw new IllegalArgumentException("center[" + i + "] is not finite");
            }
            if (!(scale[i] > 0.0 && scale[i] < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException(
                        "scale[" + i + "] must be positive and finite, but is " + scale[i]);
            }
            double r = explainedVarianceRatio[i];
            if (!(r >= 0.0 && r <= 1.0) || (i > 0 && !(r <= explainedVarianceRatio[i - 1]))) {
                throw new IllegalArgumentException(
                        "explainedVarianceRatio must be descending values in [0, 1], at index "
                                + i);
            }
        }
        int expected = componentsFor(explainedVarianceRatio, varianceShare);
        if (components.length != expected) {
            throw new IllegalArgumentException(
                    "explained variance ratios "
                            + Arrays.toString(explainedVarianceRatio)
                            + " with share "
                            + varianceShare
                            + " call for "
                            + expected
                            + " components, but "
                            + components.length
                            + " are given");
        }
        double[] flat = new double[components.length * d];
        for (int c = 0; c < components.length; c++) {
            double[] row = Objects.requireNonNull(components[c], "component");
            if (row.length != d) {
                throw new IllegalArgumentException(
                        "component " + c + " has " + row.length + " values, expected " + d);
            }
            double norm = 0.0;
            for (int i = 0; i < d; i++) {
                if (!Double.isFinite(row[i])) {
                    throw new IllegalArgumentException(
                            "component " + c + " value " + i + " is not finite");
                }
                norm += row[i] * row[i];
            }
            if (Math.abs(norm - 1.0) > 1e-6) {
                throw new IllegalArgumentException(
                        "component " + c + " must have unit length, but has " + Math.sqrt(norm));
            }
            System.arraycopy(row, 0, flat, c * d, d);
        }
        return new PcaReconstruction(
                varianceShare, center.clone(), scale.clone(), explainedVarianceRatio.clone(), flat);
    }

    private static void requireShare(double share) {
        if (!(share > 0.0 && share < 1.0)) {
            throw new IllegalArgumentException("variance share must be in (0, 1), but is " + share);
        }
    }

    /**
     * The reconstruction error of one row (see the class description); values that are not finite
     * are imputed by the reference mean.
     *
     * @throws IllegalArgumentException if the row's length is not the dimension
     */
    public double error(double[] row) {
        int d = center.length;
        if (row.length != d) {
            throw new IllegalArgumentException(
                    "row has " + row.length + " values, the PCA model " + d);
        }
        double[] residual = new double[d];
        for (int i = 0; i < d; i++) {
            residual[i] = standardized(row, i);
        }
        double[] w = components;
        double[] projection = new double[componentCount];
        for (int c = 0; c < projection.length; c++) {
            projection[c] = dot(w, c * d, residual, d);
        }
        // residual = z - W^T (W z), one axpy per component (contiguous, vectorizable).
        for (int c = 0; c < projection.length; c++) {
            double pc = projection[c];
            int base = c * d;
            for (int i = 0; i < d; i++) {
                residual[i] -= w[base + i] * pc;
            }
        }
        return Math.sqrt(dot(residual, 0, residual, d));
    }

    /** a[from..from+n) . b[0..n), with four partial sums to shorten the dependency chain. */
    private static double dot(double[] a, int from, double[] b, int n) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[from + i] * b[i];
            s1 += a[from + i + 1] * b[i + 1];
            s2 += a[from + i + 2] * b[i + 2];
            s3 += a[from + i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[from + i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private double standardized(double[] row, int i) {
        double x = row[i];
        return Double.isFinite(x) ? (x - center[i]) / scale[i] : 0.0;
    }

    /**
     * The mean reconstruction error of a window's rows, NannyML's per-chunk statistic.
     *
     * @throws IllegalArgumentException if there is no row, or a row's length is not the dimension
     */
    public double meanError(double[][] rows) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length == 0) {
            throw new IllegalArgumentException("a window needs at least one row");
        }
        double sum = 0.0;
        for (double[] row : rows) {
            sum += error(row);
        }
        return sum / rows.length;
    }

    /**
     * The standardized row (x &minus; mean) / scale, with values that are not finite imputed as 0
     * (the reference mean).
     *
     * @throws IllegalArgumentException as for {@link #error}
     */
    public double[] standardize(double[] row) {
        if (row.length != center.length) {
            throw new IllegalArgumentException(
                    "row has " + row.length + " values, the PCA model " + center.length);
        }
        double[] z = new double[row.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = standardized(row, i);
        }
        return z;
    }

    /** Number of features, d. */
    public int dimension() {
        return center.length;
    }

    /** Number of components kept, k. */
    public int componentCount() {
        return componentCount;
    }

    /** The share of variance the components were chosen to explain. */
    public double varianceShare() {
        return varianceShare;
    }

    /** The variance explained by the kept components, a share of the total. */
    public double explainedVariance() {
        double sum = 0.0;
        for (int c = 0; c < componentCount; c++) {
            sum += explainedVarianceRatio[c];
        }
        return sum;
    }

    /** A copy of the per-feature reference means. */
    public double[] center() {
        return center.clone();
    }

    /** A copy of the per-feature standardization scales. */
    public double[] scale() {
        return scale.clone();
    }

    /** A copy of all d explained variance ratios, descending (scikit-learn's full PCA). */
    public double[] explainedVarianceRatio() {
        return explainedVarianceRatio.clone();
    }

    /** A copy of the kept components, k rows of d values. */
    public double[][] components() {
        int d = center.length;
        double[][] out = new double[componentCount][];
        for (int c = 0; c < componentCount; c++) {
            out[c] = Arrays.copyOfRange(components, c * d, (c + 1) * d);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcaReconstruction other
                && Double.compare(varianceShare, other.varianceShare) == 0
                && Arrays.equals(center, other.center)
                && Arrays.equals(scale, other.scale)
                && Arrays.equals(explainedVarianceRatio, other.explainedVarianceRatio)
                && Arrays.equals(components, other.components);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                varianceShare,
                Arrays.hashCode(center),
                Arrays.hashCode(scale),
                Arrays.hashCode(explainedVarianceRatio),
                Arrays.hashCode(components));
    }

    @Override
    public String toString() {
        return "PcaReconstruction[d="
                + center.length
                + ", k="
                + componentCount
                + ", explained="
                + explainedVariance()
                + ", share="
                + varianceShare
                + "]";
    }

    private Object writeReplace() {
        return new SerializedForm(this);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("PcaReconstruction is read through its serialized form");
    }

    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;

        private final double varianceShare;
        private final double[] center;
        private final double[] scale;
        private final double[] explainedVarianceRatio;
        private final double[][] components;

        SerializedForm(PcaReconstruction pca) {
            this.varianceShare = pca.varianceShare;
            this.center = pca.center;
            this.scale = pca.scale;
            this.explainedVarianceRatio = pca.explainedVarianceRatio;
            this.components = pca.components();
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                return of(varianceShare, center, scale, explainedVarianceRatio, components);
            } catch (IllegalArgumentException | NullPointerException e) {
                InvalidObjectException invalid =
                        new InvalidObjectException("invalid PcaReconstruction: " + e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }
}
