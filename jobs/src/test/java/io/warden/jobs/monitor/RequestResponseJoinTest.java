package io.warden.jobs.monitor;

import static io.warden.jobs.monitor.TestTraffic.request;
import static io.warden.jobs.monitor.TestTraffic.response;
import static org.assertj.core.api.Assertions.assertThat;

import io.warden.jobs.config.ModelSpec.OutputType;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.SourceRef;
import io.warden.schemas.codec.AvroCodec;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestResponseJoinTest {
    private static final SourceRef REQUESTS = new SourceRef("inference.requests", 0, 7L, null);
    private static final SourceRef RESPONSES = new SourceRef("inference.responses", 1, 9L, null);

    private KeyedOneInputStreamOperatorTestHarness<String, Ingested, InferenceEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        RequestResponseJoin join =
                new RequestResponseJoin(
                        Duration.ofSeconds(30),
                        new TrafficValidator(TestTraffic.config(OutputType.PROBABILITIES)));
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(join), Ingested::requestId, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(Ingested in) throws Exception {
        harness.processElement(new StreamRecord<>(in, in.eventTime));
    }

    private List<DeadLetter> deadLetters() {
        var queue = harness.getSideOutput(RequestResponseJoin.DEAD_LETTERS);
        return queue == null ? List.of() : queue.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void shouldJoinARequestWithItsResponseAndClearStateAndTimer() throws Exception {
        send(Ingested.request(request("r1", 1_000), REQUESTS));
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        send(Ingested.response(response("r1", 1_020), RESPONSES));

        List<InferenceEvent> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        InferenceEvent e = out.get(0);
        assertThat(e.getRequestId()).isEqualTo("r1");
        assertThat(e.getEventTime().toEpochMilli()).isEqualTo(1_000);
        assertThat(e.getResponseTime().toEpochMilli()).isEqualTo(1_020);
        assertThat(e.getClientId()).isEqualTo("client-1");
        assertThat(e.getOutputs().get(0).getName()).isEqualTo("probabilities");
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void shouldJoinWhenTheResponseArrivesFirst() throws Exception {
        send(Ingested.response(response("r2", 1_020), RESPONSES));
        send(Ingested.request(request("r2", 1_000), REQUESTS));

        assertThat(harness.extractOutputValues())
                .extracting(InferenceEvent::getRequestId)
                .containsExactly("r2");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void shouldReportAnOrphanWhenTheWatermarkPassesTheTimeout() throws Exception {
        InferenceRequest lonely = request("r3", 1_000);
        send(Ingested.request(lonely, REQUESTS));
        harness.processWatermark(30_999);
        assertThat(deadLetters()).isEmpty();

        harness.processWatermark(31_000);
        assertThat(harness.extractOutputValues()).isEmpty();
        DeadLetter d = deadLetters().get(0);
        assertThat(d.getReasonCode()).isEqualTo(DeadLetterReason.ORPHAN);
        assertThat(d.getRequestId()).isEqualTo("r3");
        assertThat(d.getSource()).isEqualTo(REQUESTS);
        assertThat(d.getStage()).isEqualTo("join");
        assertThat(d.getReason()).contains("no response").contains("30000 ms");
        byte[] value = new byte[d.getValue().remaining()];
        d.getValue().duplicate().get(value);
        assertThat(AvroCodec.standard().decode(value, InferenceRequest.class)).isEqualTo(lonely);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldReportADuplicateAndStillJoinTheFirst() throws Exception {
        send(Ingested.request(request("r4", 1_000), REQUESTS));
        send(Ingested.request(request("r4", 1_001), REQUESTS));
        send(Ingested.response(response("r4", 1_010), RESPONSES));

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.extractOutputValues().get(0).getEventTime().toEpochMilli())
                .isEqualTo(1_000);
        assertThat(deadLetters())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.getReasonCode()).isEqualTo(DeadLetterReason.DUPLICATE);
                            assertThat(d.getRequestId()).isEqualTo("r4");
                        });
    }

    @Test
    void shouldDeadLetterBothSidesWhenThePairDisagrees() throws Exception {
        send(
                Ingested.request(
                        request(
                                "r5",
                                1_000,
                                TestTraffic.tensor(
                                        "input", List.of(2L, 4L), 1, 2, 3, 4, 5, 6, 7, 8)),
                        REQUESTS));
        send(Ingested.response(response("r5", 1_010), RESPONSES));

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters())
                .hasSize(2)
                .allSatisfy(
                        d -> {
                            assertThat(d.getReasonCode()).isEqualTo(DeadLetterReason.INVALID);
                            assertThat(d.getReason())
                                    .startsWith("joined pair rejected: the request has 2 rows");
                        });
    }

    @Test
    void shouldTreatALateRecordAsAnOrphanAtTheNextWatermark() throws Exception {
        harness.processWatermark(100_000);
        send(Ingested.request(request("r6", 1_000), REQUESTS));
        harness.processWatermark(100_001);
        assertThat(deadLetters())
                .extracting(DeadLetter::getReasonCode)
                .containsExactly(DeadLetterReason.ORPHAN);
    }
}
