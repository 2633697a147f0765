package io.warden.bench;

import java.util.SplittableRandom;

/**
 * Seeded outputs of a made-up 10-class classifier for the benchmarks: Dirichlet vectors peaked on a
 * random class (concentration 20 on it, 1 on the others), as probabilities or as logits (the
 * logarithms of the underlying Gamma variates, whose softmax is that Dirichlet vector).
 */
final class SyntheticOutputs {

    static final int CLASSES = 10;
    private static final int PEAK = 20;
    private static final int FLAT = 50;

    private final SplittableRandom random;

    SyntheticOutputs(long seed) {
        this.random = new SplittableRandom(seed);
    }

    double[] probabilities() {
        return normalise(peakedGammas());
    }

    double[] nearUniformProbabilities() {
        double[] g = new double[CLASSES];
        for (int i = 0; i < CLASSES; i++) {
            g[i] = gamma(FLAT);
        }
        return normalise(g);
    }

    private static double[] normalise(double[] g) {
        double sum = 0;
        for (double v : g) {
            sum += v;
        }
        for (int i = 0; i < g.length; i++) {
            g[i] /= sum;
        }
        return g;
    }

    double[] logits() {
        double[] g = peakedGammas();
        for (int i = 0; i < g.length; i++) {
            g[i] = Math.log(g[i]);
        }
        return g;
    }

    double[][] probabilities(int count) {
        double[][] vectors = new double[count][];
        for (int i = 0; i < count; i++) {
            vectors[i] = probabilities();
        }
        return vectors;
    }

    double[][] nearUniformProbabilities(int count) {
        double[][] vectors = new double[count][];
        for (int i = 0; i < count; i++) {
            vectors[i] = nearUniformProbabilities();
        }
        return vectors;
    }

    double[][] logits(int count) {
        double[][] vectors = new double[count][];
        for (int i = 0; i < count; i++) {
            vectors[i] = logits();
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

    /** Gamma(shape, 1) for an integer shape: a sum of exponentials. */
    private double gamma(int shape) {
        double sum = 0;
        for (int j = 0; j < shape; j++) {
            sum -= Math.log(1.0 - random.nextDouble());
        }
        return sum;
    }
}
