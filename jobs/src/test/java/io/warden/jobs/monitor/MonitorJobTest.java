package io.warden.jobs.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.schemas.DeadLetter;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.SourceRef;
import org.junit.jupiter.api.Test;

/** The parts of {@link MonitorJob} that are plain functions. */
class MonitorJobTest {
    private static DeadLetter.Builder deadLetter() {
        return DeadLetter.newBuilder()
                .setReasonCode(DeadLetterReason.INVALID)
                .setReason("r")
                .setStage("validate");
    }

    @Test
    void deadLetterKeyShouldBeTheRequestIdWhenKnown() {
        DeadLetter d =
                deadLetter()
                        .setRequestId("req-1")
                        .setSource(new SourceRef("in.requests", 2, 77L, null))
                        .build();

        assertThat(MonitorJob.deadLetterKey(d)).isEqualTo("req-1");
    }

    @Test
    void deadLetterKeyShouldBeTheOriginWithoutARequestId() {
        DeadLetter d = deadLetter().setSource(new SourceRef("in.requests", 2, 77L, null)).build();

        assertThat(MonitorJob.deadLetterKey(d)).isEqualTo("in.requests/2/77");
    }

    @Test
    void deadLetterKeyShouldBeNullWithNeitherRequestIdNorOrigin() {
        assertThat(MonitorJob.deadLetterKey(deadLetter().build())).isNull();
    }
}
