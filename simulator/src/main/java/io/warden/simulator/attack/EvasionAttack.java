package io.warden.simulator.attack;

import io.warden.simulator.model.DifferentiableClassifier;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A white-box, untargeted evasion attack: given a row and its true label, an adversarial row inside
 * the {@link ThreatModel} that the attacker hopes the model classifies otherwise.
 */
public interface EvasionAttack {

    /** What the attacker may send. */
    ThreatModel threatModel();

    /**
     * An adversarial version of {@code x}.
     *
     * @param model the attacked model, whose gradients the attacker reads
     * @param x the row, inside the threat model's box
     * @param label its true class, whose loss the attack increases
     * @param random draws a random start, where the attack has one
     * @return a row within {@link ThreatModel#epsilon()} of {@code x}, inside the box
     */
    double[] perturb(DifferentiableClassifier model, double[] x, int label, RandomGenerator random);

    /** A short description, e.g. {@code PGD L2 epsilon 2.0 (40 steps of 0.125, random start)}. */
    String describe();

    /**
     * Adversarial versions of many rows, in order, with one random generator seeded by {@code
     * seed}: the same rows and seed give the same result.
     */
    default double[][] perturbAll(
            DifferentiableClassifier model, double[][] rows, int[] labels, long seed) {
        if (rows.length != labels.length) {
            throw new IllegalArgumentException(
                    rows.length + " rows but " + labels.length + " labels");
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[][] adversarial = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            adversarial[r] = perturb(model, rows[r], labels[r], random);
        }
        return adversarial;
    }
}
