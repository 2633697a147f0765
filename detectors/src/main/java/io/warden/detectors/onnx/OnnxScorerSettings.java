package io.warden.detectors.onnx;

import java.io.Serializable;
import java.util.Objects;

/**
 * How an {@link OnnxScorer} binds and runs a model.
 *
 * <p><b>{@code inputName}</b> and <b>{@code outputName}</b> name the model's float input, of shape
 * {@code [batch, featureCount]}, and the float output read, of shape {@code [batch]} or {@code
 * [batch, k]}; other outputs are not computed. <b>{@code featureCount}</b> is the width of a row as
 * warden feeds it; the model's input must have that width (or leave it open).
 *
 * <p><b>{@code intraOpThreads}</b> (default {@value #DEFAULT_INTRA_OP_THREADS}) and <b>{@code
 * interOpThreads}</b> (default {@value #DEFAULT_INTER_OP_THREADS}) are ONNX Runtime's per-session
 * thread pools: within one operator, and across independent operators (used only in ONNX Runtime's
 * parallel execution mode, which the scorer selects when this is more than 1). They are set
 * explicitly because ONNX Runtime's own default is one thread per core for every session, which
 * oversubscribes the cores as soon as a machine runs several Flink slots; with one thread each a
 * session scores on the calling thread, and parallelism comes from the slots. On a 2-core machine
 * two intra-op threads were measured slower than one (see NOTES). <b>{@code executionProvider}</b>
 * (default {@link ExecutionProvider#CPU}): see {@link ExecutionProvider}.
 *
 * @param inputName the model input fed with the rows
 * @param outputName the model output read
 * @param featureCount values per row, at least 1
 * @param intraOpThreads threads within an operator, at least 1
 * @param interOpThreads threads across operators, at least 1
 * @param executionProvider the execution provider requested
 */
public record OnnxScorerSettings(
        String inputName,
        String outputName,
        int featureCount,
        int intraOpThreads,
        int interOpThreads,
        ExecutionProvider executionProvider)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default threads within an operator: {@value}. */
    public static final int DEFAULT_INTRA_OP_THREADS = 1;

    /** Default threads across operators: {@value}. */
    public static final int DEFAULT_INTER_OP_THREADS = 1;

    /** Validates every setting; see the parameters. */
    public OnnxScorerSettings {
        Objects.requireNonNull(executionProvider, "executionProvider");
        if (inputName == null || inputName.isEmpty()) {
            throw new IllegalArgumentException("inputName must not be empty");
        }
        if (outputName == null || outputName.isEmpty()) {
            throw new IllegalArgumentException("outputName must not be empty");
        }
        if (featureCount < 1) {
            throw new IllegalArgumentException(
                    "featureCount must be at least 1, but is " + featureCount);
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException(
                    "intraOpThreads must be at least 1, but is " + intraOpThreads);
        }
        if (interOpThreads < 1) {
            throw new IllegalArgumentException(
                    "interOpThreads must be at least 1, but is " + interOpThreads);
        }
    }

    /** The given bindings with the default threads and the CPU provider. */
    public static OnnxScorerSettings of(String inputName, String outputName, int featureCount) {
        return new OnnxScorerSettings(
                inputName,
                outputName,
                featureCount,
                DEFAULT_INTRA_OP_THREADS,
                DEFAULT_INTER_OP_THREADS,
                ExecutionProvider.CPU);
    }

    /** These settings with other thread counts. */
    public OnnxScorerSettings withThreads(int intraOp, int interOp) {
        return new OnnxScorerSettings(
                inputName, outputName, featureCount, intraOp, interOp, executionProvider);
    }

    /** These settings with another execution provider. */
    public OnnxScorerSettings withExecutionProvider(ExecutionProvider provider) {
        return new OnnxScorerSettings(
                inputName, outputName, featureCount, intraOpThreads, interOpThreads, provider);
    }
}
