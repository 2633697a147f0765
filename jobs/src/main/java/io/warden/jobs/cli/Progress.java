package io.warden.jobs.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress report on the error stream: done/total, rate and ETA. On a terminal the line
 * is redrawn in place at most 4 times a second; otherwise (a pipe, a log file) a new line is
 * written at most every 5 seconds, and always on {@link #finish}.
 *
 * <p>A total of 0 or less means "unknown" (an Avro file, an empty file): the report then shows the
 * count and rate only. A count beyond the total (the total was an estimate) is shown the same way,
 * never as an overfull bar or a negative ETA.
 */
final class Progress {
    private static final int BAR_WIDTH = 30;
    private static final long INTERACTIVE_EVERY_NANOS = 250_000_000L;
    private static final long LOG_EVERY_NANOS = 5_000_000_000L;

    private final PrintWriter err;
    private final String what;
    private final long total;
    private final boolean interactive;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long lastDrawNanos;
    private int lastLength;

    /**
     * @param total the expected count, or 0 or less when unknown
     */
    Progress(PrintWriter err, String what, long total) {
        this(err, what, total, System.console() != null, System::nanoTime);
    }

    /**
     * @param interactive redraw one line in place (a terminal) rather than append lines
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    Progress(
            PrintWriter err, String what, long total, boolean interactive, LongSupplier nanoClock) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.interactive = interactive;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        // The first report comes one interval after the start, not at the first record: the
        // clock's origin is arbitrary, so "0" is no point in time to measure from.
        this.lastDrawNanos = startNanos;
    }

    /** Reports {@code done} if the last report is old enough. */
    void update(long done) {
        long now = nanoClock.getAsLong();
        long every = interactive ? INTERACTIVE_EVERY_NANOS : LOG_EVERY_NANOS;
        if (now - lastDrawNanos < every) {
            return;
        }
        lastDrawNanos = now;
        draw(done, now, false);
    }

    /** Reports the final count and ends the line. */
    void finish(long done) {
        draw(done, nanoClock.getAsLong(), true);
    }

    /** Removes a line drawn in place, before another message; on a pipe there is nothing to do. */
    void clear() {
        if (interactive && lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            lastLength = 0;
            err.flush();
        }
    }

    /** The report line for {@code done} after {@code elapsedNanos}. */
    String line(long done, long elapsedNanos, boolean last) {
        double secs = Math.max(1e-9, elapsedNanos / 1e9);
        double rate = done / secs;
        StringBuilder line = new StringBuilder();
        if (total > 0 && done <= total) {
            int filled = (int) (BAR_WIDTH * done / total);
            line.append('[')
                    .append("#".repeat(filled))
                    .append(" ".repeat(BAR_WIDTH - filled))
                    .append("] ");
            line.append(String.format(Locale.ROOT, "%,d/%,d %s", done, total, what));
            if (!last && rate > 0) {
                line.append(String.format(Locale.ROOT, ", ETA %.0f s", (total - done) / rate));
            }
        } else {
            line.append(String.format(Locale.ROOT, "%,d %s", done, what));
        }
        line.append(String.format(Locale.ROOT, ", %,.0f/s", rate));
        return line.toString();
    }

    private void draw(long done, long now, boolean last) {
        String line = line(done, now - startNanos, last);
        if (interactive) {
            // Blank out what is left of a longer previous line.
            String pad = " ".repeat(Math.max(0, lastLength - line.length()));
            lastLength = last ? 0 : line.length();
            err.print("\r" + line + pad + (last ? System.lineSeparator() : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }
}
