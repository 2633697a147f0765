package io.warden.detectors.evaluation;

/** A ground-truth file that cannot be read: names the file and line. */
public final class GroundTruthException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public GroundTruthException(String message, Throwable cause) {
        super(message, cause);
    }
}
