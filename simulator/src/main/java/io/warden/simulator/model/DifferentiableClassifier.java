package io.warden.simulator.model;

/**
 * A classifier whose white-box attacker sees inside: class probabilities for a row, and the
 * gradient, with respect to the row, of the cross-entropy loss of a label. Gradient-based evasion
 * attacks ({@code io.warden.simulator.attack}) need nothing else.
 */
public interface DifferentiableClassifier {

    /** Values per input row. */
    int featureCount();

    /** Number of classes. */
    int classCount();

    /** The class probabilities of row {@code x}, summing to 1. */
    double[] probabilities(double[] x);

    /** The most probable class of row {@code x} (the lowest index on a tie). */
    default int predict(double[] x) {
        double[] p = probabilities(x);
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    /** The cross-entropy loss {@code -log p_label(x)}. */
    double loss(double[] x, int label);

    /** The gradient of {@link #loss(double[], int)} with respect to {@code x}. */
    double[] inputGradient(double[] x, int label);
}
