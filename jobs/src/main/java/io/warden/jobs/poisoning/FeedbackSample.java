package io.warden.jobs.poisoning;

import io.warden.jobs.drift.Observation;
import io.warden.jobs.performance.LabelledPrediction;
import io.warden.schemas.FeedbackRecord;

/**
 * One labelled sample of the feedback stream as the per-record poisoning detectors see it: the
 * record, who gave it, the class it was labelled with and the features of the sample (of the
 * request it labels, or its own). While it waits in a spectral-signature window it also keeps
 * whether it has been alerted. A Flink POJO.
 */
public class FeedbackSample {
    public String modelKey;
    public String modelName;
    public String modelVersion;
    public String feedbackId;
    public String contributorId;

    /** The labelled request, or null for a record with its own features. */
    public String requestId;

    /** Index of the label among the model's classes. */
    public int labelClass;

    /** Event time of the judgement: when the label was matched, or the record's own time. */
    public long eventTime;

    /** Feature values in the configured order. */
    public double[] features;

    /** Whether the record has had its alert already. */
    public boolean alerted;

    public FeedbackSample() {}

    /** The sample of a label the performance join matched to its prediction, with features. */
    public static FeedbackSample of(LabelledPrediction p, long time) {
        FeedbackSample s = new FeedbackSample();
        s.modelKey = p.modelKey;
        s.modelName = p.modelName;
        s.modelVersion = p.modelVersion;
        s.feedbackId = p.feedbackId;
        s.contributorId = p.contributorId;
        s.requestId = p.requestId;
        s.labelClass = p.labelClass;
        s.eventTime = time;
        s.features = p.features;
        return s;
    }

    /** The sample of a record with its own features. */
    public static FeedbackSample of(
            FeedbackRecord f, int labelClass, double[] features, long time) {
        FeedbackSample s = new FeedbackSample();
        s.modelKey = Observation.modelKey(f.getModelName(), f.getModelVersion());
        s.modelName = f.getModelName();
        s.modelVersion = f.getModelVersion();
        s.feedbackId = f.getFeedbackId();
        s.contributorId = f.getContributorId();
        s.labelClass = labelClass;
        s.eventTime = time;
        s.features = features;
        return s;
    }
}
