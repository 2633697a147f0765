package io.warden.jobs.performance;

import io.warden.jobs.drift.Observation;

/**
 * What the label join keeps of a scored row while it waits for a label: the model, the request's
 * event time, the predicted class and its confidence; nothing derivable (the request id is in the
 * key), since every prediction stays in state for its whole label wait. A Flink POJO.
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

    public Prediction() {}

    static Prediction of(Observation o) {
        Prediction p = new Prediction();
        p.key = LabelJoin.key(o.modelName, Observation.rowKey(o.requestId, o.row));
        p.modelName = o.modelName;
        p.modelVersion = o.modelVersion;
        p.eventTime = o.eventTime;
        p.predictedClass = o.predictedClass;
        p.msp = o.msp;
        return p;
    }
}
