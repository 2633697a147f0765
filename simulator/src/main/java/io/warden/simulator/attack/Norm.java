package io.warden.simulator.attack;

import java.util.random.RandomGenerator;

/** The norm that bounds an evasion attack's perturbation, and its geometry. */
public enum Norm {
    /** {@code max_i |v_i|}: every feature may move by up to epsilon. */
    LINF,
    /** {@code sqrt(sum_i v_i^2)}: the total Euclidean change is bounded. */
    L2;

    /** The norm of {@code v}. */
    public double of(double[] v) {
        double result = 0;
        for (double x : v) {
            result = this == LINF ? Math.max(result, Math.abs(x)) : result + x * x;
        }
        return this == LINF ? result : Math.sqrt(result);
    }

    /**
     * The direction of steepest ascent of unit norm for a gradient {@code g}: {@code sign(g)} for
     * L-inf (Goodfellow et al. 2015), {@code g / ||g||_2} for L2; zero where the gradient is zero.
     */
    public double[] steepestAscent(double[] g) {
        double[] direction = new double[g.length];
        if (this == LINF) {
            for (int i = 0; i < g.length; i++) {
                direction[i] = Math.signum(g[i]);
            }
            return direction;
        }
        double length = L2.of(g);
        if (length > 0) {
            for (int i = 0; i < g.length; i++) {
                direction[i] = g[i] / length;
            }
        }
        return direction;
    }

    /**
     * Projects {@code v} onto the ball of radius {@code epsilon}, in place: clips each value to
     * {@code [-epsilon, epsilon]} for L-inf, rescales onto the sphere when outside for L2.
     */
    public void project(double[] v, double epsilon) {
        if (this == LINF) {
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.max(-epsilon, Math.min(epsilon, v[i]));
            }
            return;
        }
        double length = L2.of(v);
        if (length > epsilon) {
            double factor = epsilon / length;
            for (int i = 0; i < v.length; i++) {
                v[i] *= factor;
            }
        }
    }

    /**
     * A point drawn uniformly from the ball of radius {@code epsilon} in {@code d} dimensions: a
     * uniform cube for L-inf; for L2 a Gaussian direction with radius {@code epsilon U^(1/d)}.
     */
    public double[] uniformInBall(int d, double epsilon, RandomGenerator random) {
        double[] v = new double[d];
        if (this == LINF) {
            for (int i = 0; i < d; i++) {
                v[i] = epsilon * (2 * random.nextDouble() - 1);
            }
            return v;
        }
        for (int i = 0; i < d; i++) {
            v[i] = random.nextGaussian();
        }
        double length = L2.of(v);
        double radius = epsilon * Math.pow(random.nextDouble(), 1.0 / d);
        for (int i = 0; i < d; i++) {
            v[i] = length > 0 ? v[i] * radius / length : 0;
        }
        return v;
    }
}
