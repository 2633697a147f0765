/**
 * White-box evasion attacks on the served models: {@link io.warden.simulator.attack.Fgsm}
 * (Goodfellow et al., ICLR 2015) and {@link io.warden.simulator.attack.Pgd} (Madry et al., ICLR
 * 2018), in L-inf and L2 variants, untargeted, inside a {@link
 * io.warden.simulator.attack.ThreatModel} (budget, norm, per-feature units, valid feature box).
 * They read the input gradients of the Java model ({@link
 * io.warden.simulator.model.DifferentiableClassifier}); {@link
 * io.warden.simulator.attack.EvasionEvaluation} measures their success on the served ONNX model
 * through ONNX Runtime.
 */
package io.warden.simulator.attack;
