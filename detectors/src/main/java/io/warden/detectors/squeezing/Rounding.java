package io.warden.detectors.squeezing;

import java.util.Arrays;

/**
 * Rounds every feature of a tabular row to a multiple of its step, {@code rint(x / step) * step}
 * (ties to even): the tabular counterpart of bit-depth reduction, for inputs that have no common
 * value range. A step of about a tenth of a feature's reference standard deviation leaves natural
 * rows' predictions alone while undoing perturbations smaller than it.
 *
 * @param steps one positive step per feature, or a single step for all features
 */
public record Rounding(double[] steps) implements Squeezer {

    public Rounding {
        if (steps.length == 0) {
            throw new IllegalArgumentException("need at least one step");
        }
        steps = steps.clone();
        for (int j = 0; j < steps.length; j++) {
            if (!(steps[j] > 0 && Double.isFinite(steps[j]))) {
                throw new IllegalArgumentException(
                        "step " + j + " must be positive and finite, got " + steps[j]);
            }
        }
    }

    /** The same step for every feature. */
    public static Rounding to(double step) {
        return new Rounding(new double[] {step});
    }

    @Override
    public double[] steps() {
        return steps.clone();
    }

    @Override
    public String name() {
        return steps.length == 1 ? "rounding-" + steps[0] : "rounding";
    }

    @Override
    public void squeeze(float[] in, int from, float[] out, int to, int width) {
        if (steps.length != 1 && steps.length != width) {
            throw new IllegalArgumentException(
                    "rounding has " + steps.length + " steps for rows of " + width + " features");
        }
        for (int j = 0; j < width; j++) {
            double step = steps.length == 1 ? steps[0] : steps[j];
            out[to + j] = (float) (Math.rint(in[from + j] / step) * step);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rounding r && Arrays.equals(steps, r.steps);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(steps);
    }

    @Override
    public String toString() {
        return "Rounding" + Arrays.toString(steps);
    }
}
