package io.warden.jobs.monitor;

import static io.warden.jobs.monitor.TestTraffic.request;
import static io.warden.jobs.monitor.TestTraffic.response;
import static io.warden.jobs.monitor.TestTraffic.tensor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warden.jobs.config.ModelSpec.OutputType;
import io.warden.jobs.monitor.Ingested.Kind;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.SourceRef;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.JsonCodec;
import io.warden.schemas.codec.OpenInferenceProtocolCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * Decoding and validation inside the source, record by record: every Kafka record becomes exactly
 * one element, and a bad one a dead letter that keeps its bytes and where it came from. The Kafka
 * records are values built here, as the consumer would hand them over.
 */
class IngestDeserializerTest {
    private static final String REQUESTS = "in.requests";
    private static final String RESPONSES = "in.responses";
    private static final String EVENTS = "in.events";
    private static final String FEEDBACK = "in.feedback";
    private static final long KAFKA_TIME = 1_700_000_000_123L;
    private static final long EVENT_TIME = 1_700_000_000_000L;

    private final IngestDeserializer deserializer =
            new IngestDeserializer(
                    Map.of(
                            REQUESTS, Kind.REQUEST,
                            RESPONSES, Kind.RESPONSE,
                            EVENTS, Kind.EVENT,
                            FEEDBACK, Kind.FEEDBACK),
                    TestTraffic.config(OutputType.PROBABILITIES));

    /** A Collector that keeps what it is given. */
    private static final class Collecting implements Collector<Ingested> {
        final List<Ingested> items = new ArrayList<>();

        @Override
        public void collect(Ingested record) {
            items.add(record);
        }

        @Override
        public void close() {}
    }

    private static ConsumerRecord<byte[], byte[]> record(
            String topic, int partition, long offset, String key, byte[] value) {
        byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(
                topic,
                partition,
                offset,
                KAFKA_TIME,
                TimestampType.CREATE_TIME,
                k == null ? -1 : k.length,
                value == null ? -1 : value.length,
                k,
                value,
                new RecordHeaders(),
                Optional.empty());
    }

    /** Deserializes one record; exactly one element must come out. */
    private Ingested deserialize(ConsumerRecord<byte[], byte[]> record) {
        Collecting out = new Collecting();
        deserializer.deserialize(record, out);
        assertThat(out.items).hasSize(1);
        return out.items.get(0);
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static DeadLetter assertRejected(
            Ingested in, ConsumerRecord<byte[], byte[]> record, DeadLetterReason code) {
        assertThat(in.kind).isEqualTo(Kind.REJECTED);
        assertThat(in.eventTime).isEqualTo(Ingested.NO_EVENT_TIME);
        assertThat(in.request).isNull();
        assertThat(in.response).isNull();
        DeadLetter d = in.deadLetter;
        assertThat(d).isNotNull();
        assertThat(d.getReasonCode()).isEqualTo(code);
        assertThat(d.getReason()).isNotBlank();
        assertThat(d.getSource())
                .isEqualTo(
                        new SourceRef(
                                record.topic(),
                                record.partition(),
                                record.offset(),
                                Instant.ofEpochMilli(KAFKA_TIME)));
        assertThat(in.source).isEqualTo(d.getSource());
        assertThat(bytes(d.getKey())).isEqualTo(record.key());
        assertThat(bytes(d.getValue())).isEqualTo(record.value());
        return d;
    }

    @Test
    void shouldRejectGarbageAsUndecodableKeepingBytesAndOrigin() {
        byte[] junk = {0x13, (byte) 0xfe, 0x00, 0x7f, 0x42};
        ConsumerRecord<byte[], byte[]> record = record(REQUESTS, 3, 1234L, "req-1", junk);

        DeadLetter d = assertRejected(deserialize(record), record, DeadLetterReason.UNDECODABLE);

        assertThat(d.getStage()).isEqualTo("decode");
        assertThat(d.getReason()).contains("neither Avro single-object encoding");
        assertThat(d.getRequestId()).isNull();
    }

    @Test
    void shouldDecodeAnAvroRequestWithItsOwnEventTime() {
        InferenceRequest r = request("req-2", EVENT_TIME);
        ConsumerRecord<byte[], byte[]> record =
                record(REQUESTS, 0, 5L, "req-2", AvroCodec.standard().encode(r));

        Ingested in = deserialize(record);

        assertThat(in.kind).isEqualTo(Kind.REQUEST);
        assertThat(in.request).isEqualTo(r);
        assertThat(in.eventTime).isEqualTo(EVENT_TIME);
        assertThat(in.requestId()).isEqualTo("req-2");
        assertThat(in.source)
                .isEqualTo(new SourceRef(REQUESTS, 0, 5L, Instant.ofEpochMilli(KAFKA_TIME)));
        assertThat(in.deadLetter).isNull();
    }

    @Test
    void shouldDecodeAWardenJsonResponse() {
        InferenceResponse r = response("req-3", EVENT_TIME + 7);
        ConsumerRecord<byte[], byte[]> record =
                record(RESPONSES, 1, 9L, "req-3", JsonCodec.standard().encode(r));

        Ingested in = deserialize(record);

        assertThat(in.kind).isEqualTo(Kind.RESPONSE);
        assertThat(in.response).isEqualTo(r);
        assertThat(in.eventTime).isEqualTo(EVENT_TIME + 7);
    }

    @Test
    void shouldDecodeAnOipRequestTakingTheOnlyConfiguredModel() {
        InferenceRequest r = request("req-4", EVENT_TIME);
        ObjectNode oip = OpenInferenceProtocolCodec.standard().requestToJsonNode(r);
        ((ObjectNode) oip.get("parameters")).remove("model_name");
        ConsumerRecord<byte[], byte[]> record =
                record(REQUESTS, 0, 6L, null, oip.toString().getBytes(StandardCharsets.UTF_8));

        Ingested in = deserialize(record);

        assertThat(in.kind).isEqualTo(Kind.REQUEST);
        assertThat(in.request).isEqualTo(r); // model "iris" from the config
        assertThat(in.eventTime).isEqualTo(EVENT_TIME);
    }

    @Test
    void shouldTakeTheKafkaTimestampForJsonWithoutEventTime() {
        ObjectNode json = JsonCodec.standard().toJsonNode(request("req-5", EVENT_TIME));
        json.remove("event_time");
        ConsumerRecord<byte[], byte[]> record =
                record(REQUESTS, 0, 7L, "req-5", json.toString().getBytes(StandardCharsets.UTF_8));

        Ingested in = deserialize(record);

        assertThat(in.kind).isEqualTo(Kind.REQUEST);
        assertThat(in.eventTime).isEqualTo(KAFKA_TIME);
    }

    @Test
    void shouldRejectJsonWithoutEventTimeWhenTheRecordHasNoTimestampEither() {
        ObjectNode json = JsonCodec.standard().toJsonNode(request("req-6", EVENT_TIME));
        json.remove("event_time");
        // A record without timestamp (message format v0): no event time to fall back on, so no
        // made-up one (epoch 0) either.
        ConsumerRecord<byte[], byte[]> record =
                new ConsumerRecord<>(
                        REQUESTS,
                        0,
                        8L,
                        "req-6".getBytes(StandardCharsets.UTF_8),
                        json.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(record.timestampType()).isEqualTo(TimestampType.NO_TIMESTAMP_TYPE);

        Ingested in = deserialize(record);

        assertThat(in.kind).isEqualTo(Kind.REJECTED);
        assertThat(in.deadLetter.getReasonCode()).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(in.deadLetter.getReason()).contains("event_time");
        assertThat(in.deadLetter.getSource()).isEqualTo(new SourceRef(REQUESTS, 0, 8L, null));
    }

    @Test
    void shouldRejectNanAsInvalidKeepingTheOriginalBytes() {
        InferenceRequest r =
                request("req-7", EVENT_TIME, tensor("input", List.of(1L, 4L), 1, Double.NaN, 3, 4));
        ConsumerRecord<byte[], byte[]> record =
                record(REQUESTS, 2, 10L, "req-7", AvroCodec.standard().encode(r));

        DeadLetter d = assertRejected(deserialize(record), record, DeadLetterReason.INVALID);

        assertThat(d.getStage()).isEqualTo("validate");
        assertThat(d.getReason()).contains("NaN");
        assertThat(d.getRequestId()).isEqualTo("req-7");
        assertThat(d.getModelName()).isEqualTo(TestTraffic.MODEL);
        assertThat(d.getEventTime()).isEqualTo(Instant.ofEpochMilli(EVENT_TIME));
    }

    @Test
    void shouldRejectAnUnknownModel() {
        InferenceResponse r = response("req-8", EVENT_TIME);
        r.setModelName("resnet");
        ConsumerRecord<byte[], byte[]> record =
                record(RESPONSES, 0, 11L, "req-8", JsonCodec.standard().encode(r));

        DeadLetter d = assertRejected(deserialize(record), record, DeadLetterReason.UNKNOWN_MODEL);

        assertThat(d.getReason()).contains("'resnet'");
        assertThat(d.getModelName()).isEqualTo("resnet");
        assertThat(d.getRequestId()).isEqualTo("req-8");
    }

    @Test
    void shouldRejectATombstoneAsUndecodable() {
        ConsumerRecord<byte[], byte[]> record = record(REQUESTS, 0, 12L, "req-9", null);

        DeadLetter d = assertRejected(deserialize(record), record, DeadLetterReason.UNDECODABLE);

        assertThat(d.getValue()).isNull();
        assertThat(d.getReason()).contains("null");
    }

    @Test
    void shouldRejectARecordOfATopicThatIsNotConfigured() {
        ConsumerRecord<byte[], byte[]> record =
                record(
                        "in.elsewhere",
                        0,
                        13L,
                        "req-10",
                        AvroCodec.standard().encode(request("req-10", EVENT_TIME)));

        DeadLetter d = assertRejected(deserialize(record), record, DeadLetterReason.UNKNOWN);

        assertThat(d.getReason()).startsWith("topic in.elsewhere is not one of the input topics");
    }

    private static byte[] feedbackJson(String model, String requestId, String label) {
        return ("{\"feedback_id\": \"fb-1\", \"event_time\": "
                        + EVENT_TIME
                        + ", \"model_name\": \""
                        + model
                        + "\", \"request_id\": \""
                        + requestId
                        + "\", \"contributor_id\": \"annotator-3\", \"label\": \""
                        + label
                        + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldDecodeFeedbackWithItsEventTime() {
        Ingested in =
                deserialize(record(FEEDBACK, 0, 14L, "r-1", feedbackJson("iris", "r-1", "y")));

        assertThat(in.kind).isEqualTo(Kind.FEEDBACK);
        assertThat(in.eventTime).isEqualTo(EVENT_TIME);
        assertThat(in.feedback.getLabel()).isEqualTo("y");
        assertThat(in.feedback.getContributorId()).isEqualTo("annotator-3");
        assertThat(in.source.getOffset()).isEqualTo(14L);
    }

    @Test
    void shouldRejectFeedbackThatIsIncompleteNotAClassOrForAnUnknownModel() {
        ConsumerRecord<byte[], byte[]> incomplete =
                record(
                        FEEDBACK,
                        0,
                        14L,
                        "fb-1",
                        "{\"feedback_id\": \"fb-1\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(
                        assertRejected(
                                        deserialize(incomplete),
                                        incomplete,
                                        DeadLetterReason.UNDECODABLE)
                                .getReason())
                .contains("required field is missing");

        ConsumerRecord<byte[], byte[]> notAClass =
                record(FEEDBACK, 1, 15L, "r-1", feedbackJson("iris", "r-1", "w"));
        assertThat(
                        assertRejected(deserialize(notAClass), notAClass, DeadLetterReason.INVALID)
                                .getReason())
                .isEqualTo("label 'w' is not one of the model's classes [x, y, z]");

        ConsumerRecord<byte[], byte[]> unknown =
                record(FEEDBACK, 1, 16L, "r-1", feedbackJson("tulip", "r-1", "x"));
        assertRejected(deserialize(unknown), unknown, DeadLetterReason.UNKNOWN_MODEL);
    }

    @Test
    void shouldNeverThrowOnArbitraryBytes() {
        Random random = new Random(17);
        for (int i = 0; i < 2_000; i++) {
            byte[] value = new byte[random.nextInt(64)];
            random.nextBytes(value);
            if (i % 3 == 0 && value.length > 2) {
                value[0] = (byte) 0xC3; // an Avro header over garbage
                value[1] = 0x01;
            }
            String topic = List.of(REQUESTS, RESPONSES, EVENTS, FEEDBACK).get(i % 4);
            Ingested in = deserialize(record(topic, 0, i, null, value));
            assertThat(in.kind).isEqualTo(Kind.REJECTED);
            assertThat(bytes(in.deadLetter.getValue())).isEqualTo(value);
        }
    }
}
