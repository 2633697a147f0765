package io.warden.detectors.confidence;

import io.warden.detectors.calibration.EmpiricalReference;
import java.io.Serializable;
import java.util.Objects;
import java.util.function.Function;

/**
 * The reference distributions of the three confidence signals (max softmax probability, entropy,
 * margin) on a model's reference traffic, against which {@link ConfidenceAnomalyDetector} ranks new
 * predictions.
 *
 * <p>Build it from the model's outputs on data it is expected to see in production (a held-out
 * validation set, or a known-good period of traffic), not from its training set, whose predictions
 * are over-confident. Each signal keeps at most {@link EmpiricalReference#DEFAULT_MAX_SIZE} values
 * unless a smaller {@code maxSize} is given; the signals of one vector are kept or dropped together
 * because the three subsamples use the same deterministic random stream.
 *
 * @param msp reference maximum softmax probabilities
 * @param entropy reference entropies, in nats
 * @param margin reference top-1/top-2 margins
 */
public record ConfidenceReference(
        EmpiricalReference msp, EmpiricalReference entropy, EmpiricalReference margin)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Requires all three references. */
    public ConfidenceReference {
        Objects.requireNonNull(msp, "msp reference");
        Objects.requireNonNull(entropy, "entropy reference");
        Objects.requireNonNull(margin, "margin reference");
    }

    /**
     * A reference from three raw samples of the signals (which may differ in length).
     *
     * @throws IllegalArgumentException if a sample is empty or holds a NaN
     */
    public static ConfidenceReference of(double[] msp, double[] entropy, double[] margin) {
        return new ConfidenceReference(
                EmpiricalReference.of(msp),
                EmpiricalReference.of(entropy),
                EmpiricalReference.of(margin));
    }

    /**
     * A reference from reference probability vectors, each checked as by {@link
     * Confidence#ofProbabilities}.
     *
     * @throws IllegalArgumentException if there is no vector or one is invalid (the message gives
     *     its position)
     */
    public static ConfidenceReference fromProbabilities(Iterable<double[]> probabilityVectors) {
        return fromProbabilities(probabilityVectors, EmpiricalReference.DEFAULT_MAX_SIZE);
    }

    /** As {@link #fromProbabilities(Iterable)}, keeping at most {@code maxSize} values a signal. */
    public static ConfidenceReference fromProbabilities(
            Iterable<double[]> probabilityVectors, int maxSize) {
        return build(probabilityVectors, maxSize, Confidence::ofProbabilities);
    }

    /**
     * A reference from reference logit vectors, each checked as by {@link Confidence#ofLogits}.
     *
     * @throws IllegalArgumentException if there is no vector or one is invalid (the message gives
     *     its position)
     */
    public static ConfidenceReference fromLogits(Iterable<double[]> logitVectors) {
        return fromLogits(logitVectors, EmpiricalReference.DEFAULT_MAX_SIZE);
    }

    /** As {@link #fromLogits(Iterable)}, keeping at most {@code maxSize} values a signal. */
    public static ConfidenceReference fromLogits(Iterable<double[]> logitVectors, int maxSize) {
        return build(logitVectors, maxSize, Confidence::ofLogits);
    }

    private static ConfidenceReference build(
            Iterable<double[]> vectors, int maxSize, Function<double[], Confidence> confidence) {
        Objects.requireNonNull(vectors, "reference vectors");
        EmpiricalReference.Builder msp = EmpiricalReference.builder(maxSize);
        EmpiricalReference.Builder entropy = EmpiricalReference.builder(maxSize);
        EmpiricalReference.Builder margin = EmpiricalReference.builder(maxSize);
        long index = 0;
        for (double[] vector : vectors) {
            Confidence c;
            try {
                c = confidence.apply(vector);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException(
                        "reference vector #" + index + ": " + e.getMessage(), e);
            }
            msp.add(c.msp());
            entropy.add(c.entropy());
            margin.add(c.margin());
            index++;
        }
        if (index == 0) {
            throw new IllegalArgumentException("reference must hold at least one vector");
        }
        return new ConfidenceReference(msp.build(), entropy.build(), margin.build());
    }
}
