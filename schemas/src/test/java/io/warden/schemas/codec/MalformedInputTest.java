package io.warden.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.warden.schemas.DeadLetter;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input of every kind is a CodecException whose message says what was wrong. */
class MalformedInputTest {

    private static final InboundContext CTX =
            new InboundContext(InputFormat.AUTO, "m", null, 1_714_564_800_000L);

    private final AvroCodec avro = AvroCodec.standard();
    private final InboundDecoder decoder = InboundDecoder.standard();

    @Test
    void shouldRejectRandomBytes() {
        byte[] random = new byte[64];
        new Random(7).nextBytes(random);
        random[0] = 0x11;

        assertThatThrownBy(() -> avro.decodeAny(random))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith(
                        "not Avro single-object encoding: expected header C3 01, got 11 ");
        assertThatThrownBy(() -> decoder.decodeRequest(random, CTX))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith(
                        "neither Avro single-object encoding (no C3 01 header) nor JSON: invalid"
                                + " JSON");
    }

    @Test
    void shouldRejectTheMagicWithAnUnknownFingerprint() {
        byte[] bytes = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0};

        assertThatThrownBy(() -> avro.decode(bytes, InferenceRequest.class))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith(
                        "unknown Avro writer schema fingerprint 0807060504030201: written by a"
                                + " schema this warden does not know");
    }

    @Test
    void shouldRejectATruncatedHeader() {
        byte[] bytes = {(byte) 0xC3, 0x01, 1, 2, 3};

        assertThatThrownBy(() -> decoder.decodeRequest(bytes, CTX))
                .hasMessage("truncated Avro single-object header: 5 bytes, need 10");
    }

    @Test
    void shouldRejectATruncatedBodyNamingTheField() {
        byte[] full = avro.encode(SampleRecords.request());
        // Header (10) + request_id length (1) + "re": cut inside request_id "req-42".
        byte[] truncated = Arrays.copyOf(full, 13);

        CodecException e =
                catchThrowableOfType(
                        CodecException.class, () -> avro.decode(truncated, InferenceRequest.class));

        assertThat(e)
                .hasMessage(
                        "request_id: corrupt Avro InferenceRequest body: truncated: string needs 6"
                                + " byte(s) at offset 11, only 2 left");
        assertThat(e.path()).isEqualTo("request_id");
    }

    @Test
    void shouldRejectABodyCutInsideANestedTensor() {
        byte[] full = avro.encode(SampleRecords.request());
        byte[] truncated = Arrays.copyOf(full, full.length - 5);

        assertThatThrownBy(() -> avro.decode(truncated, InferenceRequest.class))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith(
                        "inputs[1].string_data[1]: corrupt Avro InferenceRequest body: truncated");
    }

    @Test
    void shouldRejectAvroOfTheWrongRecordType() {
        byte[] alert = avro.encode(SampleRecords.alert());

        assertThatThrownBy(() -> avro.decode(alert, InferenceRequest.class))
                .hasMessage(
                        "expected Avro io.warden.schemas.InferenceRequest but the bytes hold"
                                + " io.warden.schemas.Alert");
    }

    @Test
    void shouldRejectTrailingBytes() {
        byte[] full = avro.encode(SampleRecords.request());
        byte[] trailing = Arrays.copyOf(full, full.length + 3);

        assertThatThrownBy(() -> avro.decode(trailing, InferenceRequest.class))
                .hasMessage(
                        "corrupt Avro InferenceRequest body: 3 trailing byte(s) after the end of"
                                + " the io.warden.schemas.InferenceRequest record (at offset "
                                + full.length
                                + ")");
    }

    @Test
    void shouldRejectAHugeLengthWithoutAllocatingIt() {
        byte[] bytes = avro.encode(SampleRecords.request());
        // request_id's length as a 5-byte varint of 2^31-1 bytes: far more than is left.
        byte[] huge = new byte[bytes.length + 4];
        System.arraycopy(bytes, 0, huge, 0, 10);
        byte[] length = {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
        System.arraycopy(length, 0, huge, 10, 5);
        System.arraycopy(bytes, 11, huge, 15, bytes.length - 11);

        assertThatThrownBy(() -> avro.decode(huge, InferenceRequest.class))
                .hasMessageStartingWith(
                        "request_id: corrupt Avro InferenceRequest body: truncated: string needs"
                                + " 2147483647 byte(s)");
    }

    @Test
    void shouldRejectANegativeLength() {
        byte[] bytes = avro.encode(SampleRecords.request());
        bytes[10] = 0x01; // zigzag -1

        assertThatThrownBy(() -> avro.decode(bytes, InferenceRequest.class))
                .hasMessage(
                        "request_id: corrupt Avro InferenceRequest body: corrupt string length -1");
    }

    @Test
    void shouldRejectAnEnumIndexOutOfRange() {
        Tensor tensor = SampleRecords.features();
        byte[] bytes = avro.encode(tensor);
        // Header (10) + name length (1) + "input-0" (7), then the datatype's enum index.
        bytes[18] = 0x7E;

        assertThatThrownBy(() -> avro.decode(bytes, Tensor.class))
                .hasMessage(
                        "datatype: corrupt Avro Tensor body: enum index 63 out of range for"
                                + " TensorDatatype (15 symbols)");
    }

    @Test
    void shouldRejectAUnionIndexOutOfRangeAndOverlongVarints() {
        byte[] sparse = avro.encode(SampleRecords.sparse().get(8));
        byte[] badUnion = sparse.clone();
        badUnion[10] = 0x08;
        byte[] overlong = Arrays.copyOf(sparse, 30);
        Arrays.fill(overlong, 10, 30, (byte) 0xFF);

        assertThatThrownBy(() -> avro.decode(badUnion, DeadLetter.class))
                .hasMessage(
                        "source: corrupt Avro DeadLetter body: union index 4 out of range (2"
                                + " branches)");
        assertThatThrownBy(() -> avro.decode(overlong, DeadLetter.class))
                .hasMessage(
                        "source: corrupt Avro DeadLetter body: malformed union index: varint"
                                + " longer than 5 bytes");
    }

    @Test
    void shouldRejectAnArrayCountThatCannotFit() {
        byte[] bytes = avro.encode(SampleRecords.sparse().get(0));
        bytes[bytes.length - 1] = 0x7E; // inputs: 63 items, nothing left

        assertThatThrownBy(() -> avro.decode(bytes, InferenceRequest.class))
                .hasMessage(
                        "inputs: corrupt Avro InferenceRequest body: array block of 63 items"
                                + " cannot fit in the 0 bytes left");
    }

    static Stream<Arguments> badJson() {
        String tensor = "{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,2]}";
        return Stream.of(
                Arguments.of("{\"request_id\":", "invalid JSON at line 1, column"),
                Arguments.of("{\"request_id\":\"r\"}}", "invalid JSON"),
                Arguments.of("\"just a string\"", "expected a JSON object, got a string"),
                Arguments.of("{\"model\":\"x\"}", "neither warden JSON nor Open Inference"),
                Arguments.of(
                        "{\"request_id\":\"r\",\"inputs\":{}}",
                        "inputs: expected an array of Tensor objects, got {}"),
                Arguments.of(
                        "{\"request_id\":\"r\",\"event_time\":true,\"inputs\":[]}",
                        "event_time: expected an ISO-8601 timestamp or epoch milliseconds, got"
                                + " true"),
                Arguments.of(
                        "{\"request_id\":\"r\",\"inputs\":[{\"name\":\"x\",\"shape\":[1],"
                                + "\"datatype\":\"FP32\",\"data\":[\"one\"]}]}",
                        "inputs[0].data[0]: expected a number, got \"one\""),
                Arguments.of(
                        "{\"inputs\":[" + tensor + "]}",
                        "id: required field is missing: without the OIP request id"),
                Arguments.of(
                        "{\"id\":\"r\",\"inputs\":[" + tensor.replace("FP32", "COMPLEX64") + "]}",
                        "inputs[0].datatype: unknown datatype \"COMPLEX64\""),
                Arguments.of(
                        "{\"id\":\"r\",\"inputs\":["
                                + tensor.replace("[1,2]", "[[1,2],[3,4]]")
                                + "]}",
                        "inputs[0].data: nested data of dimensions [2, 2] holds 4 values, but"
                                + " shape [2] needs 2"),
                Arguments.of(
                        "{\"id\":\"r\",\"inputs\":[" + tensor.replace("[2]", "[-2]") + "]}",
                        "inputs[0].shape[0]: expected a non-negative integer in [0, "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJson")
    void shouldRejectBadJsonThroughTheInboundDecoder(String json, String expected) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> decoder.decodeRequest(bytes, CTX))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining(expected);
    }
}
