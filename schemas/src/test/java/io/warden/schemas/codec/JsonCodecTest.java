package io.warden.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.warden.schemas.Alert;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.DriftReport;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.SubjectType;
import io.warden.schemas.TensorDatatype;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JsonCodecTest {

    private final JsonCodec json = JsonCodec.standard();

    static Stream<SpecificRecord> everyContract() {
        return Stream.concat(SampleRecords.full().stream(), SampleRecords.sparse().stream());
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("everyContract")
    void shouldRoundTripEveryContract(SpecificRecord record) throws CodecException {
        byte[] bytes = json.encode(record);

        assertThat(json.decode(bytes, record.getClass())).isEqualTo(record);
        assertThat(json.decode(json.toPrettyJson(record), record.getClass())).isEqualTo(record);
    }

    @Test
    void shouldWriteTheShapeOfTheAvroRecord() {
        JsonNode node = json.toJsonNode(SampleRecords.alert());

        assertThat(node.get("alert_id").textValue()).isEqualTo("alert-7f3a");
        assertThat(node.get("event_time").textValue()).isEqualTo("2024-05-01T12:00:00.170Z");
        assertThat(node.get("kind").textValue()).isEqualTo("BLACKBOX_QUERY_ATTACK");
        assertThat(node.get("subject").get("type").textValue()).isEqualTo("CLIENT");
        assertThat(node.get("scores").get(0).get("p_value").doubleValue()).isEqualTo(1e-6);
        assertThat(node.get("scores").get(1).get("p_value").isNull()).isTrue();
        assertThat(node.get("evidence").get("details").get("window").textValue()).isEqualTo("60s");
        assertThat(node.get("window").get("start").textValue())
                .isEqualTo("2024-05-01T12:00:00.123Z");
    }

    @Test
    void shouldWriteNullableUnionsAsPlainValueOrNull() {
        String text = json.toJson(SampleRecords.sparse().get(0));

        assertThat(text)
                .isEqualTo(
                        "{\"request_id\":\"r-min\",\"event_time\":\"2024-05-01T12:00:00.123Z\","
                                + "\"model_name\":\"m\",\"model_version\":null,\"client_id\":null,"
                                + "\"attributes\":{},\"inputs\":[]}");
        assertThat(json.toJson(SampleRecords.request()))
                .contains("\"model_version\":\"3\"")
                .doesNotContain("{\"string\"");
    }

    @Test
    void shouldWriteNonFiniteNumbersAsStringsAndReadThemBack() throws CodecException {
        InferenceRequest request = SampleRecords.request();
        JsonNode data = json.toJsonNode(request).get("inputs").get(0).get("data");

        assertThat(data.toString())
                .isEqualTo("[6.8,2.8,\"NaN\",1.4,6.0,\"Infinity\",\"-Infinity\",-0.0]");
        List<Double> back =
                json.decode(json.encode(request), InferenceRequest.class)
                        .getInputs()
                        .get(0)
                        .getData();
        assertThat(back.get(2)).isNaN();
        assertThat(back.get(5)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void shouldCarryNanInPrimitiveDoubleFields() throws CodecException {
        DetectorScore score =
                new DetectorScore("d", Double.NaN, Double.NEGATIVE_INFINITY, null, true);

        JsonNode node = json.toJsonNode(score);
        DetectorScore back = json.decode(json.encode(score), DetectorScore.class);

        assertThat(node.get("score").textValue()).isEqualTo("NaN");
        assertThat(node.get("threshold").textValue()).isEqualTo("-Infinity");
        assertThat(back.getScore()).isNaN();
        assertThat(back.getThreshold()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void shouldReadBareNanTokensAsPythonWritesThem() throws CodecException {
        String python =
                "{\"request_id\":\"r\",\"event_time\":0,\"model_name\":\"m\",\"inputs\":[{"
                        + "\"name\":\"x\",\"datatype\":\"FP64\",\"shape\":[3],"
                        + "\"data\":[NaN, Infinity, -Infinity]}]}";

        List<Double> data =
                json.decode(python, InferenceRequest.class).getInputs().get(0).getData();

        assertThat(data)
                .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    }

    @Test
    void shouldReadTimestampsFromIsoWithAnyOffsetOrEpochMillis() throws CodecException {
        String template =
                "{\"request_id\":\"r\",\"event_time\":%s,\"model_name\":\"m\",\"inputs\":[]}";
        Instant expected = Instant.parse("2024-05-01T10:00:00.250Z");

        for (String time :
                List.of(
                        "\"2024-05-01T10:00:00.250Z\"",
                        "\"2024-05-01T12:00:00.250+02:00\"",
                        "\"2024-05-01T10:00:00.250999Z\"",
                        "1714557600250",
                        "1714557600250.0",
                        "\"1714557600250\"")) {
            assertThat(json.decode(template.formatted(time), InferenceRequest.class).getEventTime())
                    .as(time)
                    .isEqualTo(expected);
        }
    }

    @Test
    void shouldWriteBytesAsBase64() throws CodecException {
        DeadLetter letter = SampleRecords.deadLetter();

        JsonNode node = json.toJsonNode(letter);

        assertThat(node.get("key").textValue()).isEqualTo("cmVxLTQy");
        assertThat(node.get("value").textValue()).isEqualTo("wwEA/38q");
        assertThat(node.get("source").get("timestamp").textValue())
                .isEqualTo("2024-05-01T12:00:00.123Z");
        assertThat(json.decode(json.encode(letter), DeadLetter.class)).isEqualTo(letter);
    }

    @Test
    void shouldIgnoreUnknownFieldsAndFillDefaults() throws CodecException {
        String text =
                "{\"request_id\":\"r\",\"event_time\":\"2024-05-01T10:00:00Z\",\"model_name\":\"m\","
                        + "\"added_in_v9\":{\"deep\":[1,2,3]},"
                        + "\"inputs\":[{\"name\":\"x\",\"datatype\":\"BYTES\",\"shape\":[1],"
                        + "\"string_data\":[\"a\"],\"unknown\":true}]}";

        InferenceRequest request = json.decode(text, InferenceRequest.class);

        assertThat(request.getModelVersion()).isNull();
        assertThat(request.getClientId()).isNull();
        assertThat(request.getAttributes()).isEmpty();
        assertThat(request.getInputs().get(0).getData()).isEmpty();
        assertThat(request.getInputs().get(0).getStringData()).containsExactly("a");
    }

    @Test
    void shouldTakeDefaultForNullOnNonNullableFieldWithDefault() throws CodecException {
        String text =
                "{\"decision_id\":\"d\",\"event_time\":0,\"target\":{\"type\":\"CLIENT\",\"id\":\"c\"},"
                        + "\"action\":\"BLOCK\",\"reasons\":null,\"effective_from\":0}";

        QuarantineDecision decision = json.decode(text, QuarantineDecision.class);

        assertThat(decision.getReasons()).isEmpty();
        assertThat(decision.getSummary()).isEmpty();
        assertThat(decision.getExpiresAt()).isNull();
    }

    @Test
    void shouldNameThePathOfAWrongType() {
        String text =
                "{\"request_id\":\"r\",\"event_time\":0,\"model_name\":\"m\",\"inputs\":["
                        + "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":\"abc\"}]}";

        assertThatThrownBy(() -> json.decode(text, InferenceRequest.class))
                .isInstanceOf(CodecException.class)
                .hasMessage("inputs[0].shape: expected an array of integers, got \"abc\"")
                .extracting(e -> ((CodecException) e).path())
                .isEqualTo("inputs[0].shape");
    }

    @Test
    void shouldNameTheIndexOfAWrongArrayItem() {
        String text =
                "{\"request_id\":\"r\",\"event_time\":0,\"model_name\":\"m\",\"inputs\":["
                        + "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1.0,true]}]}";

        assertThatThrownBy(() -> json.decode(text, InferenceRequest.class))
                .hasMessage("inputs[0].data[1]: expected a number, got true");
    }

    @Test
    void shouldNameAMissingRequiredField() {
        String text = "{\"request_id\":\"r\",\"model_name\":\"m\",\"inputs\":[]}";

        assertThatThrownBy(() -> json.decode(text, InferenceRequest.class))
                .isInstanceOf(CodecException.class)
                .hasMessage("event_time: required field is missing");
    }

    @Test
    void shouldNameAMissingFieldOfANestedRecord() {
        String text =
                "{\"request_id\":\"r\",\"event_time\":0,\"model_name\":\"m\",\"inputs\":["
                        + "{\"datatype\":\"FP32\",\"shape\":[1]}]}";

        assertThatThrownBy(() -> json.decode(text, InferenceRequest.class))
                .hasMessage("inputs[0].name: required field is missing");
    }

    @Test
    void shouldRejectNullInARequiredField() {
        String text = "{\"request_id\":null,\"event_time\":0,\"model_name\":\"m\",\"inputs\":[]}";

        assertThatThrownBy(() -> json.decode(text, InferenceRequest.class))
                .hasMessage("request_id: expected a string, got null");
    }

    @Test
    void shouldRejectAnUnknownEnumSymbol() {
        String text =
                "{\"request_id\":\"r\",\"event_time\":0,\"model_name\":\"m\",\"inputs\":["
                        + "{\"name\":\"x\",\"datatype\":\"FLOAT32\",\"shape\":[1]}]}";

        assertThatThrownBy(() -> json.decode(text, InferenceRequest.class))
                .hasMessageStartingWith(
                        "inputs[0].datatype: unknown TensorDatatype symbol \"FLOAT32\"; expected"
                                + " one of BOOL, UINT8,");
    }

    @Test
    void shouldRejectWrongTypesInMapsAndUnions() {
        String badMap =
                "{\"request_id\":\"r\",\"event_time\":0,\"model_name\":\"m\","
                        + "\"attributes\":{\"tenant\":7},\"inputs\":[]}";
        String badUnion =
                "{\"request_id\":\"r\",\"event_time\":0,\"model_name\":\"m\","
                        + "\"model_version\":3,\"inputs\":[]}";

        assertThatThrownBy(() -> json.decode(badMap, InferenceRequest.class))
                .hasMessage("attributes[\"tenant\"]: expected a string, got 7");
        assertThatThrownBy(() -> json.decode(badUnion, InferenceRequest.class))
                .hasMessage("model_version: expected a string, got 3");
    }

    @Test
    void shouldRejectFractionsWhereIntegersBelong() {
        String text =
                "{\"report_id\":\"d\",\"model_name\":\"m\",\"window\":{\"start\":0,\"end\":1},"
                        + "\"sample_count\":1.5}";

        assertThatThrownBy(() -> json.decode(text, DriftReport.class))
                .hasMessage("sample_count: expected an integer, got 1.5");
    }

    @Test
    void shouldRejectBadTimestampsAndBase64() {
        String badTime =
                "{\"request_id\":\"r\",\"event_time\":\"yesterday\",\"model_name\":\"m\",\"inputs\":[]}";
        String localTime =
                "{\"request_id\":\"r\",\"event_time\":\"2024-05-01T10:00:00\",\"model_name\":\"m\",\"inputs\":[]}";
        String badBytes = "{\"reason\":\"x\",\"stage\":\"decode\",\"key\":\"not base64!\"}";

        assertThatThrownBy(() -> json.decode(badTime, InferenceRequest.class))
                .hasMessageStartingWith("event_time: expected an ISO-8601 timestamp with zone");
        assertThatThrownBy(() -> json.decode(localTime, InferenceRequest.class))
                .hasMessageStartingWith("event_time: expected an ISO-8601 timestamp with zone");
        assertThatThrownBy(() -> json.decode(badBytes, DeadLetter.class))
                .hasMessage("key: expected a base64 string, got \"not base64!\"");
    }

    @Test
    void shouldRejectInvalidJsonWithItsLocation() {
        assertThatThrownBy(() -> json.decode("{\"request_id\": \"r\",", InferenceRequest.class))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("invalid JSON at line 1, column");
        assertThatThrownBy(() -> json.decode("{\"a\":1} {\"b\":2}", InferenceRequest.class))
                .hasMessageStartingWith("invalid JSON")
                .hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> json.decode("{\"a\":1,\"a\":2}", InferenceRequest.class))
                .hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> json.decode("   ", InferenceRequest.class))
                .hasMessage("invalid JSON: no content");
    }

    @Test
    void shouldRejectJsonThatIsNotAnObject() {
        assertThatThrownBy(() -> json.decode("[1,2]", InferenceRequest.class))
                .hasMessage("expected a JSON object (InferenceRequest), got an array: [1,2]");
    }

    @Test
    void shouldPrettyPrintForPeople() {
        String pretty = json.toPrettyJson(SampleRecords.alert());

        assertThat(pretty).contains("\n").contains("\"kind\" : \"BLACKBOX_QUERY_ATTACK\"");
    }

    @Test
    void shouldReadAnyRecordSchemaGenerically() throws CodecException {
        JsonNode node = json.toJsonNode(SampleRecords.alert());

        GenericRecord generic = json.fromJsonNode(node, Alert.getClassSchema());

        assertThat(generic.get("event_time")).isEqualTo(SampleRecords.T1.toEpochMilli());
        assertThat(((GenericRecord) generic.get("subject")).get("type").toString())
                .isEqualTo(SubjectType.CLIENT.name());
        assertThat(json.toJsonNode(generic)).isEqualTo(node);
    }

    @Test
    void shouldReadEnumsAndNestedRecordsIntoGeneratedClasses() throws CodecException {
        InferenceResponse response =
                json.decode(
                        new String(json.encode(SampleRecords.response()), StandardCharsets.UTF_8),
                        InferenceResponse.class);

        assertThat(response.getOutputs().get(0).getDatatype()).isEqualTo(TensorDatatype.FP64);
    }
}
