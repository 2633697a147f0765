package io.warden.jobs.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Runs the {@code warden} command line in this process and keeps what it printed. */
final class Cli {
    /** The exit code and the text printed on the command line's out and err writers. */
    record Result(int exitCode, String out, String err) {
        /** The non-empty lines of {@link #out}. */
        List<String> outLines() {
            return out.lines().filter(l -> !l.isEmpty()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private Cli() {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = WardenCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static Result run(List<String> args) {
        return run(args.toArray(String[]::new));
    }

    static List<String> args(String... args) {
        return Arrays.asList(args);
    }
}
