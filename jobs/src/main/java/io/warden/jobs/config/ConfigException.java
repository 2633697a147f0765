package io.warden.jobs.config;

import java.util.List;

/**
 * A configuration that cannot be used: unknown or missing keys, wrong types, missing or mismatched
 * files. The message names the file and the key (as a path like {@code models[0].output.type}) of
 * every problem found, so it can be fixed in one pass.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super(format(source, problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String source, String problem, Throwable cause) {
        super(format(source, List.of(problem)), cause);
        this.problems = List.of(problem);
    }

    /** The individual problems, each naming its key. */
    public List<String> problems() {
        return problems;
    }

    private static String format(String source, List<String> problems) {
        if (problems.size() == 1) {
            return source + ": " + problems.get(0);
        }
        StringBuilder sb = new StringBuilder(source).append(": ").append(problems.size());
        sb.append(" problems:");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
