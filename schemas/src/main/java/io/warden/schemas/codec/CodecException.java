package io.warden.schemas.codec;

/**
 * Input that cannot become a complete, valid record.
 *
 * <p>The message names the field path (when the problem is inside the record) and the problem, e.g.
 * {@code inputs[0].shape: expected an array of integers, got "abc"}, so that a dead-letter record
 * tells its reader what to fix. Decoders in this package throw only this exception for bad input;
 * they never return a half-filled record.
 */
public class CodecException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String path;
    private final String problem;

    /**
     * A problem at a field path.
     *
     * @param path the field path inside the record, e.g. {@code inputs[0].shape}; empty when the
     *     problem concerns the input as a whole
     * @param problem what is wrong there
     */
    public CodecException(String path, String problem) {
        this(path, problem, null);
    }

    /** A problem at a field path, caused by another exception. */
    public CodecException(String path, String problem, Throwable cause) {
        super(format(path, problem), cause);
        this.path = path == null ? "" : path;
        this.problem = problem;
    }

    /** A problem with the input as a whole. */
    public CodecException(String problem) {
        this("", problem, null);
    }

    /** A problem with the input as a whole, caused by another exception. */
    public CodecException(String problem, Throwable cause) {
        this("", problem, cause);
    }

    /** The field path, e.g. {@code inputs[0].shape}; empty for the input as a whole. */
    public String path() {
        return path;
    }

    /** The problem without the path. */
    public String problem() {
        return problem;
    }

    private static String format(String path, String problem) {
        return path == null || path.isEmpty() ? problem : path + ": " + problem;
    }
}
