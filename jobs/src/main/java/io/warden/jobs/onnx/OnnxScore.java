package io.warden.jobs.onnx;

/**
 * One row's score by one ONNX detector, as the scoring operator emits it; a Flink POJO. A batched
 * request gives one score per row and detector.
 */
public class OnnxScore {
    public String modelName;
    public String modelVersion;
    public String requestId;
    public String clientId;

    /** Index of the row in its request's batch. */
    public int row;

    /** The request's event time. */
    public long eventTime;

    /** The detector's id, {@code onnx.NAME}. */
    public String detector;

    public double score;

    /** The threshold compared with: on the p-value scale for a conformal detector. */
    public double threshold;

    /** The conformal p-value, or NaN for a fixed-threshold detector. */
    public double pValue;

    public boolean flagged;

    public OnnxScore() {}

    @Override
    public String toString() {
        return detector
                + " "
                + requestId
                + "#"
                + row
                + ": score="
                + score
                + " threshold="
                + threshold
                + " p="
                + pValue
                + (flagged ? " FLAGGED" : "");
    }
}
