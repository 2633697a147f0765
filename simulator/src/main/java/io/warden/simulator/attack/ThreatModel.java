package io.warden.simulator.attack;

import io.warden.simulator.data.FeatureBox;
import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What an evasion attacker may send in place of a row {@code x}: any {@code x'} with {@code ||(x' -
 * x) / units||_p <= epsilon} (division per feature) that lies in the valid feature box.
 *
 * <p>{@code units} measure each feature's change: 1 for all pixels of the digits, so epsilon is in
 * pixel counts (0..16); for tabular features in different units (an area in the thousands next to a
 * smoothness below 1) a per-feature scale such as the training data's standard deviation, so
 * epsilon is in standard deviations. Rows must lie in the box; then clipping to the box moves every
 * feature towards {@code x} and never leaves the epsilon ball.
 *
 * @param norm the norm bounding the perturbation
 * @param epsilon the perturbation budget, not negative
 * @param box the valid feature values
 * @param units per-feature units of the perturbation, positive
 */
public record ThreatModel(Norm norm, double epsilon, FeatureBox box, double[] units) {

    /** Validates the parts; see the parameters. */
    public ThreatModel {
        Objects.requireNonNull(norm, "norm");
        Objects.requireNonNull(box, "box");
        units = units.clone();
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException(
                    "epsilon must be finite and not negative, but is " + epsilon);
        }
        if (units.length != box.dimension()) {
            throw new IllegalArgumentException(
                    units.length + " units for a box of " + box.dimension() + " features");
        }
        for (int i = 0; i < units.length; i++) {
            if (!(units[i] > 0) || Double.isInfinite(units[i])) {
                throw new IllegalArgumentException(
                        "feature " + i + " has unit " + units[i] + "; units must be positive");
            }
        }
    }

    /** A threat model measuring every feature's change in its own units (all units 1). */
    public static ThreatModel of(Norm norm, double epsilon, FeatureBox box) {
        double[] ones = new double[box.dimension()];
        Arrays.fill(ones, 1);
        return new ThreatModel(norm, epsilon, box, ones);
    }

    /** This threat model with another budget. */
    public ThreatModel withEpsilon(double otherEpsilon) {
        return new ThreatModel(norm, otherEpsilon, box, units);
    }

    /** A copy of the units. */
    @Override
    public double[] units() {
        return units.clone();
    }

    /** The size of a perturbation, {@code ||(adversarial - x) / units||_p}. */
    public double distance(double[] x, double[] adversarial) {
        double[] u = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            u[i] = (adversarial[i] - x[i]) / units[i];
        }
        return norm.of(u);
    }

    /**
     * The step of length {@code stepSize} (in units) in the direction of steepest ascent of a loss
     * whose gradient with respect to the row is {@code gradient}: the chain rule gives the gradient
     * in units as {@code gradient * units}.
     */
    public double[] ascentStep(double[] gradient, double stepSize) {
        requireWidth(gradient);
        double[] g = new double[gradient.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = gradient[i] * units[i];
        }
        double[] direction = norm.steepestAscent(g);
        for (int i = 0; i < g.length; i++) {
            direction[i] *= stepSize * units[i];
        }
        return direction;
    }

    /**
     * The allowed row nearest to {@code candidate} in the attack's geometry: the perturbation
     * {@code candidate - x} projected onto the epsilon ball (in units), then clipped to the box.
     *
     * @throws IllegalArgumentException when {@code x} lies outside the box
     */
    public double[] project(double[] x, double[] candidate) {
        requireInBox(x);
        requireWidth(candidate);
        double[] u = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            u[i] = (candidate[i] - x[i]) / units[i];
        }
        norm.project(u, epsilon);
        double[] result = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            result[i] = x[i] + u[i] * units[i];
        }
        return box.clip(result);
    }

    /** A row drawn uniformly from the epsilon ball around {@code x}, clipped to the box. */
    public double[] randomStart(double[] x, RandomGenerator random) {
        requireInBox(x);
        double[] u = norm.uniformInBall(x.length, epsilon, random);
        double[] result = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            result[i] = x[i] + u[i] * units[i];
        }
        return box.clip(result);
    }

    private void requireWidth(double[] v) {
        if (v.length != units.length) {
            throw new IllegalArgumentException(
                    v.length + " values for a threat model of " + units.length + " features");
        }
    }

    private void requireInBox(double[] x) {
        requireWidth(x);
        if (!box.contains(x)) {
            throw new IllegalArgumentException(
                    "the row to perturb lies outside the valid feature box");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ThreatModel other
                && norm == other.norm
                && Double.compare(epsilon, other.epsilon) == 0
                && box.equals(other.box)
                && Arrays.equals(units, other.units);
    }

    @Override
    public int hashCode() {
        return Objects.hash(norm, epsilon, box, Arrays.hashCode(units));
    }

    @Override
    public String toString() {
        return norm + " epsilon " + epsilon;
    }
}
