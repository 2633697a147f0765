package io.warden.detectors.poisoning;

import io.warden.detectors.calibration.EmpiricalReference;
import io.warden.detectors.core.DetectorResult;
import io.warden.detectors.core.Direction;
import io.warden.detectors.multivariate.Covariance;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.special.Gamma;

/**
 * Class-conditional outliers of labelled feedback: how far a sample lies from the reference
 * distribution of the class it was <i>labelled</i> with. A sample whose label was flipped lies in
 * another class's region, and a backdoor sample (a trigger patch added to an input of one class and
 * labelled as the target class; Gu, Dolan-Gavitt &amp; Garg, "BadNets", arXiv:1708.06733, 2017)
 * carries features of its source class plus the trigger; both are far from the given class. This is
 * the per-class Mahalanobis score of Lee, Lee, Lee &amp; Shin ("A simple unified framework for
 * detecting out-of-distribution samples and adversarial attacks", NeurIPS 2018) on input features,
 * used as a label sanitizer in the spirit of Paudice et al. ("Label sanitization against label
 * flipping poisoning attacks", ECML PKDD Workshops 2018).
 *
 * <p><b>Fit</b> ({@link Builder#fit}). The reference rows of each class (e.g. the model's training
 * or reference data with their true labels) are split deterministically: a share {@code
 * calibrationShare} (default {@value #DEFAULT_CALIBRATION_SHARE}, every other row) is held out for
 * calibration, the rest give the class mean m and covariance S (population, via {@link
 * Covariance}). S is shrunk towards a multiple of the identity, S' = (1 &minus; &lambda;) S +
 * &lambda; (tr S / d) I with {@code shrinkage} &lambda; (default {@value #DEFAULT_SHRINKAGE}; as in
 * Ledoit &amp; Wolf, J. Multivariate Analysis 2004, with a fixed rather than estimated intensity),
 * so that it is invertible with few rows or constant features.
 *
 * <p><b>Score.</b> D&sup2;(x, c) = (x &minus; m<sub>c</sub>)<sup>T</sup>
 * S'<sub>c</sub><sup>&minus;1 </sup>(x &minus; m<sub>c</sub>) for the given label c; its p-value
 * ({@link PValueMethod}):
 *
 * <ul>
 *   <li>{@link PValueMethod#CONFORMAL} (default): the conformal p-value of D&sup2; among the
 *       held-out calibration rows' D&sup2; of the same class ({@link EmpiricalReference}). Valid
 *       for any distribution (P(p &le; t) &le; t for honest samples) because the calibration rows
 *       took no part in the fit; its smallest value is 1/(n<sub>cal</sub> + 1), so alpha needs at
 *       least 1/alpha &minus; 1 calibration rows per class.
 *   <li>{@link PValueMethod#CHI_SQUARED}: the upper tail of the &chi;&sup2; distribution with d
 *       degrees of freedom, exact only for Gaussian classes with a known covariance; shrinkage and
 *       an estimated covariance make it approximate (usually conservative for heavy shrinkage, too
 *       small for too few rows). Reaches any small p-value.
 * </ul>
 *
 * A sample is flagged when p &le; {@code alpha} (default {@value #DEFAULT_ALPHA}). A class with
 * fewer than {@value #MIN_FIT_ROWS} fit rows or no calibration row is not modelled: its samples get
 * an unflagged result without a p-value.
 *
 * <p><b>Cost.</b> Memory d&sup2; + d doubles plus the calibration scores per class; a score is
 * d&sup2; multiply-adds (4,096 at d = 64) and a binary search. Immutable and thread-safe.
 */
public final class ClassConditionalOutliers implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The detector id of the results. */
    public static final String ID = "poisoning.class_conditional";

    /** Default shrinkage intensity &lambda;: {@value}. */
    public static final double DEFAULT_SHRINKAGE = 0.05;

    /** Default share of each class's reference rows held out for calibration: {@value}. */
    public static final double DEFAULT_CALIBRATION_SHARE = 0.5;

    /** Default significance: {@value}. */
    public static final double DEFAULT_ALPHA = 0.01;

    /** Fewest fit rows for which a class is modelled: {@value}. */
    public static final int MIN_FIT_ROWS = 2;

    /** How a squared Mahalanobis distance becomes a p-value. */
    public enum PValueMethod {
        /** Rank among held-out reference rows of the class: distribution-free. */
        CONFORMAL,
        /** Upper tail of &chi;&sup2; with d degrees of freedom: assumes Gaussian classes. */
        CHI_SQUARED
    }

    private final int dimension;
    private final double alpha;
    private final PValueMethod method;
    private final ClassModel[] classes;

    private ClassConditionalOutliers(
            int dimension, double alpha, PValueMethod method, ClassModel[] classes) {
        this.dimension = dimension;
        this.alpha = alpha;
        this.method = method;
        this.classes = classes;
    }

    /** One class's model; null entries in {@link #classes} are classes not modelled. */
    private static final class ClassModel implements Serializable {
        private static final long serialVersionUID = 1L;

        private final double[] mean;
        private final double[] precision; // row-major d x d
        private final EmpiricalReference calibration;

        ClassModel(double[] mean, double[] precision, EmpiricalReference calibration) {
            this.mean = mean;
            this.precision = precision;
            this.calibration = calibration;
        }

        double distanceSquared(double[] x) {
            int d = mean.length;
            double total = 0.0;
            double[] centred = new double[d];
            for (int i = 0; i < d; i++) {
                centred[i] = x[i] - mean[i];
            }
            for (int i = 0; i < d; i++) {
                double row = 0.0;
                int base = i * d;
                for (int j = 0; j < d; j++) {
                    row += precision[base + j] * centred[j];
                }
                total += centred[i] * row;
            }
            return Math.max(0.0, total);
        }
    }

    /** A builder for a model of {@code classCount} classes. */
    public static Builder builder(int classCount) {
        return new Builder(classCount);
    }

    /**
     * The squared Mahalanobis distance of a sample to a class's reference distribution.
     *
     * @throws IllegalArgumentException if the features have the wrong length, the class is out of
     *     range or not modelled
     */
    public double distanceSquared(double[] features, int label) {
        return model(features, label).distanceSquared(features);
    }

    /** Whether a class has a model (enough reference rows). */
    public boolean isModelled(int label) {
        Objects.checkIndex(label, classes.length);
        return classes[label] != null;
    }

    /**
     * Judges one feedback sample against the class it was labelled with: score D&sup2;, the p-value
     * of the configured method, threshold alpha, flagged when p &le; alpha.
     *
     * @throws IllegalArgumentException if the features have the wrong length or are not finite, or
     *     the label is out of range
     */
    public DetectorResult assess(double[] features, int givenLabel) {
        Objects.requireNonNull(features, "features");
        Objects.checkIndex(givenLabel, classes.length);
        if (classes[givenLabel] == null) {
            return new DetectorResult(
                    ID,
                    0.0,
                    alpha,
                    DetectorResult.NO_P_VALUE,
                    false,
                    "class " + givenLabel + " has too few reference rows to judge");
        }
        double d2 = distanceSquared(features, givenLabel);
        double p =
                switch (method) {
                    case CONFORMAL ->
                            classes[givenLabel].calibration.pValue(d2, Direction.HIGH_IS_ANOMALOUS);
                    case CHI_SQUARED -> Gamma.regularizedGammaQ(dimension / 2.0, d2 / 2.0);
                };
        boolean flagged = p <= alpha;
        return new DetectorResult(
                ID,
                d2,
                alpha,
                p,
                flagged,
                String.format(
                        Locale.ROOT,
                        "squared Mahalanobis distance %.4g to class %d, %s p-value %.3g %s alpha"
                                + " %.3g",
                        d2,
                        givenLabel,
                        method == PValueMethod.CONFORMAL ? "conformal" : "chi-squared",
                        p,
                        flagged ? "<=" : ">",
                        alpha));
    }

    private ClassModel model(double[] features, int label) {
        Objects.requireNonNull(features, "features");
        Objects.checkIndex(label, classes.length);
        if (features.length != dimension) {
            throw new IllegalArgumentException(
                    "expected " + dimension + " features, got " + features.length);
        }
        for (double v : features) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("features must be finite");
            }
        }
        if (classes[label] == null) {
            throw new IllegalArgumentException("class " + label + " is not modelled");
        }
        return classes[label];
    }

    /** Number of features, d. */
    public int dimension() {
        return dimension;
    }

    /** Number of classes. */
    public int classCount() {
        return classes.length;
    }

    /** The significance at which samples are flagged. */
    public double alpha() {
        return alpha;
    }

    /** The p-value method. */
    public PValueMethod method() {
        return method;
    }

    /** Settings and the fit of a {@link ClassConditionalOutliers}. */
    public static final class Builder {
        private final int classCount;
        private double shrinkage = DEFAULT_SHRINKAGE;
        private double calibrationShare = DEFAULT_CALIBRATION_SHARE;
        private double alpha = DEFAULT_ALPHA;
        private PValueMethod method = PValueMethod.CONFORMAL;

        private Builder(int classCount) {
            if (classCount < 2) {
                throw new IllegalArgumentException(
                        "classCount must be at least 2, but is " + classCount);
            }
            this.classCount = classCount;
        }

        /** Shrinkage intensity &lambda; in [0, 1]; 0 needs well-conditioned class covariances. */
        public Builder shrinkage(double shrinkage) {
            if (!(shrinkage >= 0.0 && shrinkage <= 1.0)) {
                throw new IllegalArgumentException("shrinkage must be in [0, 1]: " + shrinkage);
            }
            this.shrinkage = shrinkage;
            return this;
        }

        /** Share of each class's rows held out for calibration, in (0, 1). */
        public Builder calibrationShare(double calibrationShare) {
            if (!(calibrationShare > 0.0 && calibrationShare < 1.0)) {
                throw new IllegalArgumentException(
                        "calibrationShare must be in (0, 1): " + calibrationShare);
            }
            this.calibrationShare = calibrationShare;
            return this;
        }

        /** Significance in (0, 1). */
        public Builder alpha(double alpha) {
            if (!(alpha > 0.0 && alpha < 1.0)) {
                throw new IllegalArgumentException("alpha must be in (0, 1): " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        /** The p-value method. */
        public Builder method(PValueMethod method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        /**
         * Fits the class models to reference rows and their labels.
         *
         * @param rows reference feature rows, all of one length d &ge; 1, finite
         * @param labels each row's class in [0, classCount)
         * @throws IllegalArgumentException if the inputs are inconsistent, or a class covariance
         *     stays singular (raise the shrinkage)
         */
        public ClassConditionalOutliers fit(double[][] rows, int[] labels) {
            if (rows.length == 0 || rows.length != labels.length) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "need one label per row and at least one row, got %d and %d",
                                rows.length,
                                labels.length));
            }
            int d = rows[0].length;
            Covariance.Accumulator[] fits = new Covariance.Accumulator[classCount];
            long[] seen = new long[classCount];
            for (int c = 0; c < classCount; c++) {
                fits[c] = Covariance.accumulator(d);
            }
            boolean[] held = new boolean[rows.length];
            for (int i = 0; i < rows.length; i++) {
                int c = Objects.checkIndex(labels[i], classCount);
                long j = seen[c]++;
                // Row j of its class is held out when floor((j+1) share) > floor(j share):
                // exactly the share, spread evenly over the class's rows.
                held[i] = Math.floor((j + 1) * calibrationShare) > Math.floor(j * calibrationShare);
                if (!held[i]) {
                    fits[c].add(rows[i]);
                }
            }
            ClassModel[] partial = new ClassModel[classCount];
            for (int c = 0; c < classCount; c++) {
                if (fits[c].count() >= MIN_FIT_ROWS && seen[c] > fits[c].count()) {
                    Covariance covariance = fits[c].snapshot();
                    partial[c] = new ClassModel(covariance.mean(), precision(covariance), null);
                }
            }
            EmpiricalReference.Builder[] calibrations = new EmpiricalReference.Builder[classCount];
            for (int i = 0; i < rows.length; i++) {
                ClassModel model = partial[labels[i]];
                if (held[i] && model != null) {
                    if (calibrations[labels[i]] == null) {
                        calibrations[labels[i]] = EmpiricalReference.builder();
                    }
                    calibrations[labels[i]].add(model.distanceSquared(rows[i]));
                }
            }
            ClassModel[] classes = new ClassModel[classCount];
            for (int c = 0; c < classCount; c++) {
                if (partial[c] != null) {
                    classes[c] =
                            new ClassModel(
                                    partial[c].mean, partial[c].precision, calibrations[c].build());
                }
            }
            return new ClassConditionalOutliers(d, alpha, method, classes);
        }

        private double[] precision(Covariance covariance) {
            int d = covariance.dimension();
            double[][] shrunk = covariance.covarianceMatrix(0);
            double trace = 0.0;
            for (int i = 0; i < d; i++) {
                trace += shrunk[i][i];
            }
            double target = trace > 0.0 ? trace / d : 1.0;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    shrunk[i][j] *= 1.0 - shrinkage;
                }
                shrunk[i][i] += shrinkage * target;
            }
            RealMatrix inverse;
            try {
                inverse =
                        new CholeskyDecomposition(new Array2DRowRealMatrix(shrunk, false))
                                .getSolver()
                                .getInverse();
            } catch (NonPositiveDefiniteMatrixException e) {
                throw new IllegalArgumentException(
                        "a class covariance is singular; raise the shrinkage above " + shrinkage,
                        e);
            }
            double[] out = new double[d * d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    out[i * d + j] = 0.5 * (inverse.getEntry(i, j) + inverse.getEntry(j, i));
                }
            }
            return out;
        }
    }
}
