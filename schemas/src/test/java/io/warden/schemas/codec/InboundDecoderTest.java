package io.warden.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InboundDecoderTest {

    private static final long KAFKA_TIMESTAMP = 1_714_564_800_000L;
    private static final InboundContext AUTO =
            new InboundContext(InputFormat.AUTO, "fallback-model", null, KAFKA_TIMESTAMP);

    private final InboundDecoder decoder = InboundDecoder.standard();
    private final AvroCodec avro = AvroCodec.standard();
    private final JsonCodec json = JsonCodec.standard();
    private final OpenInferenceProtocolCodec oip = OpenInferenceProtocolCodec.standard();

    @Test
    void shouldDecodeAvroWhenBytesStartWithTheSingleObjectHeader() throws CodecException {
        InferenceRequest request = SampleRecords.request();

        assertThat(decoder.decodeRequest(avro.encode(request), AUTO)).isEqualTo(request);
        assertThat(decoder.decodeResponse(avro.encode(SampleRecords.response()), AUTO))
                .isEqualTo(SampleRecords.response());
        assertThat(decoder.decodeEvent(avro.encode(SampleRecords.event()), AUTO))
                .isEqualTo(SampleRecords.event());
        assertThat(decoder.decodeFeedback(avro.encode(SampleRecords.feedback()), AUTO))
                .isEqualTo(SampleRecords.feedback());
    }

    @Test
    void shouldDecodeWardenJsonWhenTheObjectHasWardensIdField() throws CodecException {
        assertThat(decoder.decodeRequest(json.encode(SampleRecords.request()), AUTO))
                .isEqualTo(SampleRecords.request());
        assertThat(decoder.decodeResponse(json.encode(SampleRecords.response()), AUTO))
                .isEqualTo(SampleRecords.response());
        assertThat(decoder.decodeEvent(json.encode(SampleRecords.event()), AUTO))
                .isEqualTo(SampleRecords.event());
        assertThat(decoder.decodeFeedback(json.encode(SampleRecords.feedback()), AUTO))
                .isEqualTo(SampleRecords.feedback());
    }

    @Test
    void shouldDecodeOipWhenTheObjectHasIdAndTensors() throws CodecException {
        assertThat(decoder.decodeRequest(oip.encodeRequest(SampleRecords.request()), AUTO))
                .isEqualTo(SampleRecords.request());
        assertThat(decoder.decodeResponse(oip.encodeResponse(SampleRecords.response()), AUTO))
                .isEqualTo(SampleRecords.response());
        InferenceRequest spec =
                decoder.decodeRequest(bytes(OpenInferenceProtocolCodecTest.SPEC_REQUEST), AUTO);
        assertThat(spec.getRequestId()).isEqualTo("42");
        assertThat(spec.getModelName()).isEqualTo("fallback-model");
    }

    @Test
    void shouldFillMissingModelAndEventTimeOfWardenJsonFromContext() throws CodecException {
        String minimal = "{\"request_id\":\"r\",\"inputs\":[]}";
        InboundContext ctx = AUTO.withDefaultModel("iris", "3");

        InferenceRequest request = decoder.decodeRequest(bytes(minimal), ctx);

        assertThat(request.getModelName()).isEqualTo("iris");
        assertThat(request.getModelVersion()).isEqualTo("3");
        assertThat(request.getEventTime()).isEqualTo(Instant.ofEpochMilli(KAFKA_TIMESTAMP));
    }

    @Test
    void shouldKeepWhatTheWardenJsonCarries() throws CodecException {
        String explicit =
                "{\"feedback_id\":\"f\",\"event_time\":\"2024-01-01T00:00:00Z\","
                        + "\"model_name\":\"iris\",\"model_version\":null,"
                        + "\"contributor_id\":\"c\",\"label\":\"setosa\"}";

        FeedbackRecord feedback =
                decoder.decodeFeedback(bytes(explicit), AUTO.withDefaultModel("other", "9"));

        assertThat(feedback.getModelName()).isEqualTo("iris");
        assertThat(feedback.getModelVersion()).isNull();
        assertThat(feedback.getEventTime()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    }

    @Test
    void shouldHonourAnExplicitFormat() throws CodecException {
        InboundContext avroOnly = new InboundContext(InputFormat.AVRO, "m", null, 0);
        InboundContext jsonOnly = new InboundContext(InputFormat.JSON, "m", null, 0);
        InboundContext oipOnly = new InboundContext(InputFormat.OIP, "m", null, 0);
        byte[] wardenJson = json.encode(SampleRecords.request());
        byte[] oipJson = oip.encodeRequest(SampleRecords.request());

        assertThatThrownBy(() -> decoder.decodeRequest(wardenJson, avroOnly))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith(
                        "not Avro single-object encoding: expected header C3 01, got 7B 22");
        assertThatThrownBy(() -> decoder.decodeRequest(oipJson, jsonOnly))
                .hasMessage("request_id: required field is missing");
        assertThat(decoder.decodeRequest(oipJson, oipOnly)).isEqualTo(SampleRecords.request());
        assertThatThrownBy(() -> decoder.decodeRequest(wardenJson, oipOnly))
                .hasMessageStartingWith("id: required field is missing");
    }

    @Test
    void shouldRejectOipForEventsAndFeedback() {
        InboundContext oipOnly = new InboundContext(InputFormat.OIP, "m", null, 0);
        byte[] oipJson = oip.encodeRequest(SampleRecords.request());

        assertThatThrownBy(() -> decoder.decodeEvent(oipJson, oipOnly))
                .hasMessage(
                        "the OIP input format carries requests and responses only, not an"
                                + " inference event; configure AVRO, JSON or AUTO for this topic");
        assertThatThrownBy(() -> decoder.decodeFeedback(oipJson, AUTO))
                .hasMessage(
                        "neither warden JSON nor Open Inference Protocol v2: expected an object"
                                + " with \"feedback_id\" (warden JSON), got an object with fields"
                                + " [id, parameters, inputs]");
    }

    @Test
    void shouldRejectJsonThatIsNeitherWardenNorOip() {
        assertThatThrownBy(() -> decoder.decodeRequest(bytes("{\"instances\":[[1,2]]}"), AUTO))
                .isInstanceOf(CodecException.class)
                .hasMessage(
                        "neither warden JSON nor Open Inference Protocol v2: expected an object"
                                + " with \"request_id\" (warden JSON) or with \"id\" and \"inputs\""
                                + " (OIP v2), got an object with fields [instances]");
        assertThatThrownBy(() -> decoder.decodeResponse(bytes("[1,2,3]"), AUTO))
                .hasMessage(
                        "neither warden JSON nor Open Inference Protocol v2: expected a JSON"
                                + " object, got an array: [1,2,3]");
        assertThatThrownBy(() -> decoder.decodeRequest(bytes("\u0000\u0001garbage"), AUTO))
                .hasMessageStartingWith(
                        "neither Avro single-object encoding (no C3 01 header) nor JSON: invalid"
                                + " JSON");
    }

    @Test
    void shouldRejectNullAndEmptyValues() {
        assertThatThrownBy(() -> decoder.decodeRequest(null, AUTO))
                .isInstanceOf(CodecException.class)
                .hasMessage("no value (a null Kafka record value, e.g. a tombstone)");
        assertThatThrownBy(() -> decoder.decodeEvent(new byte[0], AUTO))
                .isInstanceOf(CodecException.class)
                .hasMessage("empty value (0 bytes)");
    }

    @Test
    void shouldRejectAvroOfAnotherContract() {
        byte[] response = avro.encode(SampleRecords.response());

        assertThatThrownBy(() -> decoder.decodeRequest(response, AUTO))
                .hasMessage(
                        "expected Avro io.warden.schemas.InferenceRequest but the bytes hold"
                                + " io.warden.schemas.InferenceResponse");
    }

    @Test
    void shouldShipTheContextThroughJavaSerialization() throws Exception {
        InboundContext ctx = new InboundContext(InputFormat.OIP, "iris", "3", 42L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(ctx);
        }

        Object back;
        try (ObjectInputStream ois =
                new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            back = ois.readObject();
        }

        assertThat(back).isEqualTo(ctx);
    }

    @Test
    void shouldTellWhetherAFallbackEventTimeIsSet() {
        assertThat(InboundContext.of(InputFormat.AUTO).hasFallbackEventTime()).isFalse();
        assertThat(
                        InboundContext.of(InputFormat.AUTO)
                                .withFallbackEventTime(InboundContext.NO_TIMESTAMP)
                                .hasFallbackEventTime())
                .isFalse();
        assertThat(
                        InboundContext.of(InputFormat.AUTO)
                                .withFallbackEventTime(0)
                                .hasFallbackEventTime())
                .isTrue();
        assertThatThrownBy(() -> new InboundContext(null, null, null, 0))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldDecodeResponsesAndEventsFromJsonWithDefaults() throws CodecException {
        String response = "{\"request_id\":\"r\",\"outputs\":[],\"latency_ms\":\"NaN\"}";
        String event = "{\"request_id\":\"r\",\"inputs\":[],\"outputs\":[]}";

        InferenceResponse decodedResponse = decoder.decodeResponse(bytes(response), AUTO);
        InferenceEvent decodedEvent = decoder.decodeEvent(bytes(event), AUTO);

        assertThat(decodedResponse.getLatencyMs()).isNaN();
        assertThat(decodedResponse.getModelName()).isEqualTo("fallback-model");
        assertThat(decodedEvent.getEventTime()).isEqualTo(Instant.ofEpochMilli(KAFKA_TIMESTAMP));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
