package io.warden.detectors.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroundTruthTest {
    private static final String FILE =
            """
            {"kind":"client","model":"digits","client_id":"c-7","role":"extraction","first_time":"2026-01-01T00:00:00Z","last_time":"2026-01-01T01:00:00+01:00","attack":{"strategy":"jacobian","queries":500}}
            {"kind":"client","client_id":"c-8","role":"benign"}

            {"kind":"request","request_id":"r-1","client_id":"c-9","model":"digits","attack":"evasion","method":"pgd","fooled":true}
            {"kind":"contributor","model":"digits","contributor_id":"u-3","role":"label-flip"}
            {"kind":"feedback","feedback_id":"f-9","contributor_id":"u-3","model":"digits","attack":"label-flip"}
            {"kind":"drift","model":"digits","segment":"noise","start":1767225600000,"end":"2026-01-01T00:10:00Z","features":["x1","x2"]}
            {"kind":"scenario","name":"from a newer simulator"}
            """;

    private static GroundTruth read(String text) throws IOException {
        return GroundTruth.read(new StringReader(text), "truth.jsonl");
    }

    @Test
    void shouldReadEveryKindWithTimesInEitherFormAndSkipUnknownKinds() throws Exception {
        GroundTruth t = read(FILE);

        GroundTruth.Client c7 = t.client("digits", "c-7");
        assertThat(c7.role()).isEqualTo("extraction");
        assertThat(c7.firstTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(c7.lastTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(c7.attack()).containsEntry("strategy", "jacobian").containsEntry("queries", 500);
        assertThat(t.isAttacker("digits", "c-7")).isTrue();
        assertThat(t.isAttacker("other-model", "c-7")).as("listed for digits only").isFalse();
        assertThat(t.isAttacker("any", "c-8")).as("listed benign, for any model").isFalse();
        assertThat(t.isAttacker("digits", "c-unlisted")).isFalse();
        assertThat(t.requests().get("r-1"))
                .isEqualTo(new GroundTruth.Request("r-1", "c-9", "digits", "evasion", "pgd", true));
        assertThat(t.contributor("digits", "u-3").poisoner()).isTrue();
        assertThat(t.feedback()).containsOnlyKeys("f-9");
        GroundTruth.Drift d = t.drifts("digits").get(0);
        assertThat(d.start()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(d.covers(Instant.parse("2026-01-01T00:09:59.999Z"))).isTrue();
        assertThat(d.covers(Instant.parse("2026-01-01T00:10:00Z"))).as("end exclusive").isFalse();
        assertThat(d.features()).containsExactly("x1", "x2");
        assertThat(t.skippedKinds()).isEqualTo(Map.of("scenario", 1));
    }

    @Test
    void shouldWriteLinesThatReadBackToTheSameEntries() throws Exception {
        GroundTruth t = read(FILE);
        StringBuilder text = new StringBuilder();
        t.entries().forEach(e -> text.append(GroundTruth.toJsonLine(e)).append('\n'));

        GroundTruth back = read(text.toString());

        assertThat(back.clients()).isEqualTo(t.clients());
        assertThat(back.requests()).isEqualTo(t.requests());
        assertThat(back.contributors()).isEqualTo(t.contributors());
        assertThat(back.feedback()).isEqualTo(t.feedback());
        assertThat(back.drifts()).isEqualTo(t.drifts());
        assertThat(GroundTruth.toJsonLine(t.requests().get("r-1")))
                .isEqualTo(
                        "{\"kind\":\"request\",\"request_id\":\"r-1\",\"client_id\":\"c-9\","
                                + "\"model\":\"digits\",\"attack\":\"evasion\",\"method\":\"pgd\","
                                + "\"fooled\":true}");
    }

    @Test
    void shouldNameTheLineOfAnInvalidEntry() {
        assertThatThrownBy(
                        () ->
                                read(
                                        "{\"kind\":\"client\",\"client_id\":\"a\",\"role\":\"x\"}\n{\"kind\":\"client\",\"role\":\"x\"}"))
                .isInstanceOf(GroundTruthException.class)
                .hasMessageStartingWith("truth.jsonl:2: missing \"client_id\"");
        assertThatThrownBy(
                        () ->
                                read(
                                        "{\"kind\":\"drift\",\"model\":\"m\",\"start\":\"yesterday\",\"end\":0}"))
                .hasMessageStartingWith("truth.jsonl:1: \"start\" is not an ISO-8601 time");
        assertThatThrownBy(
                        () -> read("{\"kind\":\"drift\",\"model\":\"m\",\"start\":10,\"end\":10}"))
                .hasMessageContaining("must be before its end");
        assertThatThrownBy(() -> read("not json"))
                .hasMessageStartingWith("truth.jsonl:1: not JSON");
        assertThatThrownBy(() -> read("{\"client_id\":\"a\"}"))
                .hasMessageStartingWith("truth.jsonl:1: missing \"kind\"");
        String request = "{\"kind\":\"request\",\"request_id\":\"r\",\"attack\":\"evasion\"}\n";
        assertThatThrownBy(() -> read(request + request))
                .hasMessage("truth.jsonl:2: request r listed twice");
    }
}
