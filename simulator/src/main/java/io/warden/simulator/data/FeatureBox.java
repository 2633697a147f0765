package io.warden.simulator.data;

import java.util.Arrays;

/**
 * The box of valid feature values, {@code lower[i] <= x[i] <= upper[i]}: what an attacker may send
 * without the input looking broken (a pixel outside 0..16, a negative area), and what attacks clip
 * their adversarial examples to. Instances are immutable.
 */
public final class FeatureBox {

    private final double[] lower;
    private final double[] upper;

    private FeatureBox(double[] lower, double[] upper) {
        if (lower.length != upper.length || lower.length == 0) {
            throw new IllegalArgumentException(
                    "a box needs as many lower as upper bounds, at least one: "
                            + lower.length
                            + " and "
                            + upper.length);
        }
        for (int i = 0; i < lower.length; i++) {
            if (!(lower[i] <= upper[i])) {
                throw new IllegalArgumentException(
                        "feature " + i + " has lower bound " + lower[i] + " above " + upper[i]);
            }
        }
        this.lower = lower;
        this.upper = upper;
    }

    /** The same interval {@code [lower, upper]} for each of {@code d} features. */
    public static FeatureBox uniform(int d, double lower, double upper) {
        double[] lo = new double[d];
        double[] hi = new double[d];
        Arrays.fill(lo, lower);
        Arrays.fill(hi, upper);
        return new FeatureBox(lo, hi);
    }

    /** Per-feature bounds, copied. */
    public static FeatureBox of(double[] lower, double[] upper) {
        return new FeatureBox(lower.clone(), upper.clone());
    }

    /** Each feature's minimum and maximum over a reference data set's rows. */
    public static FeatureBox of(Dataset reference) {
        int d = reference.featureCount();
        double[] lo = new double[d];
        double[] hi = new double[d];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int r = 0; r < reference.size(); r++) {
            double[] row = reference.row(r);
            for (int i = 0; i < d; i++) {
                lo[i] = Math.min(lo[i], row[i]);
                hi[i] = Math.max(hi[i], row[i]);
            }
        }
        return new FeatureBox(lo, hi);
    }

    /** Number of features. */
    public int dimension() {
        return lower.length;
    }

    /** The lower bound of feature {@code i}. */
    public double lower(int i) {
        return lower[i];
    }

    /** The upper bound of feature {@code i}. */
    public double upper(int i) {
        return upper[i];
    }

    /** Moves each value of {@code x} into its interval, in place, and returns {@code x}. */
    public double[] clip(double[] x) {
        requireDimension(x);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
        }
        return x;
    }

    /** Whether every value of {@code x} lies in its interval. */
    public boolean contains(double[] x) {
        requireDimension(x);
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] >= lower[i] && x[i] <= upper[i])) {
                return false;
            }
        }
        return true;
    }

    private void requireDimension(double[] x) {
        if (x.length != lower.length) {
            throw new IllegalArgumentException(
                    "a row of " + x.length + " values for a box of " + lower.length + " features");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureBox other
                && Arrays.equals(lower, other.lower)
                && Arrays.equals(upper, other.upper);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(lower) + Arrays.hashCode(upper);
    }

    @Override
    public String toString() {
        return "FeatureBox[d=" + lower.length + "]";
    }
}
