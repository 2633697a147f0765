package io.warden.jobs.drift;

/**
 * One row of scored traffic, as the drift windows, sequential detectors and performance join see
 * it: the row's feature values, the predicted class and the answer's confidence. A batched request
 * gives one observation per row. A Flink POJO.
 */
public class Observation {
    /** {@link #modelKey(String, String)} of the model and version that answered. */
    public String modelKey;

    public String modelName;
    public String modelVersion;
    public String requestId;

    /** The requesting client as the serving layer knows it, or null. */
    public String clientId;

    /** Index of this row in its request's batch (0 when unbatched). */
    public int row;

    /** The request's own event time. */
    public long eventTime;

    /** Feature values in the configured order (non-finite values never get here). */
    public double[] features;

    /**
     * The logged output row (probabilities or logits, as the model's output type says) for the
     * detectors that compare it with the served model (feature squeezing, output integrity) and for
     * the adversarial-examples topic; null when neither needs it, so that other rows stay small.
     */
    public double[] outputs;

    /** Index into the configured classes. */
    public int predictedClass;

    public double msp;
    public double entropy;
    public double margin;

    public Observation() {}

    /**
     * The key of a row for labels: the request id for the first (or only) row, {@code
     * requestId#row} for the others of a batch.
     */
    public static String rowKey(String requestId, int row) {
        return row == 0 ? requestId : requestId + "#" + row;
    }

    /** The key of per-model-version state: name and version, which may be null. */
    public static String modelKey(String name, String version) {
        return version == null ? name : name + "@" + version;
    }
}
