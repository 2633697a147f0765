package io.warden.detectors.confidence;

import java.io.Serializable;
import java.util.Objects;

/**
 * How confident a classifier was in one prediction, from its output distribution: the predicted
 * class, the maximum softmax probability (MSP), the Shannon entropy and the top-1/top-2 margin.
 *
 * <p>Definitions, for a probability vector p over K classes:
 *
 * <ul>
 *   <li>{@code predictedClass} = argmax<sub>i</sub> p<sub>i</sub>; on ties the lowest index.
 *   <li>{@code msp} = max<sub>i</sub> p<sub>i</sub>, in (0, 1].
 *   <li>{@code entropy} = &minus;&Sigma; p<sub>i</sub> ln p<sub>i</sub> in nats, with 0 ln 0 = 0;
 *       in [0, ln K].
 *   <li>{@code margin} = p<sub>(1)</sub> &minus; p<sub>(2)</sub>, the largest minus the second
 *       largest probability (equal when tied, giving 0). With one class there is no runner-up and
 *       the margin is p<sub>1</sub> &minus; 0, i.e. 1.
 * </ul>
 *
 * <p>Probability vectors are validated (finite, non-negative, summing to 1 within {@value
 * #SUM_TOLERANCE}) and the statistics are computed on the vector as given, not renormalised. Logits
 * go through a numerically stable softmax (the maximum is subtracted before exponentiating), so
 * logits of any finite magnitude work.
 *
 * <p>The factories make one pass over a probability vector (two over logits) and allocate nothing
 * but the result. The static helpers ({@link #softmax}, {@link #entropy}, {@link #margin}, {@link
 * #argmax}) are public for reuse by other detectors.
 *
 * @param predictedClass index of the most probable class, &ge; 0
 * @param msp maximum softmax probability
 * @param entropy Shannon entropy of the distribution, in nats
 * @param margin difference between the two largest probabilities
 */
public record Confidence(int predictedClass, double msp, double entropy, double margin)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How far the sum of a probability vector may be from 1: {@value}. */
    public static final double SUM_TOLERANCE = 1e-3;

    /** Validates the fields: a class index &ge; 0 and finite, non-negative statistics. */
    public Confidence {
        if (predictedClass < 0) {
            throw new IllegalArgumentException(
                    "predictedClass must be >= 0, but is " + predictedClass);
        }
        requireFiniteNonNegative("msp", msp);
        requireFiniteNonNegative("entropy", entropy);
        requireFiniteNonNegative("margin", margin);
    }

    /**
     * The confidence of a probability vector.
     *
     * @throws IllegalArgumentException if the vector is empty, holds a non-finite or negative
     *     value, or does not sum to 1 within {@value #SUM_TOLERANCE}; the message names the problem
     *     and the offending index
     */
    public static Confidence ofProbabilities(double[] probabilities) {
        requireNonEmpty(probabilities, "probability vector");
        int top = -1;
        double top1 = Double.NEGATIVE_INFINITY;
        double top2 = 0.0; // the runner-up of a single class is 0
        double sum = 0.0;
        double plogp = 0.0;
        for (int i = 0; i < probabilities.length; i++) {
            double p = probabilities[i];
            if (!(p >= 0.0 && p <= Double.MAX_VALUE)) { // also false for NaN
                throw invalidProbability(probabilities, i);
            }
            sum += p;
            if (p > 0.0) {
                plogp += p * Math.log(p);
            }
            if (p > top1) {
                if (top >= 0) {
                    top2 = top1;
                }
                top1 = p;
                top = i;
            } else if (p > top2) {
                top2 = p;
            }
        }
        if (!(Math.abs(sum - 1.0) <= SUM_TOLERANCE)) {
            throw new IllegalArgumentException(
                    "probabilities must sum to 1 within "
                            + SUM_TOLERANCE
                            + ", but sum to "
                            + sum
                            + " (over "
                            + probabilities.length
                            + " classes; logits need Confidence.ofLogits)");
        }
        // plogp <= 0 for p <= 1; a tiny positive value can only come from p slightly above 1.
        return new Confidence(top, top1, Math.max(0.0, -plogp), top1 - top2);
    }

    /**
     * The confidence of the softmax of a logit vector, without materialising the probabilities.
     *
     * @throws IllegalArgumentException if the vector is empty or holds a non-finite value
     */
    public static Confidence ofLogits(double[] logits) {
        int top = argmaxOfFinite(logits, "logits");
        double max = logits[top];
        // With z_i = l_i - max and S = sum exp(z_i): p_i = exp(z_i) / S, msp = 1 / S and
        // entropy = -sum p_i (z_i - ln S) = ln S - (sum exp(z_i) z_i) / S.
        double s = 0.0;
        double weighted = 0.0;
        double second = 0.0; // exp(z) of the runner-up; 0 when there is none
        for (int i = 0; i < logits.length; i++) {
            double z = logits[i] - max;
            double e = Math.exp(z);
            s += e;
            if (e > 0.0) { // z may be -Infinity after overflow; its term is 0, not NaN
                weighted += e * z;
            }
            if (i != top && e > second) {
                second = e;
            }
        }
        double entropy = Math.max(0.0, Math.log(s) - weighted / s);
        return new Confidence(top, 1.0 / s, entropy, (1.0 - second) / s);
    }

    /**
     * The softmax of a logit vector, computed stably (the maximum is subtracted first).
     *
     * @throws IllegalArgumentException if the vector is empty or holds a non-finite value
     */
    public static double[] softmax(double[] logits) {
        double[] out = new double[requireNonEmpty(logits, "logits").length];
        softmax(logits, out);
        return out;
    }

    /**
     * Writes the softmax of {@code logits} into {@code out}, which may be the same array.
     *
     * @throws IllegalArgumentException if the vector is empty or holds a non-finite value, or the
     *     arrays differ in length
     */
    public static void softmax(double[] logits, double[] out) {
        double max = logits[argmaxOfFinite(logits, "logits")];
        Objects.requireNonNull(out, "out");
        if (out.length != logits.length) {
            throw new IllegalArgumentException(
                    "out has length " + out.length + " but logits " + logits.length);
        }
        double s = 0.0;
        for (int i = 0; i < logits.length; i++) {
            double e = Math.exp(logits[i] - max);
            out[i] = e;
            s += e;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= s;
        }
    }

    /**
     * Shannon entropy, in nats, of a probability vector, with 0 ln 0 = 0. The sum is not checked;
     * use {@link #ofProbabilities} for a fully validated vector.
     *
     * @throws IllegalArgumentException if the vector is empty or holds a non-finite or negative
     *     value
     */
    public static double entropy(double[] probabilities) {
        requireNonEmpty(probabilities, "probability vector");
        double plogp = 0.0;
        for (int i = 0; i < probabilities.length; i++) {
            double p = probabilities[i];
            if (!(p >= 0.0 && p <= Double.MAX_VALUE)) {
                throw invalidProbability(probabilities, i);
            }
            if (p > 0.0) {
                plogp += p * Math.log(p);
            }
        }
        return -plogp;
    }

    /**
     * The largest minus the second largest value (that value minus 0 for a single value). The sum
     * is not checked.
     *
     * @throws IllegalArgumentException if the vector is empty or holds a non-finite or negative
     *     value
     */
    public static double margin(double[] probabilities) {
        requireNonEmpty(probabilities, "probability vector");
        double top1 = Double.NEGATIVE_INFINITY;
        double top2 = 0.0;
        boolean first = true;
        for (int i = 0; i < probabilities.length; i++) {
            double p = probabilities[i];
            if (!(p >= 0.0 && p <= Double.MAX_VALUE)) {
                throw invalidProbability(probabilities, i);
            }
            if (p > top1) {
                if (!first) {
                    top2 = top1;
                }
                top1 = p;
                first = false;
            } else if (p > top2) {
                top2 = p;
            }
        }
        return top1 - top2;
    }

    /**
     * Index of the largest value; on ties the lowest index.
     *
     * @throws IllegalArgumentException if the vector is empty or holds a NaN
     */
    public static int argmax(double[] values) {
        requireNonEmpty(values, "vector");
        int best = 0;
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) {
                throw new IllegalArgumentException("vector must not hold NaN, but [" + i + "] is");
            }
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int argmaxOfFinite(double[] values, String what) {
        requireNonEmpty(values, what);
        int best = 0;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(
                        what + " must be finite, but " + what + "[" + i + "] = " + v);
            }
            if (v > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double[] requireNonEmpty(double[] values, String what) {
        Objects.requireNonNull(values, what);
        if (values.length == 0) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return values;
    }

    private static IllegalArgumentException invalidProbability(double[] p, int i) {
        String problem = Double.isFinite(p[i]) ? "non-negative" : "finite";
        return new IllegalArgumentException(
                "probabilities must be " + problem + ", but p[" + i + "] = " + p[i]);
    }

    private static void requireFiniteNonNegative(String name, double value) {
        if (!(value >= 0.0 && value <= Double.MAX_VALUE)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, but is " + value);
        }
    }
}
