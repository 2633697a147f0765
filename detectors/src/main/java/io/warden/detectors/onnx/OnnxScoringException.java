package io.warden.detectors.onnx;

/** ONNX Runtime failed while scoring a batch; the message names the model file. */
public final class OnnxScoringException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the model file
     * @param cause ONNX Runtime's exception
     */
    public OnnxScoringException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
