package io.warden.jobs.performance;

import io.warden.jobs.drift.Observation;

/**
 * A prediction whose label wait is over, with its label or without one. Windows count it by the
 * request's event time. A Flink POJO.
 */
public class LabelledPrediction {
    public String modelKey;
    public String modelName;
    public String modelVersion;

    /** The request's own event time. */
    public long eventTime;

    public int predictedClass;
    public double msp;

    /** Index of the label among the model's classes, or {@link #UNLABELLED}. */
    public int labelClass;

    /** Who gave the label, or null when unlabelled. */
    public String contributorId;

    /** The feedback record that gave the label, or null when unlabelled. */
    public String feedbackId;

    /** The labelled request, or null when unlabelled. */
    public String requestId;

    /** The row's feature values when its model judges feedback records on their own, else null. */
    public double[] features;

    /**
     * The class most of the row's other labels gave (other contributors' consensus), or {@link
     * #NO_CONSENSUS}; only on {@link LabelJoin#ALL_LABELS}.
     */
    public int consensusClass = NO_CONSENSUS;

    /** {@link #labelClass} of a prediction that got no label in time. */
    public static final int UNLABELLED = -1;

    /** {@link #consensusClass} when the row has no other label, or its other labels tie. */
    public static final int NO_CONSENSUS = -1;

    public LabelledPrediction() {}

    static LabelledPrediction of(Prediction p, Label label) {
        LabelledPrediction lp = new LabelledPrediction();
        lp.modelKey = Observation.modelKey(p.modelName, p.modelVersion);
        lp.modelName = p.modelName;
        lp.modelVersion = p.modelVersion;
        lp.eventTime = p.eventTime;
        lp.predictedClass = p.predictedClass;
        lp.msp = p.msp;
        lp.labelClass = label == null ? UNLABELLED : label.labelClass;
        if (label != null) {
            lp.feedbackId = label.feedbackId;
            lp.features = p.features;
            lp.requestId = label.feedback == null ? null : label.feedback.getRequestId();
            lp.contributorId = label.feedback == null ? null : label.feedback.getContributorId();
        }
        return lp;
    }
}
