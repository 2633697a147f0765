package io.warden.jobs.onnx;

import io.warden.detectors.core.Direction;
import io.warden.detectors.onnx.ExecutionProvider;
import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.onnx.OnnxScorerSettings;
import io.warden.schemas.Severity;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One configured ONNX detector of one model, ready to ship with the job graph: where its file is
 * and its pin, how rows are cut from an observation's features, how a score is judged and how rows
 * are batched. The file itself is read (and its pin checked again) by each scoring subtask.
 *
 * @param modelName the monitored model's name
 * @param modelVersion its configured version, or null for every version
 * @param name the detector's name, unique per model
 * @param modelPath the ONNX file
 * @param sha256 its pinned SHA-256
 * @param input the ONNX input fed with the rows
 * @param output the ONNX output read as the score
 * @param featureNames the features fed, in the ONNX model's order
 * @param featureIndices where each fed feature is in an observation's features
 * @param direction which end of the score is anomalous
 * @param threshold the fixed score threshold, or NaN when {@code alpha} is used
 * @param alpha the conformal false-positive rate, or NaN when {@code threshold} is used
 * @param referenceRows with {@code alpha}: the reference rows, row-major over the fed features;
 *     else null
 * @param profileId with {@code alpha}: the id of the profile the reference rows come from
 * @param batchSize rows per ONNX Runtime call, at least 1
 * @param maxWaitMillis the longest a buffered row waits, at least 1
 * @param intraOpThreads ONNX Runtime threads per session
 * @param executionProvider the execution provider requested
 * @param severity severity of the alerts
 */
public record OnnxDetector(
        String modelName,
        String modelVersion,
        String name,
        String modelPath,
        String sha256,
        String input,
        String output,
        List<String> featureNames,
        int[] featureIndices,
        Direction direction,
        double threshold,
        double alpha,
        double[] referenceRows,
        String profileId,
        int batchSize,
        long maxWaitMillis,
        int intraOpThreads,
        ExecutionProvider executionProvider,
        Severity severity)
        implements Serializable {

    /** Checks the parts that the config loader has already validated. */
    public OnnxDetector {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(direction, "direction");
        featureNames = List.copyOf(featureNames);
        if (featureIndices.length != featureNames.size()) {
            throw new IllegalArgumentException("one index per fed feature");
        }
        if (Double.isNaN(threshold) == Double.isNaN(alpha)) {
            throw new IllegalArgumentException(
                    "detector " + name + ": exactly one of threshold and alpha");
        }
        if (!Double.isNaN(alpha)
                && (referenceRows == null
                        || referenceRows.length == 0
                        || referenceRows.length % featureIndices.length != 0)) {
            throw new IllegalArgumentException(
                    "detector " + name + ": alpha needs whole reference rows");
        }
        if (batchSize < 1 || maxWaitMillis < 1) {
            throw new IllegalArgumentException(
                    "detector " + name + ": batch size and maximum wait must be positive");
        }
    }

    /** The detector's id in scores and alerts: {@code onnx.NAME}. */
    public String detectorId() {
        return "onnx." + name;
    }

    /** Whether rows are judged by their conformal p-value against the reference rows. */
    public boolean conformal() {
        return !Double.isNaN(alpha);
    }

    /** Values per fed row. */
    public int width() {
        return featureIndices.length;
    }

    /** The pinned model file. */
    public ModelFile modelFile() {
        return new ModelFile(Path.of(modelPath), sha256);
    }

    /** How the scorer binds and runs the model. */
    public OnnxScorerSettings scorerSettings() {
        return new OnnxScorerSettings(
                input,
                output,
                width(),
                intraOpThreads,
                OnnxScorerSettings.DEFAULT_INTER_OP_THREADS,
                executionProvider);
    }
}
