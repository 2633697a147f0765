package io.warden.simulator.model;

/**
 * How {@link MlpTrainer} fits an {@link Mlp}: mini-batch Adam (Kingma &amp; Ba, ICLR 2015) on the
 * mean cross-entropy plus an L2 penalty {@code l2 / 2 * ||W||^2} on the weights (not the biases).
 *
 * @param hidden units in the hidden layer, at least 1
 * @param epochs passes over the training rows, at least 1
 * @param batchSize rows per update, at least 1 (the last batch of an epoch may be smaller)
 * @param learningRate Adam's step size {@code alpha}, positive
 * @param l2 the weight penalty, not negative
 * @param seed seeds the initial weights and the order of the rows in each epoch
 */
public record TrainingSettings(
        int hidden, int epochs, int batchSize, double learningRate, double l2, long seed) {

    /** Adam's decay of the first-moment estimate, {@value}, as Kingma &amp; Ba recommend. */
    public static final double BETA1 = 0.9;

    /** Adam's decay of the second-moment estimate, {@value}, as Kingma &amp; Ba recommend. */
    public static final double BETA2 = 0.999;

    /** Adam's {@code epsilon}, {@value}, as Kingma &amp; Ba recommend. */
    public static final double ADAM_EPSILON = 1e-8;

    /** Validates every setting; see the parameters. */
    public TrainingSettings {
        if (hidden < 1 || epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException(
                    "hidden, epochs and batchSize must be at least 1, but are "
                            + hidden
                            + ", "
                            + epochs
                            + " and "
                            + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException(
                    "learningRate must be positive and finite, but is " + learningRate);
        }
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be finite and not negative, but is " + l2);
        }
    }

    /** A one-line description, e.g. for a model's metadata. */
    public String describe() {
        return "Adam(lr="
                + learningRate
                + ", beta1="
                + BETA1
                + ", beta2="
                + BETA2
                + ", eps="
                + ADAM_EPSILON
                + "), hidden="
                + hidden
                + ", epochs="
                + epochs
                + ", batch="
                + batchSize
                + ", l2="
                + l2
                + ", seed="
                + seed;
    }
}
