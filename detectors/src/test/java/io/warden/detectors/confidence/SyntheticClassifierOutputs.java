package io.warden.detectors.confidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded outputs of a made-up 10-class classifier, with known truth.
 *
 * <p>In-distribution outputs are Dirichlet vectors peaked on a random class (concentration {@value
 * #PEAK} on it, 1 on the others: mean max probability about 0.69). Out-of-distribution outputs are
 * near-uniform Dirichlet({@value #FLAT}, ..., {@value #FLAT}) vectors, as a model gives on inputs
 * unlike anything it was trained on. A Dirichlet vector is a vector of independent Gamma variates
 * divided by their sum, so the logarithms of the Gamma variates are logits whose softmax has
 * exactly that distribution; integer shapes make a Gamma(k) variate a sum of k exponentials.
 */
final class SyntheticClassifierOutputs {

    static final int CLASSES = 10;
    static final int PEAK = 20;
    static final int FLAT = 50;

    private final Random random;

    SyntheticClassifierOutputs(long seed) {
        this.random = new Random(seed);
    }

    double[] inDistributionProbabilities() {
        return normalise(peakedGammas());
    }

    double[] inDistributionLogits() {
        return logarithms(peakedGammas());
    }

    double[] nearUniformProbabilities() {
        return normalise(flatGammas());
    }

    double[] nearUniformLogits() {
        return logarithms(flatGammas());
    }

    List<double[]> inDistributionProbabilities(int count) {
        List<double[]> vectors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            vectors.add(inDistributionProbabilities());
        }
        return vectors;
    }

    List<double[]> inDistributionLogits(int count) {
        List<double[]> vectors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            vectors.add(inDistributionLogits());
        }
        return vectors;
    }

    private double[] peakedGammas() {
        int peak = random.nextInt(CLASSES);
        double[] g = new double[CLASSES];
        for (int i = 0; i < CLASSES; i++) {
            g[i] = gamma(i == peak ? PEAK : 1);
        }
        return g;
    }

    private double[] flatGammas() {
        double[] g = new double[CLASSES];
        for (int i = 0; i < CLASSES; i++) {
            g[i] = gamma(FLAT);
        }
        return g;
    }

    /** Gamma(shape, 1) for an integer shape: a sum of exponentials. */
    private double gamma(int shape) {
        double sum = 0;
        for (int j = 0; j < shape; j++) {
            sum -= Math.log(1.0 - random.nextDouble()); // in (0, 1], never log(0)
        }
        return sum;
    }

    private static double[] normalise(double[] g) {
        double sum = 0;
        for (double v : g) {
            sum += v;
        }
        double[] p = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            p[i] = g[i] / sum;
        }
        return p;
    }

    private static double[] logarithms(double[] g) {
        double[] logits = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            logits[i] = Math.log(g[i]);
        }
        return logits;
    }
}
