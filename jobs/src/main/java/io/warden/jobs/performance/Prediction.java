package io.warden.jobs.performance;

import io.warden.jobs.drift.Observation;

/**
 * What the label join keeps of a scored row while it waits for a label: the model, the request's
 * event time, the predicted class and its confidence; nothing derivable (the request id is in the
 * key), since every prediction stays in state for its whole label wait. The feature values only for
 * the models whose feedback records are judged on their own ({@code detectors.poisoning.records}):
 * they cost 8 bytes per feature for the whole label wait. A Flink POJO.
 */
public class Prediction {
    /** {@link LabelJoin#key(String, String)} of the row. */
    public String key;

    public String modelName;
    public String modelVersion;

    /** The request's own event time. */
    public long eventTime;

    /** Index into the configured classes. */
    public int predictedClass;

    /** Max softmax probability of the answer. */
    public double msp;

    /** The row's feature values when its label's record is to be judged, else null. */
    public double[] features;

    public Prediction() {}

    /** The prediction of a row; with its features when {@code keepFeatures}. */
    static Prediction of(Observation o, boolean keepFeatures) {
        Prediction p = new Prediction();
        p.key = LabelJoin.key(o.modelName, Observation.rowKey(o.requestId, o.row));
        p.modelName = o.modelName;
        p.modelVersion = o.modelVersion;
        p.eventTime = o.eventTime;
        p.predictedClass = o.predictedClass;
        p.msp = o.msp;
        p.features = keepFeatures ? o.features : null;
        return p;
    }
}
