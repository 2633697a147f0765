package io.warden.detectors.confidence;

import io.warden.detectors.calibration.EmpiricalReference;
import io.warden.detectors.core.DetectorResult;
import io.warden.detectors.core.Direction;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Flags predictions whose confidence is unusually low for the model: a sign of out-of-distribution
 * inputs, of inputs near the decision boundary (as many evasion attacks produce), or of a
 * misclassification.
 *
 * <p><b>Method.</b> The maximum softmax probability (MSP) baseline of Hendrycks &amp; Gimpel, "A
 * Baseline for Detecting Misclassified and Out-of-Distribution Examples in Neural Networks", ICLR
 * 2017, which showed that correctly classified in-distribution examples tend to have a higher MSP
 * than misclassified and out-of-distribution ones. Two further signals of the same output are used:
 * the Shannon entropy (high is anomalous) and the top-1/top-2 margin (low is anomalous). Each
 * signal is ranked against its distribution on reference traffic by a conformal p-value (Vovk,
 * Gammerman &amp; Shafer 2005; Angelopoulos &amp; Bates 2021; see {@link EmpiricalReference}), and
 * a prediction is flagged when the smallest of the three p-values is at most &alpha;/3.
 *
 * <p><b>False positives.</b> Each conformal p-value satisfies P(p &le; t) &le; t on traffic
 * exchangeable with the reference, so by the Bonferroni (union) bound the detector flags such
 * traffic with probability at most &alpha;, however the three signals are correlated. Because they
 * are strongly correlated, the realised rate is usually well below &alpha;. The bound is marginal
 * over the draw of the reference; a larger reference makes the rate of any one reference closer to
 * it.
 *
 * <p><b>Parameters.</b>
 *
 * <ul>
 *   <li>{@code reference}: the signals' distributions on the model's reference traffic ({@link
 *       ConfidenceReference}). Each must hold at least 3/&alpha; &minus; 1 values, or no p-value
 *       could reach &alpha;/3; the constructor refuses smaller ones.
 *   <li>{@code alpha}: the target false-positive rate per prediction on in-distribution traffic, in
 *       (0, 1); default {@value #DEFAULT_ALPHA} (one false alarm per thousand predictions at most,
 *       needing at least 2,999 reference values).
 * </ul>
 *
 * <p>The detector is stateless per prediction, immutable, thread-safe and {@link Serializable} (its
 * state is the reference and &alpha;, re-validated when deserialised). An assessment costs one pass
 * over the output vector and three binary searches over the reference.
 *
 * <pre>{@code
 * ConfidenceReference reference = ConfidenceReference.fromProbabilities(validationOutputs);
 * ConfidenceAnomalyDetector detector = new ConfidenceAnomalyDetector(reference, 0.001);
 * ConfidenceAssessment assessment = detector.assess(probabilities);
 * if (assessment.flagged()) {
 *     alert(assessment.explanation(), assessment.results());
 * }
 * }</pre>
 */
public final class ConfidenceAnomalyDetector implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The default target false-positive rate: {@value}. */
    public static final double DEFAULT_ALPHA = 0.001;

    /** Id of the max-softmax-probability signal's result. */
    public static final String MSP_ID = "confidence.msp";

    /** Id of the entropy signal's result. */
    public static final String ENTROPY_ID = "confidence.entropy";

    /** Id of the margin signal's result. */
    public static final String MARGIN_ID = "confidence.margin";

    /** Number of signals alpha is shared between (Bonferroni). */
    private static final int SIGNALS = 3;

    private final ConfidenceReference reference;
    private final double alpha;

    /**
     * A detector with the default target false-positive rate {@value #DEFAULT_ALPHA}.
     *
     * @throws IllegalArgumentException if a reference signal has fewer than 2,999 values
     */
    public ConfidenceAnomalyDetector(ConfidenceReference reference) {
        this(reference, DEFAULT_ALPHA);
    }

    /**
     * A detector with target false-positive rate {@code alpha}.
     *
     * @throws IllegalArgumentException if alpha is not in (0, 1), or a reference signal has too few
     *     values for any p-value to reach alpha/3
     */
    public ConfidenceAnomalyDetector(ConfidenceReference reference, double alpha) {
        validate(reference, alpha);
        this.reference = reference;
        this.alpha = alpha;
    }

    /** The target false-positive rate. */
    public double alpha() {
        return alpha;
    }

    /** The threshold each signal's p-value is compared with: alpha / 3. */
    public double pValueThreshold() {
        return alpha / SIGNALS;
    }

    /** The reference the signals are ranked against. */
    public ConfidenceReference reference() {
        return reference;
    }

    /**
     * Assesses a probability vector.
     *
     * @throws IllegalArgumentException if it is not a valid probability vector (see {@link
     *     Confidence#ofProbabilities})
     */
    public ConfidenceAssessment assess(double[] probabilities) {
        return assess(Confidence.ofProbabilities(probabilities));
    }

    /**
     * Assesses the softmax of a logit vector.
     *
     * @throws IllegalArgumentException if it is empty or holds a non-finite value
     */
    public ConfidenceAssessment assessLogits(double[] logits) {
        return assess(Confidence.ofLogits(logits));
    }

    /** Assesses already computed confidence statistics. */
    public ConfidenceAssessment assess(Confidence confidence) {
        Objects.requireNonNull(confidence, "confidence");
        double threshold = pValueThreshold();
        String thresholdText = ExplanationFormat.probability(threshold);
        DetectorResult msp =
                signal(
                        MSP_ID,
                        "max softmax probability ",
                        "",
                        confidence.msp(),
                        reference.msp(),
                        Direction.LOW_IS_ANOMALOUS,
                        threshold,
                        thresholdText);
        DetectorResult entropy =
                signal(
                        ENTROPY_ID,
                        "entropy ",
                        " nats",
                        confidence.entropy(),
                        reference.entropy(),
                        Direction.HIGH_IS_ANOMALOUS,
                        threshold,
                        thresholdText);
        DetectorResult margin =
                signal(
                        MARGIN_ID,
                        "top-1/top-2 margin ",
                        "",
                        confidence.margin(),
                        reference.margin(),
                        Direction.LOW_IS_ANOMALOUS,
                        threshold,
                        thresholdText);
        boolean flagged = msp.flagged() || entropy.flagged() || margin.flagged();
        return new ConfidenceAssessment(
                confidence,
                msp,
                entropy,
                margin,
                flagged,
                summary(msp, entropy, margin, flagged, thresholdText));
    }

    private static DetectorResult signal(
            String id,
            String name,
            String unit,
            double score,
            EmpiricalReference reference,
            Direction direction,
            double threshold,
            String thresholdText) {
        double p = reference.pValue(score, direction);
        boolean flagged = p <= threshold;
        // p = (1 + k) / (n + 1) with k reference values at least as extreme: recover the integer k
        // rather than search again for the share of the reference strictly less extreme, (n - k)/n
        // (the same double as fractionAbove / fractionBelow).
        int n = reference.size();
        long atLeastAsExtreme = Math.round(p * (n + 1.0)) - 1;
        double lessExtreme = (double) (n - atLeastAsExtreme) / n;
        StringBuilder explanation = new StringBuilder(96).append(name);
        ExplanationFormat.appendStatistic(explanation, score)
                .append(unit)
                .append(direction == Direction.LOW_IS_ANOMALOUS ? " is below " : " is above ");
        ExplanationFormat.appendPercent(explanation, lessExtreme).append(" of the reference (p=");
        ExplanationFormat.appendProbability(explanation, p)
                .append(flagged ? " ≤ " : " > ")
                .append(thresholdText)
                .append(')');
        return new DetectorResult(id, score, threshold, p, flagged, explanation.toString());
    }

    private static String summary(
            DetectorResult msp,
            DetectorResult entropy,
            DetectorResult margin,
            boolean flagged,
            String thresholdText) {
        DetectorResult first = ConfidenceAssessment.mostSignificant(msp, entropy, margin);
        if (!flagged) {
            StringBuilder text =
                    new StringBuilder(80)
                            .append("confidence in line with the reference: smallest p=");
            ExplanationFormat.appendProbability(text, first.pValue())
                    .append(" (")
                    .append(first.detector())
                    .append(") > ")
                    .append(thresholdText);
            return text.toString();
        }
        StringBuilder text = new StringBuilder(160).append(first.explanation());
        String separator = "; also anomalous: ";
        for (DetectorResult other : List.of(msp, entropy, margin)) {
            if (other != first && other.flagged()) {
                text.append(separator).append(other.detector());
                separator = " and ";
            }
        }
        return text.toString();
    }

    private static void validate(ConfidenceReference reference, double alpha) {
        Objects.requireNonNull(reference, "reference");
        if (!(alpha > 0.0 && alpha < 1.0)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), but is " + alpha);
        }
        double threshold = alpha / SIGNALS;
        requireReachable("msp", reference.msp(), alpha, threshold);
        requireReachable("entropy", reference.entropy(), alpha, threshold);
        requireReachable("margin", reference.margin(), alpha, threshold);
    }

    private static void requireReachable(
            String signal, EmpiricalReference values, double alpha, double threshold) {
        if (values.smallestPValue() <= threshold) {
            return;
        }
        long needed = Math.max(1L, (long) Math.ceil(1.0 / threshold) - 1);
        while (1.0 / (needed + 1.0) > threshold) {
            needed++;
        }
        while (needed > 1 && 1.0 / needed <= threshold) {
            needed--;
        }
        throw new IllegalArgumentException(
                "the "
                        + signal
                        + " reference holds "
                        + values.size()
                        + " values, so its smallest p-value 1/"
                        + (values.size() + 1)
                        + " is above alpha/3 = "
                        + ExplanationFormat.probability(threshold)
                        + " and the detector could never flag; use at least "
                        + needed
                        + " reference values or an alpha of at least "
                        + ExplanationFormat.probability(SIGNALS * values.smallestPValue())
                        + " (alpha is "
                        + alpha
                        + ")");
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        try {
            validate(reference, alpha);
        } catch (IllegalArgumentException | NullPointerException e) {
            InvalidObjectException invalid =
                    new InvalidObjectException(
                            "invalid ConfidenceAnomalyDetector: " + e.getMessage());
            invalid.initCause(e);
            throw invalid;
        }
    }

    @Override
    public String toString() {
        return "ConfidenceAnomalyDetector[alpha=" + alpha + ", reference=" + reference + "]";
    }
}
