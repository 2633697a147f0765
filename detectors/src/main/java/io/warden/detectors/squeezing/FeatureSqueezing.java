package io.warden.detectors.squeezing;

import java.io.Serializable;
import java.util.List;

/**
 * The feature-squeezing score of input rows (Xu, Evans &amp; Qi, "Feature Squeezing: Detecting
 * Adversarial Examples in Deep Neural Networks", NDSS 2018): for every squeezer, the L1 distance
 * between the served model's probabilities on the squeezed row and the probabilities the model gave
 * on the original row; the score is the largest of those distances (the paper's joint detector). It
 * is in [0, 2]; natural inputs score near 0, adversarial examples, whose prediction the squeezing
 * undoes, near 2. Unlike the paper, the original probabilities are the logged ones (what the served
 * model answered), which saves one model run per row; a row whose logged answer does not match the
 * model is also what output integrity checks.
 *
 * <p>The model runs once per squeezer on a whole batch. Thresholds come from scores on clean
 * reference rows (e.g. a conformal p-value), as the paper sets them at a target false-positive
 * rate.
 *
 * <pre>{@code
 * FeatureSqueezing squeezing = new FeatureSqueezing(64,
 *     List.of(new BitDepthReduction(3, 0, 16), new MedianSmoothing(8, 8, 2)));
 * double[] scores = squeezing.scores(onnxScorer::score, rows, n, loggedProbabilities);
 * }</pre>
 */
public final class FeatureSqueezing implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The served model: class probabilities of {@code n} row-major rows. */
    @FunctionalInterface
    public interface Classifier {
        float[][] probabilities(float[] rows, int n);
    }

    private final int width;
    private final List<Squeezer> squeezers;

    /**
     * @param width values per row
     * @param squeezers at least one
     */
    public FeatureSqueezing(int width, List<Squeezer> squeezers) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be positive, got " + width);
        }
        this.squeezers = List.copyOf(squeezers);
        if (this.squeezers.isEmpty()) {
            throw new IllegalArgumentException("feature squeezing needs at least one squeezer");
        }
        this.width = width;
        float[] probe = new float[width];
        for (Squeezer s : this.squeezers) {
            s.squeeze(probe, 0, new float[width], 0, width); // rejects a squeezer of another shape
        }
    }

    public int width() {
        return width;
    }

    public List<Squeezer> squeezers() {
        return squeezers;
    }

    /**
     * The scores of {@code n} rows.
     *
     * @param model the served model
     * @param rows {@code n * width} values, row-major
     * @param n rows
     * @param logged the logged probabilities of each row, as many classes as the model gives
     * @return one score per row: the largest L1 distance over the squeezers; NaN when the model
     *     gives NaN on a squeezed copy
     */
    public double[] scores(Classifier model, float[] rows, int n, float[][] logged) {
        if (rows.length < n * width || logged.length < n) {
            throw new IllegalArgumentException("need " + n + " rows of " + width + " values");
        }
        double[] score = new double[n];
        float[] squeezed = new float[n * width];
        for (Squeezer s : squeezers) {
            for (int r = 0; r < n; r++) {
                s.squeeze(rows, r * width, squeezed, r * width, width);
            }
            float[][] p = model.probabilities(squeezed, n);
            for (int r = 0; r < n; r++) {
                double d = l1(p[r], logged[r]);
                if (Double.isNaN(d)) {
                    score[r] = Double.NaN;
                } else if (d > score[r]) { // false once the score is NaN: NaN sticks
                    score[r] = d;
                }
            }
        }
        return score;
    }

    /**
     * The L1 distance of two probability vectors of the same length.
     *
     * @throws IllegalArgumentException if the lengths differ
     */
    public static double l1(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "the model gives " + a.length + " probabilities, the log holds " + b.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((double) a[i] - b[i]);
        }
        return sum;
    }
}
