package io.warden.simulator.attack;

import io.warden.simulator.model.DifferentiableClassifier;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The fast gradient sign method: one step of the full budget in the direction of steepest ascent of
 * the loss, {@code x' = clip(x + epsilon * sign(grad_x L(x, y)))}.
 *
 * <p>Goodfellow, Shlens &amp; Szegedy, "Explaining and Harnessing Adversarial Examples", ICLR 2015,
 * for L-inf. For L2 the step follows the normalized gradient {@code epsilon * g / ||g||_2}, the
 * "fast gradient method" of the same family (as Miyato et al., ICLR 2016, and Kurakin, Goodfellow
 * &amp; Bengio, ICLR 2017, use it). Both measure the step in the {@link ThreatModel}'s units and
 * clip to its box. Deterministic: the random generator is not used.
 */
public final class Fgsm implements EvasionAttack {

    private final ThreatModel threat;

    /** FGSM with the whole budget of the threat model in one step. */
    public Fgsm(ThreatModel threat) {
        this.threat = Objects.requireNonNull(threat, "threat");
    }

    @Override
    public ThreatModel threatModel() {
        return threat;
    }

    @Override
    public double[] perturb(
            DifferentiableClassifier model, double[] x, int label, RandomGenerator random) {
        double[] step = threat.ascentStep(model.inputGradient(x, label), threat.epsilon());
        double[] candidate = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            candidate[i] = x[i] + step[i];
        }
        return threat.project(x, candidate);
    }

    @Override
    public String describe() {
        return "FGSM " + threat;
    }

    @Override
    public String toString() {
        return describe();
    }
}
