package io.warden.detectors.profile;

import io.warden.detectors.calibration.EmpiricalReference;
import io.warden.detectors.confidence.Confidence;
import io.warden.detectors.confidence.ConfidenceReference;
import io.warden.detectors.multivariate.RowSample;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The reference behaviour of a classifier's output: how often each class was predicted (the priors
 * of predicted classes, exact counts) and the distributions of its confidence (maximum softmax
 * probability, entropy, margin, as {@link Confidence#ofProbabilities} computes them).
 *
 * <p>The confidence distributions come from one uniform sample of (msp, entropy, margin) triples,
 * kept jointly (a {@link RowSample} of width 3, seeded reservoir) so that they stay mergeable; the
 * three {@link EmpiricalReference}s of {@link #confidence()} are built from its columns. This holds
 * what today's confidence reference file holds, so the profile can replace it.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PredictionProfile implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Column of the maximum softmax probability in {@link #confidenceSample()}. */
    public static final int MSP = 0;

    /** Column of the entropy (nats) in {@link #confidenceSample()}. */
    public static final int ENTROPY = 1;

    /** Column of the margin in {@link #confidenceSample()}. */
    public static final int MARGIN = 2;

    private final List<String> classLabels;
    private final long[] priorCounts;
    private final RowSample confidenceSample;
    private final transient ConfidenceReference confidence;

    private PredictionProfile(
            List<String> classLabels, long[] priorCounts, RowSample confidenceSample) {
        this.classLabels = classLabels;
        this.priorCounts = priorCounts;
        this.confidenceSample = confidenceSample;
        this.confidence =
                confidenceSample.isEmpty()
                        ? null
                        : new ConfidenceReference(
                                column(confidenceSample, MSP),
                                column(confidenceSample, ENTROPY),
                                column(confidenceSample, MARGIN));
    }

    private static EmpiricalReference column(RowSample sample, int column) {
        double[] values = sample.column(column);
        return EmpiricalReference.of(values, values.length);
    }

    /**
     * A profile from its parts, e.g. read from a file.
     *
     * @param classLabels the class labels, in probability-vector order
     * @param priorCounts how often each class was predicted (argmax), copied
     * @param confidenceSample sampled (msp, entropy, margin) triples, drawn from the sum of the
     *     prior counts
     * @throws IllegalArgumentException naming the part that is inconsistent
     */
    public static PredictionProfile of(
            List<String> classLabels, long[] priorCounts, RowSample confidenceSample) {
        List<String> labels = List.copyOf(Objects.requireNonNull(classLabels, "classLabels"));
        Objects.requireNonNull(priorCounts, "priorCounts");
        Objects.requireNonNull(confidenceSample, "confidenceSample");
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("classLabels: need at least one class");
        }
        if (priorCounts.length != labels.size()) {
            throw new IllegalArgumentException(
                    "priorCounts: "
                            + labels.size()
                            + " classes need as many counts, but there are "
                            + priorCounts.length);
        }
        long total = 0;
        for (int i = 0; i < priorCounts.length; i++) {
            if (priorCounts[i] < 0) {
                throw new IllegalArgumentException("priorCounts: [" + i + "] is negative");
            }
            total += priorCounts[i];
        }
        if (confidenceSample.width() != 3) {
            throw new IllegalArgumentException(
                    "confidence: sample rows must be (msp, entropy, margin), but have width "
                            + confidenceSample.width());
        }
        if (confidenceSample.seen() != total) {
            throw new IllegalArgumentException(
                    "confidence: sample was drawn from "
                            + confidenceSample.seen()
                            + " predictions, but the prior counts sum to "
                            + total);
        }
        // ln K, allowing for probability vectors that sum to 1 within Confidence.SUM_TOLERANCE.
        double entropyBound = (1 + 2 * Confidence.SUM_TOLERANCE) * Math.log(labels.size()) + 1e-9;
        for (int i = 0; i < confidenceSample.size(); i++) {
            double msp = confidenceSample.get(i, MSP);
            double entropy = confidenceSample.get(i, ENTROPY);
            double margin = confidenceSample.get(i, MARGIN);
            if (!(msp > 0.0 && msp <= 1.0 + Confidence.SUM_TOLERANCE)
                    || !(entropy >= 0.0 && entropy <= entropyBound)
                    || !(margin >= 0.0 && margin <= msp)) {
                throw new IllegalArgumentException(
                        "confidence: sample row "
                                + i
                                + " is not a valid (msp, entropy, margin) for "
                                + labels.size()
                                + " classes: ("
                                + msp
                                + ", "
                                + entropy
                                + ", "
                                + margin
                                + ")");
            }
        }
        return new PredictionProfile(labels, priorCounts.clone(), confidenceSample);
    }

    /** The class labels, in probability-vector order. */
    public List<String> classLabels() {
        return classLabels;
    }

    /** Number of classes. */
    public int classCount() {
        return classLabels.size();
    }

    /** Number of predictions profiled. */
    public long count() {
        return confidenceSample.seen();
    }

    /** How often class i was predicted. */
    public long priorCount(int i) {
        return priorCounts[i];
    }

    /** A copy of the prediction counts per class. */
    public long[] priorCounts() {
        return priorCounts.clone();
    }

    /** The share of predictions of class i; 0 without predictions. */
    public double prior(int i) {
        long n = count();
        return n == 0 ? 0.0 : (double) priorCounts[i] / n;
    }

    /**
     * The sampled (msp, entropy, margin) triples; columns {@link #MSP}, {@link #ENTROPY}, {@link
     * #MARGIN}.
     */
    public RowSample confidenceSample() {
        return confidenceSample;
    }

    /** The reference confidence distributions; absent without predictions. */
    public Optional<ConfidenceReference> confidence() {
        return Optional.ofNullable(confidence);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PredictionProfile other
                && classLabels.equals(other.classLabels)
                && Arrays.equals(priorCounts, other.priorCounts)
                && confidenceSample.equals(other.confidenceSample);
    }

    @Override
    public int hashCode() {
        return Objects.hash(classLabels, Arrays.hashCode(priorCounts), confidenceSample);
    }

    @Override
    public String toString() {
        return "PredictionProfile[classes="
                + classLabels
                + ", priors="
                + Arrays.toString(priorCounts)
                + ", "
                + confidenceSample
                + "]";
    }

    private Object writeReplace() {
        return new SerializedForm(this);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("PredictionProfile is read through its serialized form");
    }

    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;

        private final List<String> classLabels;
        private final long[] priorCounts;
        private final RowSample confidenceSample;

        SerializedForm(PredictionProfile p) {
            classLabels = p.classLabels;
            priorCounts = p.priorCounts;
            confidenceSample = p.confidenceSample;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                return of(classLabels, priorCounts, confidenceSample);
            } catch (IllegalArgumentException | NullPointerException e) {
                InvalidObjectException invalid =
                        new InvalidObjectException("invalid PredictionProfile: " + e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }
}
