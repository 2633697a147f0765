package io.warden.simulator.traffic;

import io.warden.simulator.data.FeatureBox;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * A covariate or prior shift applied to the benign traffic of one drift segment. Amplitudes are
 * shares of each feature's valid box range, so they mean the same for pixels and for tabular
 * features; every shifted row is clipped to the box.
 */
public enum DriftKind {
    /** No drift segment. */
    NONE,
    /** Gaussian noise, standard deviation {@value #NOISE_SD} of the range, on every feature. */
    NOISE,
    /**
     * Contrast {@value #CONTRAST} and brightness {@value #BRIGHTNESS_SHIFT} of the range: {@code x'
     * = lower + CONTRAST (x - lower) + BRIGHTNESS_SHIFT range}.
     */
    BRIGHTNESS,
    /**
     * Every feature multiplied by {@value #SCALE_FACTOR} (a change of units or of a sensor's gain).
     */
    SCALE,
    /**
     * Class-prior shift: the rows' features are unchanged, but {@value #PRIOR_SHARE} of them are
     * drawn from the first class.
     */
    PRIOR;

    /** {@link #NOISE}'s standard deviation as a share of the range: {@value}. */
    public static final double NOISE_SD = 0.1;

    /** {@link #BRIGHTNESS}'s contrast: {@value}. */
    public static final double CONTRAST = 0.7;

    /** {@link #BRIGHTNESS}'s brightness as a share of the range: {@value}. */
    public static final double BRIGHTNESS_SHIFT = 0.2;

    /** {@link #SCALE}'s factor: {@value}. */
    public static final double SCALE_FACTOR = 1.3;

    /** {@link #PRIOR}'s share of rows drawn from the first class: {@value}. */
    public static final double PRIOR_SHARE = 0.5;

    /** The name used in the ground truth's {@code segment}, e.g. {@code noise}. */
    public String segment() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The shifted copy of a benign row (the row itself for {@link #NONE} and {@link #PRIOR}). */
    public double[] apply(double[] x, FeatureBox box, RandomGenerator random) {
        if (this == NONE || this == PRIOR) {
            return x;
        }
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double lower = box.lower(j);
            double range = box.upper(j) - lower;
            out[j] =
                    switch (this) {
                        case NOISE -> x[j] + NOISE_SD * range * random.nextGaussian();
                        case BRIGHTNESS ->
                                lower + CONTRAST * (x[j] - lower) + BRIGHTNESS_SHIFT * range;
                        case SCALE -> x[j] * SCALE_FACTOR;
                        default -> x[j];
                    };
        }
        return box.clip(out);
    }
}
