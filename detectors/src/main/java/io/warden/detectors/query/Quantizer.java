package io.warden.detectors.query;

import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * Maps each feature of a fixed-width input to one of {@code levels} equal-width bins over the
 * feature's reference range [low, high]: level = &lfloor;(x &minus; low) / step&rfloor; with step =
 * (high &minus; low) / levels, clamped to [0, levels &minus; 1], so values below the range fall in
 * the first bin and values above it in the last. This is the quantization of Li et al.'s Blacklight
 * (USENIX Security 2022), which divides pixel values by a quantization step; here the step is given
 * as a number of levels over a range, so that one setting suits features of any scale. Small
 * perturbations that stay within a bin vanish, which is what lets an attack's near-identical
 * queries hash alike.
 *
 * <p>Immutable, thread-safe and {@link Serializable} (validated on reading).
 */
public final class Quantizer implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Largest accepted number of levels: a level fits in two bytes when hashed. */
    public static final int MAX_LEVELS = 1 << 16;

    private final double[] lows;
    private final double[] highs;
    private final int levels;
    private final transient double[] steps;

    private Quantizer(double[] lows, double[] highs, int levels) {
        Objects.requireNonNull(lows, "lows");
        Objects.requireNonNull(highs, "highs");
        if (lows.length == 0 || lows.length != highs.length) {
            throw new IllegalArgumentException(
                    "need one low and one high per feature, at least one feature; have "
                            + lows.length
                            + " lows and "
                            + highs.length
                            + " highs");
        }
        if (levels < 2 || levels > MAX_LEVELS) {
            throw new IllegalArgumentException(
                    "levels must be in [2, " + MAX_LEVELS + "], but is " + levels);
        }
        this.lows = lows.clone();
        this.highs = highs.clone();
        this.levels = levels;
        this.steps = new double[lows.length];
        for (int i = 0; i < lows.length; i++) {
            if (!Double.isFinite(lows[i])
                    || !Double.isFinite(highs[i])
                    || !(highs[i] > lows[i])
                    || !Double.isFinite(highs[i] - lows[i])) {
                throw new IllegalArgumentException(
                        "feature "
                                + i
                                + " needs a finite range with high > low, but has ["
                                + lows[i]
                                + ", "
                                + highs[i]
                                + "]");
            }
            steps[i] = (highs[i] - lows[i]) / levels;
        }
    }

    /**
     * The same range for every feature, e.g. pixel values.
     *
     * @param width number of features, at least 1
     * @param low lower end of the reference range, finite
     * @param high upper end, finite and above {@code low}
     * @param levels number of bins, in [2, {@value #MAX_LEVELS}]
     */
    public static Quantizer uniform(int width, double low, double high, int levels) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be at least 1, but is " + width);
        }
        double[] lows = new double[width];
        double[] highs = new double[width];
        Arrays.fill(lows, low);
        Arrays.fill(highs, high);
        return new Quantizer(lows, highs, levels);
    }

    /**
     * A range per feature, e.g. each feature's reference minimum and maximum (or a low and a high
     * quantile, so that outliers do not stretch the bins).
     *
     * @param lows lower ends, finite; copied
     * @param highs upper ends, finite and above the matching low; copied
     * @param levels number of bins per feature, in [2, {@value #MAX_LEVELS}]
     */
    public static Quantizer perFeature(double[] lows, double[] highs, int levels) {
        return new Quantizer(lows, highs, levels);
    }

    /** Number of features an input must have. */
    public int width() {
        return lows.length;
    }

    /** Number of bins per feature. */
    public int levels() {
        return levels;
    }

    /** The bin of one value of feature {@code feature}; NaN is refused by the callers. */
    int level(int feature, double value) {
        double bin = Math.floor((value - lows[feature]) / steps[feature]);
        if (bin < 0.0) {
            return 0;
        }
        return bin >= levels ? levels - 1 : (int) bin;
    }

    /**
     * The bins of an input, one per feature.
     *
     * @throws IllegalArgumentException if the input's width is not {@link #width()} or a value is
     *     NaN or infinite
     */
    public int[] quantize(double[] features) {
        checkWidth(features.length);
        int[] bins = new int[features.length];
        for (int i = 0; i < features.length; i++) {
            checkFinite(i, features[i]);
            bins[i] = level(i, features[i]);
        }
        return bins;
    }

    /** As {@link #quantize(double[])}, for single-precision inputs. */
    public int[] quantize(float[] features) {
        return quantize(Features.widened(features));
    }

    private void checkWidth(int width) {
        if (width != lows.length) {
            throw new IllegalArgumentException(
                    "input has " + width + " features, expected " + lows.length);
        }
    }

    private static void checkFinite(int feature, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("feature " + feature + " is " + value);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantizer other
                && levels == other.levels
                && Arrays.equals(lows, other.lows)
                && Arrays.equals(highs, other.highs);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(lows) + Arrays.hashCode(highs)) + levels;
    }

    @Override
    public String toString() {
        return "Quantizer[width=" + lows.length + ", levels=" + levels + "]";
    }

    /** Deserialised fields go through the constructor's validation. */
    private Object readResolve() throws ObjectStreamException {
        try {
            return new Quantizer(lows, highs, levels);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw InvalidState.of("Quantizer", e);
        }
    }
}
