package io.warden.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one-line rendering of each output record, independent of the JVM's default locale. */
class TailCommandTest {
    private Locale saved;

    @BeforeEach
    void saveLocale() {
        saved = Locale.getDefault();
    }

    @AfterEach
    void restoreLocale() {
        Locale.setDefault(saved);
    }

    @Test
    void shouldRenderEachKindOnOneReadableLine() {
        assertThat(TailCommand.oneLine(CliFixtures.alert()))
                .isEqualTo(
                        "2026-11-25T10:00:00Z ALERT HIGH     EXTRACTION           demo-classifier"
                                + " CLIENT:client-7  query pattern like model extraction");
        assertThat(TailCommand.oneLine(CliFixtures.deadLetter()))
                .isEqualTo(
                        "DEAD-LETTER UNDECODABLE   inference.requests/2@41   neither Avro nor JSON");
        assertThat(TailCommand.oneLine(CliFixtures.score()))
                .isEqualTo(
                        "2026-11-25T10:00:00.250Z SCORE demo-classifier req-3 predicted=bravo"
                                + " flagged=true");
        assertThat(TailCommand.oneLine(CliFixtures.decision()))
                .isEqualTo(
                        "2026-11-25T10:00:01Z DECISION BLOCK CLIENT:client-7  extraction attempt");
        assertThat(TailCommand.oneLine(CliFixtures.drift()))
                .isEqualTo(
                        "DRIFT demo-classifier [2026-11-25T10:00:00Z, 2026-11-25T10:05:00Z)"
                                + " n=12345 drifted=true");
        assertThat(TailCommand.oneLine(CliFixtures.performance()))
                .isEqualTo(
                        "PERFORMANCE demo-classifier [2026-11-25T10:00:00Z, 2026-11-25T11:00:00Z)"
                                + " labelled=4000/12345 accuracy=0.870 reference=0.950"
                                + " degraded=true");
    }

    @Test
    void shouldNotUseTheDefaultLocaleForNumbers() {
        // Thai digits for %d in this locale: a line for scripts must not change with it.
        Locale.setDefault(Locale.forLanguageTag("th-TH-u-nu-thai"));
        assertThat(String.format("%d", 12345)).isNotEqualTo("12345"); // the premise

        assertThat(TailCommand.oneLine(CliFixtures.drift())).contains("n=12345");
    }
}
