package io.warden.jobs.performance;

import io.warden.jobs.drift.Observation;

/**
 * What the label join keeps of a scored row while it waits for a label: the model, the request's
 * event time, the predicted class and its confidence. A Flink POJO.
 */
public class Prediction {
    /** {@link LabelJoin#key(String, String)} of the row. */
    public String key;

    public String modelKey;
    public String modelName;
    public String modelVersion;
    public String requestId;

    /** The request's own event time. */
    public long eventTime;

    /** Index into the configured classes. */
    public int predictedClass;

    /** Max softmax probability of the answer. */
    public double msp;

    public Prediction() {}

    static Prediction of(Observation o) {
        Prediction p = new Prediction();
        p.key = LabelJoin.key(o.modelName, Observation.rowKey(o.requestId, o.row));
        p.modelKey = o.modelKey;
        p.modelName = o.modelName;
        p.modelVersion = o.modelVersion;
        p.requestId = o.requestId;
        p.eventTime = o.eventTime;
        p.predictedClass = o.predictedClass;
        p.msp = o.msp;
        return p;
    }
}
