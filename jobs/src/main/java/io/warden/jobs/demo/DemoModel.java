package io.warden.jobs.demo;

import java.util.List;
import java.util.Random;

/**
 * The model the demo "serves": Gaussian classes with identity covariance and equal priors, scored
 * by the exact Bayes posterior (a linear softmax: {@code logit_c = mu_c . x - |mu_c|^2 / 2}). So
 * the served probabilities are the true class posteriors: inputs drawn near a class mean get
 * confident answers, inputs between two classes get honest uncertainty, and what the confidence
 * detector flags can be checked against the truth.
 */
public final class DemoModel {
    public static final String NAME = "demo-classifier";
    public static final String VERSION = "1";
    public static final String INPUT_TENSOR = "input";
    public static final String OUTPUT_TENSOR = "probabilities";
    public static final List<String> CLASSES = List.of("alpha", "bravo", "charlie", "delta");
    public static final List<String> FEATURES =
            List.of("f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7");

    private static final double CLASS_SPREAD = 1.2;

    private final double[][] means;
    private final List<String> featureNames;

    /**
     * The model is fixed by its seed; the demo and the shipped reference use {@link #standard()}.
     */
    public DemoModel(long seed) {
        this(seed, FEATURES.size());
    }

    /**
     * A model like the standard one with {@code features} features named {@code f0, f1, ...} (for
     * tests that need wider inputs), four classes.
     */
    public DemoModel(long seed, int features) {
        Random r = new Random(seed);
        List<String> names = new java.util.ArrayList<>(features);
        for (int d = 0; d < features; d++) {
            names.add("f" + d);
        }
        featureNames = List.copyOf(names);
        means = new double[CLASSES.size()][features];
        for (double[] mean : means) {
            for (int d = 0; d < mean.length; d++) {
                mean[d] = CLASS_SPREAD * r.nextGaussian();
            }
        }
    }

    public static DemoModel standard() {
        return new DemoModel(20261125L);
    }

    /** The feature names, {@code f0} upwards. */
    public List<String> featureNames() {
        return featureNames;
    }

    public int classes() {
        return means.length;
    }

    public int features() {
        return means[0].length;
    }

    /** A typical input of class {@code c}: its mean plus unit Gaussian noise. */
    public double[] sample(int c, Random r) {
        double[] x = new double[features()];
        for (int d = 0; d < x.length; d++) {
            x[d] = means[c][d] + r.nextGaussian();
        }
        return x;
    }

    /**
     * An ambiguous input: a point on every decision boundary at once (where all class logits are
     * equal, nearest to the centre of the class means), plus a little noise. The model can only
     * answer it with near-uniform probabilities; such inputs are rare in normal traffic.
     */
    public double[] ambiguous(Random r) {
        int k = means.length;
        int dims = means[0].length;
        double[] centre = new double[dims];
        for (double[] mean : means) {
            for (int d = 0; d < dims; d++) {
                centre[d] += mean[d] / k;
            }
        }
        // Equal logits: (mu_c - mu_0) . x = (|mu_c|^2 - |mu_0|^2) / 2 for c = 1..k-1, i.e. A x = b.
        // The solution nearest the centre is x = centre + A^T (A A^T)^-1 (b - A centre).
        double[][] a = new double[k - 1][dims];
        double[] residual = new double[k - 1];
        for (int c = 1; c < k; c++) {
            double b = (dot(means[c], means[c]) - dot(means[0], means[0])) / 2;
            for (int d = 0; d < dims; d++) {
                a[c - 1][d] = means[c][d] - means[0][d];
            }
            residual[c - 1] = b - dot(a[c - 1], centre);
        }
        double[][] gram = new double[k - 1][k - 1];
        for (int i = 0; i < k - 1; i++) {
            for (int j = 0; j < k - 1; j++) {
                gram[i][j] = dot(a[i], a[j]);
            }
        }
        double[] y = solve(gram, residual);
        double[] x = centre.clone();
        for (int i = 0; i < k - 1; i++) {
            for (int d = 0; d < dims; d++) {
                x[d] += a[i][d] * y[i];
            }
        }
        for (int d = 0; d < dims; d++) {
            x[d] += 0.05 * r.nextGaussian();
        }
        return x;
    }

    private static double dot(double[] u, double[] v) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            s += u[i] * v[i];
        }
        return s;
    }

    /** Solves a small symmetric positive-definite system by Gaussian elimination. */
    private static double[] solve(double[][] m, double[] rhs) {
        int n = rhs.length;
        double[][] a = new double[n][];
        double[] b = rhs.clone();
        for (int i = 0; i < n; i++) {
            a[i] = m[i].clone();
        }
        for (int col = 0; col < n; col++) {
            for (int row = col + 1; row < n; row++) {
                double f = a[row][col] / a[col][col];
                for (int j = col; j < n; j++) {
                    a[row][j] -= f * a[col][j];
                }
                b[row] -= f * b[col];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = b[i];
            for (int j = i + 1; j < n; j++) {
                s -= a[i][j] * x[j];
            }
            x[i] = s / a[i][i];
        }
        return x;
    }

    /** The class posteriors for {@code x}. */
    public double[] predict(double[] x) {
        double[] logits = new double[means.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < means.length; c++) {
            double dot = 0;
            double norm = 0;
            for (int d = 0; d < x.length; d++) {
                dot += means[c][d] * x[d];
                norm += means[c][d] * means[c][d];
            }
            logits[c] = dot - norm / 2;
            max = Math.max(max, logits[c]);
        }
        double sum = 0;
        for (int c = 0; c < logits.length; c++) {
            logits[c] = Math.exp(logits[c] - max);
            sum += logits[c];
        }
        for (int c = 0; c < logits.length; c++) {
            logits[c] /= sum;
        }
        return logits;
    }
}
