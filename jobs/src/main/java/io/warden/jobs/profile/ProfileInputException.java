package io.warden.jobs.profile;

/**
 * The reference data cannot be profiled as a whole: a file that cannot be read or has no usable
 * header, a CSV without a column for a configured feature, a topic that does not exist. Records
 * that are wrong one by one are skipped and counted instead (see {@link ReferenceProfiler}). The
 * message names the file or topic and is meant for the user as it is.
 */
public final class ProfileInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProfileInputException(String message) {
        super(message);
    }

    public ProfileInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
