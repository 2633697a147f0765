package io.warden.jobs.onnx;

import io.warden.detectors.core.Direction;
import io.warden.detectors.onnx.ExecutionProvider;
import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.onnx.OnnxScorerSettings;
import io.warden.detectors.squeezing.FeatureSqueezing;
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
 * @param kind what the model is run for
 * @param squeezing with {@link Kind#SQUEEZING}: the squeezers; else null
 * @param softmax with {@link Kind#SQUEEZING}: whether the served model and the log give logits,
 *     turned into probabilities before they are compared
 * @param sampleRate with {@link Kind#INTEGRITY}: the share of requests re-scored; else 1
 * @param tolerance with {@link Kind#INTEGRITY}: the largest accepted difference; else NaN
 * @param ensembleMember whether the model's evasion ensemble judges the scores (then neither
 *     threshold nor alpha is set, and the detector raises no alerts of its own)
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
        Severity severity,
        Kind kind,
        FeatureSqueezing squeezing,
        boolean softmax,
        double sampleRate,
        double tolerance,
        boolean ensembleMember)
        implements Serializable {

    /** What a detector runs its model for. */
    public enum Kind {
        /** A detector model: its output is the score (bring-your-own or built-in). */
        SCORE,
        /** The served model on squeezed copies: the score is the largest L1 distance. */
        SQUEEZING,
        /**
         * The served model on a sample of rows: the score is the largest absolute difference from
         * the logged output; an INTEGRITY alert beyond the tolerance.
         */
        INTEGRITY
    }

    /** A score detector judged on its own (threshold or alpha). */
    public OnnxDetector(
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
            Severity severity) {
        this(
                modelName,
                modelVersion,
                name,
                modelPath,
                sha256,
                input,
                output,
                featureNames,
                featureIndices,
                direction,
                threshold,
                alpha,
                referenceRows,
                profileId,
                batchSize,
                maxWaitMillis,
                intraOpThreads,
                executionProvider,
                severity,
                Kind.SCORE,
                null,
                false,
                1.0,
                Double.NaN,
                false);
    }

    /** Checks the parts that the config loader has already validated. */
    public OnnxDetector {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(direction, "direction");
        featureNames = List.copyOf(featureNames);
        if (featureIndices.length != featureNames.size()) {
            throw new IllegalArgumentException("one index per fed feature");
        }
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.INTEGRITY) {
            if (ensembleMember || Double.isNaN(tolerance) || !(sampleRate > 0 && sampleRate <= 1)) {
                throw new IllegalArgumentException(
                        "integrity check " + name + ": needs a tolerance and a sample rate");
            }
        } else if (ensembleMember) {
            if (!Double.isNaN(threshold) || !Double.isNaN(alpha) || referenceRows == null) {
                throw new IllegalArgumentException(
                        "detector "
                                + name
                                + ": an ensemble member has reference rows, no"
                                + " threshold and no alpha");
            }
        } else if (Double.isNaN(threshold) == Double.isNaN(alpha)) {
            throw new IllegalArgumentException(
                    "detector " + name + ": exactly one of threshold and alpha");
        }
        if ((kind == Kind.SQUEEZING) != (squeezing != null)) {
            throw new IllegalArgumentException(
                    "detector " + name + ": squeezers exactly for feature squeezing");
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

    /** This detector running another model file (a roll-in): everything else stays. */
    public OnnxDetector withModel(String path, String pin) {
        return new OnnxDetector(
                modelName,
                modelVersion,
                name,
                path,
                pin,
                input,
                output,
                featureNames,
                featureIndices,
                direction,
                threshold,
                alpha,
                referenceRows,
                profileId,
                batchSize,
                maxWaitMillis,
                intraOpThreads,
                executionProvider,
                severity,
                kind,
                squeezing,
                softmax,
                sampleRate,
                tolerance,
                ensembleMember);
    }

    /**
     * Whether a roll-out record names this detector: the same model name, the same spec version
     * (unless the record gives none), and the detector's name, or {@value ModelRoll#SERVED_MODEL}
     * for the served model that feature squeezing and output integrity run.
     */
    public boolean rolledBy(String rollModel, String rollVersion, String rollDetector) {
        return modelName.equals(rollModel)
                && (rollVersion == null || rollVersion.equals(modelVersion))
                && (runsServedModel()
                        ? ModelRoll.SERVED_MODEL.equals(rollDetector)
                        : name.equals(rollDetector));
    }

    /** The key of this detector's rolled-in model in the scoring operator's broadcast state. */
    public String rollKey() {
        return modelName + "\u0000" + (modelVersion == null ? "" : modelVersion) + "\u0000" + name;
    }

    /** The detector's id in scores and alerts: {@code onnx.NAME}. */
    public String detectorId() {
        return "onnx." + name;
    }

    /** Whether rows are judged by their conformal p-value against the reference rows. */
    public boolean conformal() {
        return !Double.isNaN(alpha);
    }

    /** Whether the model run is the served model's (squeezing, integrity). */
    public boolean runsServedModel() {
        return kind != Kind.SCORE;
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
