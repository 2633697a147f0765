package io.warden.jobs.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr: done/total, rate and ETA, redrawn at most 4 times a second.
 */
final class Progress {
    private final PrintStream err;
    private final String what;
    private final long total;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos;

    /**
     * @param total the expected count, or -1 when unknown
     */
    Progress(PrintStream err, String what, long total) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.interactive = System.console() != null;
    }

    void update(long done) {
        long now = System.nanoTime();
        long every = interactive ? 250_000_000L : 5_000_000_000L;
        if (now - lastDrawNanos < every) {
            return;
        }
        lastDrawNanos = now;
        draw(done, false);
    }

    void finish(long done) {
        draw(done, true);
    }

    private void draw(long done, boolean last) {
        double secs = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        double rate = done / secs;
        StringBuilder line = new StringBuilder();
        if (total > 0) {
            int width = 30;
            int filled = (int) Math.min(width, width * done / total);
            line.append('[')
                    .append("#".repeat(filled))
                    .append(" ".repeat(width - filled))
                    .append("] ");
            line.append(String.format(Locale.ROOT, "%,d/%,d %s", done, total, what));
            if (!last && rate > 0) {
                line.append(String.format(Locale.ROOT, ", ETA %.0f s", (total - done) / rate));
            }
        } else {
            line.append(String.format(Locale.ROOT, "%,d %s", done, what));
        }
        line.append(String.format(Locale.ROOT, ", %,.0f/s", rate));
        if (interactive) {
            err.print("\r" + line + (last ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }
}
