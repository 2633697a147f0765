package io.warden.simulator.attack;

import io.warden.simulator.data.FeatureBox;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * HopSkipJump, the untargeted L2 decision-based attack of Chen, Jordan &amp; Wainwright
 * ("HopSkipJump Attack: A Query-Efficient Decision-Based Attack", IEEE S&amp;P 2020): it sees only
 * the predicted label ({@link LabelOracle}), starts from a misclassified point and walks along the
 * decision boundary towards the original row, so the perturbation shrinks as it queries.
 *
 * <p>Each iteration {@code t} (from 1): estimate the boundary's normal at the current adversarial
 * point by Monte-Carlo from the labels of {@code min(initialEvaluations sqrt(t), maxEvaluations)}
 * points on a sphere of radius {@code delta = sqrt(d) theta dist} around it, with the mean sign as
 * baseline; step along it by a geometric search from {@code dist / sqrt(t)}, halving until still
 * adversarial; then binary-search between the original and the new point back to the boundary, to
 * the tolerance {@code theta = d^(-3/2)}. The start is a uniform row of the box that the model does
 * not give the original's label, else the first such row of the attacker's own rows (as the paper
 * initialises targeted attacks), binary-searched towards the original.
 *
 * <p>Geometry is in the threat model's units (pixel counts for the digits, standard deviations for
 * breast cancer) and every query stays inside the feature box. The attack stops when its query
 * budget is spent.
 *
 * @param box the valid feature box every query stays in
 * @param units per-feature units the L2 distance is measured in
 * @param maxQueries the query budget per attacked row
 * @param initialEvaluations queries of the first gradient estimate (paper: 100)
 * @param maxEvaluations the most queries of one gradient estimate (paper: 10,000)
 */
public record HopSkipJump(
        FeatureBox box,
        double[] units,
        int maxQueries,
        int initialEvaluations,
        int maxEvaluations) {

    /** Random rows tried for a misclassified start before the attacker's own rows: {@value}. */
    public static final int START_TRIES = 20;

    /** Validates the settings. */
    public HopSkipJump {
        Objects.requireNonNull(box, "box");
        units = units.clone();
        if (units.length != box.dimension()) {
            throw new IllegalArgumentException(
                    units.length + " units for a box of " + box.dimension() + " features");
        }
        if (maxQueries < 1 || initialEvaluations < 1 || maxEvaluations < initialEvaluations) {
            throw new IllegalArgumentException(
                    "need maxQueries >= 1 and 1 <= initialEvaluations <= maxEvaluations");
        }
    }

    /**
     * The attack of one row with the model's threat model (box and units).
     *
     * @param threat the served model's threat model (its norm and epsilon are not used)
     * @param maxQueries the query budget per row
     */
    public static HopSkipJump of(ThreatModel threat, int maxQueries) {
        return new HopSkipJump(threat.box(), threat.units(), maxQueries, 100, 1_000);
    }

    /**
     * The outcome of one attacked row.
     *
     * @param adversarial the closest adversarial row found, or null when no start was found
     * @param startDistance the L2 distance (in units) of the first adversarial point (after its
     *     binary search), NaN without a start
     * @param distance the L2 distance of {@code adversarial}, NaN without a start
     * @param queries queries spent
     */
    public record Result(double[] adversarial, double startDistance, double distance, int queries) {

        /** True when the attack found an adversarial row at all. */
        public boolean found() {
            return adversarial != null;
        }
    }

    /**
     * Attacks {@code x}, which the model classifies as {@code label}.
     *
     * @param oracle the model's labels, one query per call
     * @param x the original row, inside the box
     * @param label the model's class of {@code x}; the attack seeks any other
     * @param starts the attacker's own rows, tried in order as a start when no random row is
     *     adversarial
     * @param random draws the start and the gradient-estimate directions
     */
    public Result attack(
            LabelOracle oracle,
            double[] x,
            int label,
            List<double[]> starts,
            RandomGenerator random) {
        int d = x.length;
        Budget budget = new Budget(oracle, label, maxQueries);
        double[] z = toUnits(x);
        double[] adversarial = null;
        for (int i = 0; i < START_TRIES && adversarial == null && budget.left() > 0; i++) {
            double[] candidate = new double[d];
            for (int j = 0; j < d; j++) {
                candidate[j] = (box.lower(j) + random.nextDouble() * (box.upper(j) - box.lower(j)));
            }
            if (budget.adversarial(candidate) == Boolean.TRUE) {
                adversarial = toUnits(candidate);
            }
        }
        for (int i = 0; i < starts.size() && adversarial == null && budget.left() > 0; i++) {
            if (budget.adversarial(starts.get(i)) == Boolean.TRUE) {
                adversarial = toUnits(starts.get(i));
            }
        }
        if (adversarial == null) {
            return new Result(null, Double.NaN, Double.NaN, budget.used);
        }
        double theta = 1 / (d * Math.sqrt(d));
        adversarial = boundary(budget, z, adversarial, theta);
        double start = distance(z, adversarial);
        for (int t = 1; budget.left() > 0; t++) {
            double dist = distance(z, adversarial);
            double delta = Math.sqrt(d) * theta * dist;
            int evaluations = (int) Math.min(initialEvaluations * Math.sqrt(t), maxEvaluations);
            double[] direction = gradientDirection(budget, adversarial, delta, evaluations, random);
            if (direction == null) {
                break;
            }
            double step = dist / Math.sqrt(t);
            double[] next = null;
            while (budget.left() > 0 && step * 1e6 > dist) {
                double[] candidate = clip(add(adversarial, direction, step));
                Boolean answer = budget.adversarial(fromUnits(candidate));
                if (answer == null) {
                    break;
                }
                if (answer) {
                    next = candidate;
                    break;
                }
                step /= 2;
            }
            if (next == null) {
                break;
            }
            adversarial = boundary(budget, z, next, theta);
        }
        return new Result(fromUnits(adversarial), start, distance(z, adversarial), budget.used);
    }

    /** The unit-norm Monte-Carlo estimate of the boundary's normal; null when out of budget. */
    private double[] gradientDirection(
            Budget budget, double[] point, double delta, int evaluations, RandomGenerator random) {
        int d = point.length;
        int n = Math.min(evaluations, budget.left());
        if (n < 2) {
            return null;
        }
        double[][] u = new double[n][];
        double[] phi = new double[n];
        double mean = 0;
        for (int b = 0; b < n; b++) {
            double[] g = new double[d];
            for (int j = 0; j < d; j++) {
                g[j] = random.nextGaussian();
            }
            double length = Norm.L2.of(g);
            for (int j = 0; j < d; j++) {
                g[j] /= length;
            }
            double[] probe = clip(add(point, g, delta));
            // The direction actually taken once the box clipped it.
            for (int j = 0; j < d; j++) {
                g[j] = (probe[j] - point[j]) / delta;
            }
            u[b] = g;
            phi[b] = budget.adversarial(fromUnits(probe)) ? 1 : -1;
            mean += phi[b];
        }
        mean /= n;
        double[] sum = new double[d];
        for (int b = 0; b < n; b++) {
            // With every label the same, the baseline would cancel the signal (as in the paper).
            double weight = Math.abs(mean) == 1 ? phi[b] : phi[b] - mean;
            for (int j = 0; j < d; j++) {
                sum[j] += weight * u[b][j];
            }
        }
        double length = Norm.L2.of(sum);
        if (!(length > 0)) {
            return null;
        }
        for (int j = 0; j < d; j++) {
            sum[j] /= length;
        }
        return sum;
    }

    /**
     * Binary search on the segment from the original {@code z} to the adversarial {@code
     * adversarial} for the adversarial point nearest to {@code z}, to a blend tolerance {@code
     * theta}; returns the last adversarial point seen if the budget ends first.
     */
    private double[] boundary(Budget budget, double[] z, double[] adversarial, double theta) {
        double low = 0;
        double high = 1;
        while (high - low > theta && budget.left() > 0) {
            double mid = (low + high) / 2;
            Boolean answer = budget.adversarial(fromUnits(blend(z, adversarial, mid)));
            if (answer == null) {
                break;
            }
            if (answer) {
                high = mid;
            } else {
                low = mid;
            }
        }
        return blend(z, adversarial, high);
    }

    private static double[] blend(double[] z, double[] adversarial, double alpha) {
        double[] out = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            out[j] = (1 - alpha) * z[j] + alpha * adversarial[j];
        }
        return out;
    }

    private static double[] add(double[] a, double[] direction, double step) {
        double[] out = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            out[j] = a[j] + step * direction[j];
        }
        return out;
    }

    private static double distance(double[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            double diff = a[j] - b[j];
            sum += diff * diff;
        }
        return Math.sqrt(sum);
    }

    /** Clips a point in units to the box. */
    private double[] clip(double[] z) {
        double[] out = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            out[j] = Math.max(box.lower(j) / units[j], Math.min(box.upper(j) / units[j], z[j]));
        }
        return out;
    }

    private double[] toUnits(double[] x) {
        double[] z = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            z[j] = x[j] / units[j];
        }
        return z;
    }

    private double[] fromUnits(double[] z) {
        double[] x = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            x[j] = z[j] * units[j];
        }
        return box.clip(x);
    }

    /** Counts queries against the budget. */
    private static final class Budget {
        private final LabelOracle oracle;
        private final int label;
        private final int max;
        private int used;

        Budget(LabelOracle oracle, int label, int max) {
            this.oracle = oracle;
            this.label = label;
            this.max = max;
        }

        int left() {
            return max - used;
        }

        /** Whether the model misclassifies {@code x}; null when the budget is spent. */
        Boolean adversarial(double[] x) {
            if (used >= max) {
                return null;
            }
            used++;
            return oracle.label(x) != label;
        }
    }
}
