package io.warden.detectors.onnx;

import io.warden.detectors.multivariate.Covariance;
import io.warden.detectors.multivariate.MultivariateReference;
import io.warden.detectors.multivariate.PcaDriftReference;
import io.warden.detectors.multivariate.PcaReconstruction;
import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ReferenceProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealVector;

/**
 * Writes warden's built-in per-row anomaly scores as ONNX models, with parameters fitted from the
 * reference data, so they run through the same {@link OnnxScorer} as user-supplied detector models.
 * Every model takes the float input {@value #INPUT} of shape {@code [batch, d]} (a row is the
 * reference profile's numeric features, in the profile schema's order) and gives the float output
 * {@value #OUTPUT} of shape {@code [batch]}; larger is more anomalous. The graphs use ONNX opset
 * {@value GraphWriter#OPSET} operators only.
 *
 * <ul>
 *   <li><b>{@value #PCA_RECONSTRUCTION}</b> ({@link #pcaReconstruction}): the reconstruction error
 *       of {@link PcaReconstruction#error}, the Euclidean norm (not squared) &#x2016;z &minus;
 *       W<sup>T</sup>W z&#x2016; of the standardized row z = (x &minus; mean) / scale under the k
 *       &times; d kept components W (NannyML's data reconstruction with PCA). Ops: Sub, Div, IsNaN,
 *       IsInf, Or, Where, MatMul (z W<sup>T</sup>, then times W), Sub, ReduceSumSquare, Sqrt. The
 *       parameters are the reference profile's fitted PCA model ({@link
 *       MultivariateReference#pca()}), so the exported score is the one the multivariate drift test
 *       already uses.
 *   <li><b>{@value #MAHALANOBIS}</b> ({@link #mahalanobis}): the <em>squared</em> Mahalanobis
 *       distance (Mahalanobis, Proc. National Institute of Sciences of India, 1936) (x &minus;
 *       &mu;)<sup>T</sup> &Sigma;<sub>&epsilon;</sub><sup>&minus;1</sup> (x &minus; &mu;), as
 *       scikit-learn's {@code EmpiricalCovariance.mahalanobis} returns it: under a Gaussian
 *       reference it is chi-squared with d degrees of freedom. &mu; and &Sigma; are the mean and
 *       population covariance (divisor n) of the reference profile's {@link Covariance}; no row
 *       sample is needed. Ops: Sub, Div, IsNaN, IsInf, Or, Where, MatMul, ReduceSumSquare.
 * </ul>
 *
 * <p><b>Regularisation</b> (Mahalanobis). A constant feature or two identical (collinear) features
 * make &Sigma; singular. With s<sub>i</sub> the population standard deviation of feature i (1 where
 * it is 0, as {@link PcaReconstruction} scales) and D = diag(s), warden inverts
 * &Sigma;<sub>&epsilon; </sub> = D (R + &epsilon; I) D = &Sigma; + &epsilon; D&sup2;, where R =
 * D<sup>&minus;1</sup> &Sigma; D<sup>&minus;1</sup> is the correlation matrix: a ridge of &epsilon;
 * on the standardized scale, i.e. &epsilon; &middot; s<sub>i</sub>&sup2; on feature i (&epsilon;
 * for a constant one). It is the usual ridge of &epsilon; &middot; tr/d applied after
 * standardizing, so it does not depend on the features' units: a plain &epsilon; &middot;
 * tr(&Sigma;)/d would be set by the feature with the largest numbers and swamp one measured in
 * small units. The default {@value #DEFAULT_RIDGE} is a numerical safeguard that changes a
 * well-conditioned reference's distances by a relative {@value #DEFAULT_RIDGE} or less, not
 * statistical shrinkage; with few rows for many features a larger &epsilon; (e.g. Ledoit &amp;
 * Wolf, J. Multivariate Analysis 2004) is the better estimate. On a degenerate direction the
 * distance grows as (deviation in standard units)&sup2; / &epsilon;: a row that breaks a relation
 * every reference row kept scores very high, as it should.
 *
 * <p><b>Numerics.</b> Both graphs standardize first and then apply one fixed matrix: for the
 * Mahalanobis distance the whitening matrix V &Lambda;<sup>&minus;1/2</sup> from the eigen-
 * decomposition R + &epsilon; I = V &Lambda; V<sup>T</sup> (Commons Math, negative rounding
 * eigenvalues clamped to 0 before adding &epsilon;), and the score is the sum of squares of z V
 * &Lambda;<sup>&minus;1/2</sup>. That is the same quadratic form as z<sup>T</sup> (R + &epsilon;
 * I)<sup>&minus;1</sup> z but never negative, and in float it loses far less than multiplying by
 * the inverse, whose entries reach 1/&epsilon;. Parameters are rounded to float once; ONNX Runtime
 * computes in float.
 *
 * <p><b>Missing values.</b> As {@link PcaReconstruction#error} does, a value that is NaN or
 * infinite is imputed by the reference mean (its standardized value is 0), in both graphs.
 *
 * <p><b>Determinism and provenance.</b> The same parameters give the same bytes (no time stamps, no
 * generated names); the model's metadata names the detector, its parameters, the reference rows
 * and, when exported from a profile, the profile id and feature names. {@link ExportedModel#id()}
 * is the graph name plus the start of the bytes' SHA-256.
 *
 * <pre>{@code
 * ExportedModel pca = BuiltInDetectors.pcaReconstruction(profile);
 * ModelFile file = pca.writeTo(Path.of("pca.onnx"));   // pinned to pca.sha256()
 * try (OnnxScorer scorer = new OnnxScorer(file, pca.settings())) {
 *     scorer.score(rows, n, scores);
 * }
 * }</pre>
 */
public final class BuiltInDetectors {

    /** The input every built-in model takes: {@code [batch, d]} floats. */
    public static final String INPUT = "features";

    /** The output every built-in model gives: {@code [batch]} floats. */
    public static final String OUTPUT = "score";

    /** The name (graph name and version) of the PCA reconstruction error model: {@value}. */
    public static final String PCA_RECONSTRUCTION = "warden-pca-reconstruction-v1";

    /** The name (graph name and version) of the squared Mahalanobis distance model: {@value}. */
    public static final String MAHALANOBIS = "warden-mahalanobis-v1";

    /** The default ridge &epsilon; on the standardized covariance: {@value}. */
    public static final double DEFAULT_RIDGE = 1e-6;

    /**
     * Orthonormality tolerance for given components (the fitted ones are orthonormal to ~1e-15).
     */
    private static final double ORTHONORMAL_TOLERANCE = 1e-6;

    private BuiltInDetectors() {}

    // ---- PCA reconstruction error ------------------------------------------------------------

    /**
     * The PCA reconstruction error model of a reference profile's fitted PCA model.
     *
     * @throws IllegalArgumentException naming the profile when it has fewer than 2 numeric features
     *     or fewer than 2 complete rows (so no PCA model)
     */
    public static ExportedModel pcaReconstruction(ReferenceProfile profile) {
        Objects.requireNonNull(profile, "profile");
        PcaReconstruction model =
                multivariate(profile)
                        .pca()
                        .map(PcaDriftReference::reconstruction)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "reference profile "
                                                        + profile.id()
                                                        + " has "
                                                        + multivariate(profile).rows()
                                                        + " complete rows; a PCA model needs at"
                                                        + " least 2"));
        Provenance provenance = Provenance.of(profile);
        pcaProvenance(provenance, model);
        return pca(model.center(), model.scale(), model.components(), provenance);
    }

    /** The PCA reconstruction error model of a fitted PCA model; its error is the score. */
    public static ExportedModel pcaReconstruction(PcaReconstruction model) {
        Objects.requireNonNull(model, "model");
        Provenance provenance = new Provenance();
        pcaProvenance(provenance, model);
        return pca(model.center(), model.scale(), model.components(), provenance);
    }

    /**
     * The PCA reconstruction error model of explicit parameters: the score of a row x is &#x2016;z
     * &minus; W<sup>T</sup>W z&#x2016; with z = (x &minus; center) / scale.
     *
     * @param center per-feature means, d finite values
     * @param scale per-feature scales, d positive finite values
     * @param components k orthonormal rows of d values, k at most d (k = 0 scores
     *     &#x2016;z&#x2016;)
     * @throws IllegalArgumentException if the lengths disagree, k exceeds d, a value is not finite,
     *     a scale is not positive, or the components are not orthonormal
     */
    public static ExportedModel pcaReconstruction(
            double[] center, double[] scale, double[][] components) {
        return pca(center, scale, components, new Provenance());
    }

    private static void pcaProvenance(Provenance provenance, PcaReconstruction model) {
        provenance.put("warden.pca.variance-share", Double.toString(model.varianceShare()));
        provenance.put("warden.pca.explained-variance", Double.toString(model.explainedVariance()));
    }

    private static ExportedModel pca(
            double[] center, double[] scale, double[][] components, Provenance provenance) {
        int d = requireStandardization(center, scale);
        Objects.requireNonNull(components, "components");
        int k = components.length;
        if (k > d) {
            throw new IllegalArgumentException(
                    "PCA export: "
                            + k
                            + " components for "
                            + d
                            + " features; there can be at most as many components (k) as"
                            + " features (d)");
        }
        double[] w = new double[k * d];
        double[] wt = new double[d * k];
        for (int c = 0; c < k; c++) {
            double[] row = Objects.requireNonNull(components[c], "component");
            if (row.length != d) {
                throw new IllegalArgumentException(
                        "PCA export: component "
                                + c
                                + " has "
                                + row.length
                                + " values, but there are "
                                + d
                                + " features");
            }
            for (int i = 0; i < d; i++) {
                requireFinite(row[i], "component " + c + " value " + i);
                w[c * d + i] = row[i];
                wt[i * k + c] = row[i];
            }
        }
        requireOrthonormal(components);

        GraphWriter g = new GraphWriter(PCA_RECONSTRUCTION, INPUT, d);
        String z = standardize(g, center, scale);
        String residual = z;
        if (k > 0) {
            String componentsT = g.initializer("components_t", wt, d, k);
            String componentsW = g.initializer("components", w, k, d);
            String projection = g.node("MatMul", "projection", z, componentsT);
            String reconstruction = g.node("MatMul", "reconstruction", projection, componentsW);
            residual = g.node("Sub", "residual", z, reconstruction);
        }
        String squared = g.sumOfSquaresPerRow("squared_error", residual);
        String error = g.node("Sqrt", "error", squared);

        List<String[]> metadata = header("pca-reconstruction", d);
        metadata.add(new String[] {"warden.pca.components", Integer.toString(k)});
        metadata.addAll(provenance.entries());
        byte[] bytes =
                g.model(
                        OUTPUT,
                        error,
                        "PCA reconstruction error ||z - W^T W z|| of z = (features - center) /"
                                + " scale, non-finite values imputed by the center (z = 0); W"
                                + " holds the k principal components of the standardized"
                                + " reference data as rows. Written by warden's"
                                + " BuiltInDetectors.",
                        metadata);
        return new ExportedModel(PCA_RECONSTRUCTION, d, bytes);
    }

    // ---- Mahalanobis distance ----------------------------------------------------------------

    /**
     * The squared Mahalanobis distance model of a reference profile's covariance statistics, with
     * the {@linkplain #DEFAULT_RIDGE default ridge}.
     *
     * @throws IllegalArgumentException naming the profile when it has fewer than 2 numeric features
     *     or fewer than 2 complete rows
     */
    public static ExportedModel mahalanobis(ReferenceProfile profile) {
        return mahalanobis(profile, DEFAULT_RIDGE);
    }

    /**
     * The squared Mahalanobis distance model of a reference profile's covariance statistics.
     *
     * @param ridge &epsilon;, the ridge on the standardized covariance (see the class description),
     *     positive and finite
     * @throws IllegalArgumentException naming the profile when it has fewer than 2 numeric features
     *     or fewer than 2 complete rows, or when the ridge is not positive and finite
     */
    public static ExportedModel mahalanobis(ReferenceProfile profile, double ridge) {
        Objects.requireNonNull(profile, "profile");
        Covariance covariance = multivariate(profile).covariance();
        if (covariance.count() < 2) {
            throw new IllegalArgumentException(
                    "reference profile "
                            + profile.id()
                            + " has "
                            + covariance.count()
                            + " complete rows; a Mahalanobis distance needs at least 2");
        }
        return mahalanobis(covariance, ridge, Provenance.of(profile));
    }

    /**
     * The squared Mahalanobis distance model of covariance statistics (mean and population
     * covariance).
     *
     * @param ridge &epsilon;, positive and finite (see the class description)
     * @throws IllegalArgumentException if there are fewer than 2 rows or the ridge is not positive
     *     and finite
     */
    public static ExportedModel mahalanobis(Covariance reference, double ridge) {
        return mahalanobis(reference, ridge, new Provenance());
    }

    /**
     * The squared Mahalanobis distance model fitted on reference rows (through their {@link
     * Covariance}), for callers that hold rows rather than a profile.
     *
     * @param rows at least 2 rows of the same width d &ge; 1, finite values
     * @param ridge &epsilon;, positive and finite (see the class description)
     * @throws IllegalArgumentException naming the row when there are fewer than 2 rows, widths
     *     differ or a value is not finite, or when the ridge is not positive and finite
     */
    public static ExportedModel mahalanobis(double[][] rows, double ridge) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length < 2) {
            throw new IllegalArgumentException(
                    "Mahalanobis export needs at least 2 reference rows, has " + rows.length);
        }
        int d = Objects.requireNonNull(rows[0], "row 0").length;
        if (d < 1) {
            throw new IllegalArgumentException("Mahalanobis export: reference rows are empty");
        }
        Covariance.Accumulator accumulator = Covariance.accumulator(d);
        for (int r = 0; r < rows.length; r++) {
            double[] row = Objects.requireNonNull(rows[r], "row " + r);
            if (row.length != d) {
                throw new IllegalArgumentException(
                        "Mahalanobis export: reference row "
                                + r
                                + " has "
                                + row.length
                                + " values, but row 0 has "
                                + d);
            }
            for (int i = 0; i < d; i++) {
                requireFinite(row[i], "reference row " + r + " value " + i);
            }
            accumulator.add(row);
        }
        return mahalanobis(accumulator.snapshot(), ridge, new Provenance());
    }

    private static ExportedModel mahalanobis(
            Covariance reference, double ridge, Provenance provenance) {
        Objects.requireNonNull(reference, "reference");
        if (!(ridge > 0.0 && ridge < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(
                    "Mahalanobis export: the ridge must be positive and finite, but is " + ridge);
        }
        long n = reference.count();
        if (n < 2) {
            throw new IllegalArgumentException(
                    "Mahalanobis export needs at least 2 reference rows, has " + n);
        }
        int d = reference.dimension();
        double[] mean = reference.mean();
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
        // whitening[i][c] = V[i][c] / sqrt(lambda_c + ridge): z -> z V Lambda^-1/2.
        double[] whitening = new double[d * d];
        for (int c = 0; c < d; c++) {
            RealVector v = eigen.getEigenvector(c);
            double norm = v.getNorm();
            double factor = 1.0 / (norm * Math.sqrt(Math.max(0.0, values[c]) + ridge));
            for (int i = 0; i < d; i++) {
                whitening[i * d + c] = v.getEntry(i) * factor;
            }
        }

        GraphWriter g = new GraphWriter(MAHALANOBIS, INPUT, d);
        String z = standardize(g, mean, scale);
        String w = g.initializer("whitening", whitening, d, d);
        String whitened = g.node("MatMul", "whitened", z, w);
        String squared = g.sumOfSquaresPerRow("squared_distance", whitened);

        List<String[]> metadata = header("mahalanobis", d);
        metadata.add(new String[] {"warden.mahalanobis.ridge", Double.toString(ridge)});
        metadata.add(new String[] {"warden.reference.rows", Long.toString(n)});
        metadata.addAll(provenance.entries());
        byte[] bytes =
                g.model(
                        OUTPUT,
                        squared,
                        "Squared Mahalanobis distance (x - mean)^T (S + ridge D^2)^-1 (x - mean),"
                                + " S the reference population covariance, D = diag(standard"
                                + " deviations, 1 where 0); computed as ||z V L^-1/2||^2 with z ="
                                + " (x - mean) / sd (non-finite values imputed by the mean, z ="
                                + " 0) and R + ridge I = V L V^T for the reference correlation"
                                + " R. Written by warden's BuiltInDetectors.",
                        metadata);
        return new ExportedModel(MAHALANOBIS, d, bytes);
    }

    // ---- shared parts ------------------------------------------------------------------------

    /**
     * Adds {@code z = Where(IsNaN(x) or IsInf(x), 0, (x - center) / scale)} and returns z's name.
     */
    private static String standardize(GraphWriter g, double[] center, double[] scale) {
        int d = center.length;
        String c = g.initializer("center", center, d);
        String s = g.initializer("scale", scale, d);
        String zero = g.initializer("zero", new double[] {0.0});
        String centered = g.node("Sub", "centered", INPUT, c);
        String divided = g.node("Div", "divided", centered, s);
        String isNan = g.node("IsNaN", "is_nan", INPUT);
        String isInf = g.node("IsInf", "is_inf", INPUT);
        String missing = g.node("Or", "not_finite", isNan, isInf);
        return g.node("Where", "standardized", missing, zero, divided);
    }

    private static int requireStandardization(double[] center, double[] scale) {
        Objects.requireNonNull(center, "center");
        Objects.requireNonNull(scale, "scale");
        int d = center.length;
        if (d < 1) {
            throw new IllegalArgumentException("PCA export: there must be at least 1 feature");
        }
        if (scale.length != d) {
            throw new IllegalArgumentException(
                    "PCA export: center has "
                            + d
                            + " values, but scale has "
                            + scale.length
                            + "; both need one per feature");
        }
        for (int i = 0; i < d; i++) {
            requireFinite(center[i], "center[" + i + "]");
            if (!(scale[i] > 0.0 && scale[i] < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException(
                        "PCA export: scale["
                                + i
                                + "] must be positive and finite, but is "
                                + scale[i]);
            }
        }
        return d;
    }

    private static void requireOrthonormal(double[][] components) {
        int d = components.length == 0 ? 0 : components[0].length;
        for (int a = 0; a < components.length; a++) {
            for (int b = a; b < components.length; b++) {
                double dot = 0.0;
                for (int i = 0; i < d; i++) {
                    dot += components[a][i] * components[b][i];
                }
                double expected = a == b ? 1.0 : 0.0;
                if (Math.abs(dot - expected) > ORTHONORMAL_TOLERANCE) {
                    throw new IllegalArgumentException(
                            "PCA export: the components must be orthonormal, but components "
                                    + a
                                    + " and "
                                    + b
                                    + " have dot product "
                                    + dot);
                }
            }
        }
    }

    private static void requireFinite(double value, String what) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " is not finite: " + value);
        }
    }

    private static MultivariateReference multivariate(ReferenceProfile profile) {
        return profile.multivariate()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "reference profile "
                                                + profile.id()
                                                + " has no multivariate part: it needs at least"
                                                + " 2 numeric features, has "
                                                + profile.schema().numericFeatures().size()));
    }

    /** Metadata entries, in a fixed order: the detector's first, then where the data came from. */
    private static final class Provenance {
        private final List<String[]> source = new ArrayList<>();

        static Provenance of(ReferenceProfile profile) {
            Provenance p = new Provenance();
            p.put("warden.reference.profile-id", profile.id());
            p.put("warden.reference.model", profile.modelName());
            p.put("warden.features", String.join(",", profile.schema().numericFeatures()));
            return p;
        }

        void put(String key, String value) {
            source.add(new String[] {key, value});
        }

        List<String[]> entries() {
            return source;
        }
    }

    /** The metadata entries every built-in model starts with. */
    private static List<String[]> header(String detector, int d) {
        List<String[]> list = new ArrayList<>();
        list.add(new String[] {"warden.detector", detector});
        list.add(new String[] {"warden.input", INPUT + " [batch, " + d + "] float"});
        list.add(new String[] {"warden.output", OUTPUT + " [batch] float"});
        return list;
    }

    /**
     * Writes both built-in models of a reference profile file into a folder and prints their
     * outlines and SHA-256 pins: {@code BuiltInDetectors <profile.json> <folder>} writes {@code
     * <folder>/pca-reconstruction.onnx} and {@code <folder>/mahalanobis.onnx}.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BuiltInDetectors <profile.json> <output folder>");
            System.exit(2);
        }
        ReferenceProfile profile = ProfileIo.read(Path.of(args[0])).profile();
        Path folder = Files.createDirectories(Path.of(args[1]));
        ExportedModel pca = pcaReconstruction(profile);
        ExportedModel mahalanobis = mahalanobis(profile);
        pca.writeTo(folder.resolve("pca-reconstruction.onnx"));
        mahalanobis.writeTo(folder.resolve("mahalanobis.onnx"));
        System.out.print(pca.describe());
        System.out.println();
        System.out.print(mahalanobis.describe());
    }
}
