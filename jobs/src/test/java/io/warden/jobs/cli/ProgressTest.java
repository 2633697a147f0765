package io.warden.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress report, on a clock the test moves. */
class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    /** A clock far from 0, as System.nanoTime() usually is. */
    private final AtomicLong clock = new AtomicLong(7_777 * SECOND);

    private final StringWriter text = new StringWriter();

    private Progress progress(long total, boolean interactive) {
        return new Progress(new PrintWriter(text), "records to t", total, interactive, clock::get);
    }

    @Test
    void shouldShowBarCountRateAndEta() {
        Progress p = progress(1000, false);
        clock.addAndGet(2 * SECOND);

        assertThat(p.line(250, 2 * SECOND, false))
                .isEqualTo(
                        "[#######                       ] 250/1,000 records to t, ETA 6 s, 125/s");
        assertThat(p.line(1000, 8 * SECOND, true))
                .isEqualTo("[##############################] 1,000/1,000 records to t, 125/s");
    }

    @Test
    void shouldNotReportBeforeTheFirstIntervalHasPassed() {
        Progress p = progress(10, false);
        p.update(1); // the first record: too early for a report
        clock.addAndGet(4 * SECOND);
        p.update(2);
        assertThat(text.toString()).isEmpty();

        clock.addAndGet(SECOND);
        p.update(3);
        assertThat(text.toString().lines())
                .containsExactly(
                        "[#########                     ] 3/10 records to t, ETA 12 s, 1/s");
    }

    @Test
    void shouldShowCountAndRateOnlyForAZeroOrUnknownTotal() {
        Progress empty = progress(0, false);
        clock.addAndGet(SECOND);
        empty.finish(0);
        Progress unknown = progress(-1, false);
        clock.addAndGet(SECOND);
        unknown.finish(40);

        assertThat(text.toString().lines())
                .containsExactly("0 records to t, 0/s", "40 records to t, 40/s");
    }

    @Test
    void shouldNotShowAnOverfullBarOrANegativeEtaBeyondTheTotal() {
        Progress p = progress(10, false);

        assertThat(p.line(12, 2 * SECOND, false)).isEqualTo("12 records to t, 6/s");
    }

    @Test
    void shouldRedrawInPlaceBlankingALongerPreviousLine() {
        Progress p = progress(-1, true);
        clock.addAndGet(SECOND);
        p.update(1_000_000);
        clock.addAndGet(SECOND);
        p.finish(3); // a shorter line than the last one

        String first = "1,000,000 records to t, 1,000,000/s";
        String last = "3 records to t, 2/s";
        assertThat(text.toString())
                .isEqualTo(
                        "\r"
                                + first
                                + "\r"
                                + last
                                + " ".repeat(first.length() - last.length())
                                + System.lineSeparator());
    }

    @Test
    void shouldClearAnInPlaceLineBeforeAnotherMessage() {
        Progress p = progress(-1, true);
        clock.addAndGet(SECOND);
        p.update(5);
        p.clear();

        String line = "5 records to t, 5/s";
        assertThat(text.toString())
                .isEqualTo("\r" + line + "\r" + " ".repeat(line.length()) + "\r");
    }
}
