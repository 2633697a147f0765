package io.warden.schemas.codec;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Internal, stackless error raised deep inside a recursive decoder. Each level it unwinds through
 * prepends its path segment, so the happy path pays nothing for path tracking; the public entry
 * point turns it into a {@link CodecException}.
 */
final class PathError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Deque<String> segments = new ArrayDeque<>();
    private final String problem;

    PathError(String problem) {
        this(problem, null);
    }

    PathError(String problem, Throwable cause) {
        super(problem, cause, false, false);
        this.problem = problem;
    }

    /** Prepends a field name (joined with a dot). */
    PathError field(String name) {
        segments.addFirst(name);
        return this;
    }

    /** Prepends an array index, e.g. {@code [3]}. */
    PathError index(long index) {
        segments.addFirst("[" + index + "]");
        return this;
    }

    /** Prepends a map key, e.g. {@code ["tenant"]}. */
    PathError key(String key) {
        segments.addFirst("[\"" + Messages.abbreviate(key, 40) + "\"]");
        return this;
    }

    String path() {
        StringBuilder sb = new StringBuilder();
        for (String s : segments) {
            if (sb.length() > 0 && !s.startsWith("[")) {
                sb.append('.');
            }
            sb.append(s);
        }
        return sb.toString();
    }

    String problem() {
        return problem;
    }

    CodecException toCodecException() {
        return new CodecException(path(), problem, getCause());
    }
}
