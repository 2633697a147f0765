package io.warden.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.Tensor;
import io.warden.schemas.TensorDatatype;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenInferenceProtocolCodecTest {

    private static final long KAFKA_TIMESTAMP = 1_714_564_800_000L;
    private static final InboundContext CTX =
            new InboundContext(InputFormat.OIP, "mymodel", null, KAFKA_TIMESTAMP);

    private final OpenInferenceProtocolCodec oip = OpenInferenceProtocolCodec.standard();

    // The request and response examples of the Open Inference Protocol v2 (KServe V2) spec. The
    // spec's BOOL input declares shape [3] with one value: flat data is taken as is and left to
    // warden's validation stage. The response example lacks model_name (it is in the URL).
    static final String SPEC_REQUEST =
            """
            {
              "id" : "42",
              "inputs" : [
                {
                  "name" : "input0",
                  "shape" : [ 2, 2 ],
                  "datatype" : "UINT32",
                  "data" : [ 1, 2, 3, 4 ]
                },
                {
                  "name" : "input1",
                  "shape" : [ 3 ],
                  "datatype" : "BOOL",
                  "data" : [ true ]
                }
              ],
              "outputs" : [
                {
                  "name" : "output0"
                }
              ]
            }
            """;

    static final String SPEC_RESPONSE =
            """
            {
              "id" : "42",
              "outputs" : [
                {
                  "name" : "output0",
                  "shape" : [ 3, 2 ],
                  "datatype"  : "FP32",
                  "data" : [ 1.0, 1.1, 2.0, 2.1, 3.0, 3.1 ]
                }
              ]
            }
            """;

    @Test
    void shouldDecodeTheSpecRequestExample() throws CodecException {
        InferenceRequest request = oip.decodeRequest(bytes(SPEC_REQUEST), CTX);

        assertThat(request.getRequestId()).isEqualTo("42");
        assertThat(request.getModelName()).isEqualTo("mymodel");
        assertThat(request.getModelVersion()).isNull();
        assertThat(request.getEventTime()).isEqualTo(Instant.ofEpochMilli(KAFKA_TIMESTAMP));
        assertThat(request.getClientId()).isNull();
        assertThat(request.getAttributes()).isEmpty();
        assertThat(request.getInputs())
                .containsExactly(
                        tensor(
                                "input0",
                                TensorDatatype.UINT32,
                                List.of(2L, 2L),
                                1.0,
                                2.0,
                                3.0,
                                4.0),
                        tensor("input1", TensorDatatype.BOOL, List.of(3L), 1.0));
    }

    @Test
    void shouldDecodeTheSpecResponseExample() throws CodecException {
        InferenceResponse response = oip.decodeResponse(bytes(SPEC_RESPONSE), CTX);

        assertThat(response.getRequestId()).isEqualTo("42");
        assertThat(response.getModelName()).isEqualTo("mymodel");
        assertThat(response.getEventTime()).isEqualTo(Instant.ofEpochMilli(KAFKA_TIMESTAMP));
        assertThat(response.getLatencyMs()).isNull();
        assertThat(response.getOutputs())
                .containsExactly(
                        tensor(
                                "output0",
                                TensorDatatype.FP32,
                                List.of(3L, 2L),
                                1.0,
                                1.1,
                                2.0,
                                2.1,
                                3.0,
                                3.1));
    }

    @Test
    void shouldFlattenNestedRowMajorData() throws CodecException {
        // KServe's sklearn iris example sends its batch as nested rows.
        String kserve =
                """
                {"id": "iris-1", "inputs": [{"name": "input-0", "shape": [2, 4], "datatype": "FP32",
                  "data": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}]}
                """;

        Tensor input = oip.decodeRequest(bytes(kserve), CTX).getInputs().get(0);

        assertThat(input.getShape()).containsExactly(2L, 4L);
        assertThat(input.getData()).containsExactly(6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6);
    }

    @Test
    void shouldFlattenDeeplyNestedImageLikeData() throws CodecException {
        String image =
                """
                {"id": "img", "inputs": [{"name": "x", "shape": [1, 2, 2, 1], "datatype": "UINT8",
                  "data": [[[[0], [255]], [[128], [7]]]]}]}
                """;

        Tensor input = oip.decodeRequest(bytes(image), CTX).getInputs().get(0);

        assertThat(input.getData()).containsExactly(0.0, 255.0, 128.0, 7.0);
    }

    @Test
    void shouldRejectNestedDataThatDisagreesWithTheShape() {
        String mismatch =
                """
                {"id": "r", "inputs": [{"name": "input-0", "shape": [2, 2], "datatype": "FP32",
                  "data": [[1, 2, 3], [4, 5, 6]]}]}
                """;

        assertThatThrownBy(() -> oip.decodeRequest(bytes(mismatch), CTX))
                .isInstanceOf(CodecException.class)
                .hasMessage(
                        "inputs[0].data: nested data of dimensions [2, 3] holds 6 values, but"
                                + " shape [2, 2] needs 4");
    }

    @Test
    void shouldRejectRaggedNestedData() {
        String ragged =
                """
                {"id": "r", "inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32",
                  "data": [[1, 2], [3]]}]}
                """;
        String mixed =
                """
                {"id": "r", "inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32",
                  "data": [[1, 2], 3]}]}
                """;

        assertThatThrownBy(() -> oip.decodeRequest(bytes(ragged), CTX))
                .hasMessage(
                        "inputs[0].data[1]: ragged nested data: 1 elements where the first row at"
                                + " this depth has 2");
        assertThatThrownBy(() -> oip.decodeRequest(bytes(mixed), CTX))
                .hasMessage(
                        "inputs[0].data[1]: ragged nested data: expected an array like the first"
                                + " row, got 3");
    }

    @Test
    void shouldLeaveFlatDataCountToValidation() throws CodecException {
        String flat =
                """
                {"id": "r", "inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32",
                  "data": [1, 2, 3]}]}
                """;

        assertThat(oip.decodeRequest(bytes(flat), CTX).getInputs().get(0).getData()).hasSize(3);
    }

    @Test
    void shouldMapBytesToStringDataAndBoolToOnesAndZeros() throws CodecException {
        // MLServer sends text as a BYTES tensor with a content type.
        String mlserver =
                """
                {"id": "t-1", "inputs": [
                  {"name": "text", "shape": [2], "datatype": "BYTES",
                   "parameters": {"content_type": "str"}, "data": ["hello", "wörld"]},
                  {"name": "mask", "shape": [2, 2], "datatype": "BOOL",
                   "data": [[true, false], [false, true]]}]}
                """;

        List<Tensor> inputs = oip.decodeRequest(bytes(mlserver), CTX).getInputs();

        assertThat(inputs.get(0).getStringData()).containsExactly("hello", "wörld");
        assertThat(inputs.get(0).getData()).isEmpty();
        assertThat(inputs.get(1).getData()).containsExactly(1.0, 0.0, 0.0, 1.0);
        assertThat(inputs.get(1).getStringData()).isEmpty();
    }

    @Test
    void shouldReadNanStringsInNumericData() throws CodecException {
        String nan =
                """
                {"id": "r", "inputs": [{"name": "x", "shape": [3], "datatype": "FP64",
                  "data": ["NaN", "Infinity", NaN]}]}
                """;

        assertThat(oip.decodeRequest(bytes(nan), CTX).getInputs().get(0).getData())
                .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NaN);
    }

    @Test
    void shouldTakeWardenFieldsFromParameters() throws CodecException {
        // A Triton request with its own parameters next to those a logging sidecar added.
        String triton =
                """
                {"id": "req-7",
                 "parameters": {"sequence_id": 7, "priority": 1, "binary_data_output": false,
                   "model_name": "densenet", "model_version": 2,
                   "event_time": "2024-05-01T12:00:00.5+02:00", "client_id": "api-key-1",
                   "tenant": "acme", "headers": {"x": "y"}},
                 "inputs": [{"name": "INPUT0", "shape": [1, 3], "datatype": "INT32",
                   "data": [1, -2, 3]}],
                 "outputs": [{"name": "OUTPUT0", "parameters": {"binary_data": false}}]}
                """;

        InferenceRequest request = oip.decodeRequest(bytes(triton), CTX);

        assertThat(request.getModelName()).isEqualTo("densenet");
        assertThat(request.getModelVersion()).isEqualTo("2");
        assertThat(request.getEventTime()).isEqualTo(Instant.parse("2024-05-01T10:00:00.500Z"));
        assertThat(request.getClientId()).isEqualTo("api-key-1");
        assertThat(request.getAttributes())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "sequence_id", "7",
                                "priority", "1",
                                "binary_data_output", "false",
                                "tenant", "acme"));
    }

    @Test
    void shouldTakeTimestampParameterInEpochMillisAsEventTime() throws CodecException {
        String request =
                """
                {"id": "r", "parameters": {"timestamp": 1714557600250},
                 "inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}]}
                """;

        InferenceRequest decoded = oip.decodeRequest(bytes(request), CTX);

        assertThat(decoded.getEventTime()).isEqualTo(Instant.ofEpochMilli(1714557600250L));
        assertThat(decoded.getAttributes()).doesNotContainKey("timestamp");
    }

    @Test
    void shouldPreferTopLevelModelNameAndVersionInResponses() throws CodecException {
        String response =
                """
                {"model_name": "iris", "model_version": "v3", "id": "r-1",
                 "parameters": {"latency_ms": 12.5, "node": "gpu-2"},
                 "outputs": [{"name": "probabilities", "shape": [1, 3], "datatype": "FP32",
                   "data": [[0.1, 0.7, 0.2]]}]}
                """;

        InferenceResponse decoded = oip.decodeResponse(bytes(response), CTX);

        assertThat(decoded.getModelName()).isEqualTo("iris");
        assertThat(decoded.getModelVersion()).isEqualTo("v3");
        assertThat(decoded.getLatencyMs()).isEqualTo(12.5);
        assertThat(decoded.getAttributes()).containsExactly(Map.entry("node", "gpu-2"));
        assertThat(decoded.getOutputs().get(0).getData()).containsExactly(0.1, 0.7, 0.2);
    }

    @Test
    void shouldTakeDefaultModelVersionFromContext() throws CodecException {
        InboundContext ctx = CTX.withDefaultModel("mymodel", "7");

        assertThat(oip.decodeRequest(bytes(SPEC_REQUEST), ctx).getModelVersion()).isEqualTo("7");
    }

    @Test
    void shouldRejectRequestWithoutId() {
        String noId =
                """
                {"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}]}
                """;

        assertThatThrownBy(() -> oip.decodeRequest(bytes(noId), CTX))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("id: required field is missing")
                .hasMessageContaining("cannot join a request with its response");
    }

    @Test
    void shouldRejectUnknownDatatype() {
        String unknown =
                """
                {"id": "r", "inputs": [{"name": "x", "shape": [1], "datatype": "FLOAT32",
                  "data": [1]}]}
                """;

        assertThatThrownBy(() -> oip.decodeRequest(bytes(unknown), CTX))
                .hasMessage(
                        "inputs[0].datatype: unknown datatype \"FLOAT32\"; expected one of BOOL,"
                                + " UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16,"
                                + " BF16, FP32, FP64, BYTES");
    }

    @Test
    void shouldNotAcceptTheReadersUnknownSymbolAsADatatype() {
        String unknown =
                """
                {"id": "r", "inputs": [{"name": "x", "shape": [1], "datatype": "UNKNOWN",
                  "data": [1]}]}
                """;

        assertThatThrownBy(() -> oip.decodeRequest(bytes(unknown), CTX))
                .hasMessageStartingWith("inputs[0].datatype: unknown datatype \"UNKNOWN\"");
    }

    @Test
    void shouldRejectMissingModelNameWithoutDefault() {
        InboundContext noDefaults = InboundContext.of(InputFormat.OIP).withFallbackEventTime(0);

        assertThatThrownBy(() -> oip.decodeRequest(bytes(SPEC_REQUEST), noDefaults))
                .hasMessageStartingWith("model_name: required field is missing");
    }

    @Test
    void shouldRejectMissingEventTimeWithoutFallback() {
        InboundContext noTimestamp = InboundContext.of(InputFormat.OIP).withDefaultModel("m", null);

        assertThatThrownBy(() -> oip.decodeRequest(bytes(SPEC_REQUEST), noTimestamp))
                .hasMessageStartingWith("event_time: required field is missing");
    }

    @Test
    void shouldRejectStructuralErrorsWithTheirPath() {
        assertThatThrownBy(() -> oip.decodeRequest(bytes("{\"id\":\"r\"}"), CTX))
                .hasMessage("inputs: required field is missing");
        assertThatThrownBy(
                        () ->
                                oip.decodeRequest(
                                        bytes(
                                                "{\"id\":\"r\",\"inputs\":[{\"name\":\"x\","
                                                        + "\"shape\":[\"abc\"],\"datatype\":\"FP32\",\"data\":[]}]}"),
                                        CTX))
                .hasMessage("inputs[0].shape[0]: expected a non-negative integer, got \"abc\"");
        assertThatThrownBy(
                        () ->
                                oip.decodeRequest(
                                        bytes(
                                                "{\"id\":\"r\",\"inputs\":[{\"name\":\"x\","
                                                        + "\"shape\":[1],\"datatype\":\"FP32\"}]}"),
                                        CTX))
                .hasMessageStartingWith("inputs[0].data: required field is missing");
        assertThatThrownBy(
                        () ->
                                oip.decodeRequest(
                                        bytes(
                                                "{\"id\":\"r\",\"inputs\":[{\"name\":\"x\","
                                                        + "\"shape\":[2],\"datatype\":\"BOOL\",\"data\":[true,1]}]}"),
                                        CTX))
                .hasMessage("inputs[0].data[1]: expected a boolean (BOOL tensor), got 1");
        assertThatThrownBy(
                        () ->
                                oip.decodeRequest(
                                        bytes(
                                                "{\"id\":\"r\",\"parameters\":{\"event_time\":\"soon\"},"
                                                        + "\"inputs\":[]}"),
                                        CTX))
                .hasMessageStartingWith("parameters.event_time: expected an ISO-8601 timestamp");
        assertThatThrownBy(() -> oip.decodeResponse(bytes("[]"), CTX))
                .hasMessage(
                        "expected a JSON object (an Open Inference Protocol v2 inference"
                                + " response), got an array: []");
    }

    @Test
    void shouldRoundTripRequests() throws CodecException {
        InferenceRequest request = SampleRecords.request();

        assertThat(oip.decodeRequest(oip.encodeRequest(request), CTX)).isEqualTo(request);
        InferenceRequest sparse = (InferenceRequest) SampleRecords.sparse().get(0);
        assertThat(oip.decodeRequest(oip.encodeRequest(sparse), CTX)).isEqualTo(sparse);
    }

    @Test
    void shouldRoundTripResponses() throws CodecException {
        InferenceResponse response = SampleRecords.response();

        assertThat(oip.decodeResponse(oip.encodeResponse(response), CTX)).isEqualTo(response);
        InferenceResponse sparse = (InferenceResponse) SampleRecords.sparse().get(1);
        assertThat(oip.decodeResponse(oip.encodeResponse(sparse), CTX)).isEqualTo(sparse);
    }

    @Test
    void shouldRoundTripEveryDatatype() throws CodecException {
        List<Tensor> tensors =
                List.of(
                        tensor("b", TensorDatatype.BOOL, List.of(3L), 1.0, 0.0, 1.0),
                        tensor("u8", TensorDatatype.UINT8, List.of(2L), 0.0, 255.0),
                        tensor(
                                "u64",
                                TensorDatatype.UINT64,
                                List.of(2L),
                                1.8446744073709552E19,
                                3.0),
                        tensor("i64", TensorDatatype.INT64, List.of(3L), -9.0E15, -0.0, 2.5),
                        tensor("f16", TensorDatatype.FP16, List.of(2L), 0.5, Double.NaN),
                        tensor("bf16", TensorDatatype.BF16, List.of(2L), -1.5, 1e30),
                        tensor("f32", TensorDatatype.FP32, List.of(1L, 1L), 3.4028234663852886E38));
        InferenceRequest request =
                InferenceRequest.newBuilder(SampleRecords.request()).setInputs(tensors).build();

        assertThat(oip.decodeRequest(oip.encodeRequest(request), CTX)).isEqualTo(request);
    }

    @Test
    void shouldEncodeValidOipWithWardenFieldsInParameters() {
        JsonNode request = oip.requestToJsonNode(SampleRecords.request());
        JsonNode response = oip.responseToJsonNode(SampleRecords.response());

        assertThat(request.get("id").textValue()).isEqualTo("req-42");
        assertThat(request.get("parameters").get("model_name").textValue()).isEqualTo("iris");
        assertThat(request.get("parameters").get("event_time").textValue())
                .isEqualTo("2024-05-01T12:00:00.123Z");
        assertThat(request.get("parameters").get("tenant").textValue()).isEqualTo("acme");
        JsonNode input = request.get("inputs").get(0);
        assertThat(input.get("name").textValue()).isEqualTo("input-0");
        assertThat(input.get("shape").toString()).isEqualTo("[2,4]");
        assertThat(input.get("datatype").textValue()).isEqualTo("FP32");
        assertThat(input.get("data").size()).isEqualTo(8);
        assertThat(request.get("inputs").get(1).get("data").get(0).textValue()).isEqualTo("DE");

        assertThat(response.get("model_name").textValue()).isEqualTo("iris");
        assertThat(response.get("model_version").textValue()).isEqualTo("3");
        assertThat(response.get("parameters").get("latency_ms").doubleValue()).isEqualTo(47.25);
        assertThat(response.get("outputs").get(0).get("datatype").textValue()).isEqualTo("FP64");
    }

    @Test
    void shouldWriteIntegerTensorsWithoutFractions() {
        InferenceRequest request =
                InferenceRequest.newBuilder(SampleRecords.request())
                        .setInputs(
                                List.of(tensor("i", TensorDatatype.INT32, List.of(2L), 3.0, -4.0)))
                        .build();

        String json = new String(oip.encodeRequest(request), StandardCharsets.UTF_8);

        assertThat(json).contains("\"data\":[3,-4]");
    }

    private static Tensor tensor(
            String name, TensorDatatype datatype, List<Long> shape, double... values) {
        List<Double> data = new java.util.ArrayList<>();
        for (double v : values) {
            data.add(v);
        }
        return Tensor.newBuilder()
                .setName(name)
                .setDatatype(datatype)
                .setShape(shape)
                .setData(data)
                .build();
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
