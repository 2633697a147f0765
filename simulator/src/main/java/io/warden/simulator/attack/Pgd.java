package io.warden.simulator.attack;

import io.warden.simulator.model.DifferentiableClassifier;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Projected gradient descent on the negative loss: from a random point of the epsilon ball (or from
 * {@code x}), {@code iterations} steps of size {@code stepSize} in the direction of steepest ascent
 * of the loss, each followed by the projection back onto the {@link ThreatModel} (epsilon ball,
 * then the box); the last iterate is the adversarial row.
 *
 * <p>Madry, Makelov, Schmidt, Tsipras &amp; Vladu, "Towards Deep Learning Models Resistant to
 * Adversarial Attacks", ICLR 2018: L-inf steps follow the gradient's sign, L2 steps the normalized
 * gradient; the random start makes restarts explore different local maxima. {@link
 * #madry(ThreatModel)} uses their heuristic of a step of {@code 2.5 epsilon / iterations}, enough
 * to reach the ball's boundary from any start, with {@value #DEFAULT_ITERATIONS} iterations.
 *
 * @param threatModel what the attacker may send
 * @param stepSize each step's length in the threat model's norm and units, positive
 * @param iterations number of steps, at least 1
 * @param randomStart whether to start from a uniform point of the ball instead of {@code x}
 */
public record Pgd(ThreatModel threatModel, double stepSize, int iterations, boolean randomStart)
        implements EvasionAttack {

    /** Iterations of {@link #madry(ThreatModel)}: {@value}. */
    public static final int DEFAULT_ITERATIONS = 40;

    /** Validates the settings; see the parameters. */
    public Pgd {
        Objects.requireNonNull(threatModel, "threatModel");
        if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
            throw new IllegalArgumentException(
                    "stepSize must be positive and finite, but is " + stepSize);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException(
                    "iterations must be at least 1, but is " + iterations);
        }
    }

    /**
     * PGD as Madry et al. run it: {@value #DEFAULT_ITERATIONS} iterations of {@code 2.5 epsilon /
     * iterations} from a random start.
     *
     * @throws IllegalArgumentException when epsilon is 0 (no step to take)
     */
    public static Pgd madry(ThreatModel threat) {
        return new Pgd(
                threat, 2.5 * threat.epsilon() / DEFAULT_ITERATIONS, DEFAULT_ITERATIONS, true);
    }

    @Override
    public double[] perturb(
            DifferentiableClassifier model, double[] x, int label, RandomGenerator random) {
        double[] current = randomStart ? threatModel.randomStart(x, random) : x.clone();
        double[] candidate = new double[x.length];
        for (int t = 0; t < iterations; t++) {
            double[] step = threatModel.ascentStep(model.inputGradient(current, label), stepSize);
            for (int i = 0; i < x.length; i++) {
                candidate[i] = current[i] + step[i];
            }
            current = threatModel.project(x, candidate);
        }
        return current;
    }

    @Override
    public String describe() {
        return "PGD "
                + threatModel
                + " ("
                + iterations
                + " steps of "
                + stepSize
                + (randomStart ? ", random start)" : ")");
    }
}
