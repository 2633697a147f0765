package io.warden.simulator.attack;

/**
 * What a black-box attacker sees of a served model: the predicted class of each row it sends. Each
 * call is one query to the model; an implementation may log it (the simulator makes each one a
 * request of its traffic).
 */
@FunctionalInterface
public interface LabelOracle {

    /** The served model's predicted class of row {@code x}. */
    int label(double[] x);
}
