package io.warden.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.schemas.InferenceRequest;
import io.warden.schemas.Tensor;
import io.warden.schemas.TensorDatatype;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Old data still reads: an older InferenceRequest (before client_id, attributes and
 * Tensor.string_data) shipped as a test-only history index, loaded through the same loader and
 * SchemaStore path as {@link AvroCodec#standard()}.
 */
class SchemaEvolutionTest {

    private static final String TEST_HISTORY = "io/warden/schemas/testhistory";
    private static final ClassLoader LOADER = SchemaEvolutionTest.class.getClassLoader();

    private final Schema v1 = oldSchema();

    @Test
    void shouldReadDataOfAnOlderWriterIntoTheCurrentClassWithDefaults() throws CodecException {
        AvroCodec codec = AvroCodec.withHistory(LOADER, TEST_HISTORY);
        byte[] oldBytes = GenericAvro.encode(oldRequest(), v1);

        InferenceRequest request = codec.decode(oldBytes, InferenceRequest.class);

        assertThat(request.getRequestId()).isEqualTo("old-1");
        assertThat(request.getEventTime()).isEqualTo(Instant.parse("2023-11-02T08:15:00.001Z"));
        assertThat(request.getModelName()).isEqualTo("iris");
        assertThat(request.getModelVersion()).isEqualTo("1");
        assertThat(request.getClientId()).isNull();
        assertThat(request.getAttributes()).isEmpty();
        assertThat(request.getInputs())
                .containsExactly(
                        Tensor.newBuilder()
                                .setName("input-0")
                                .setDatatype(TensorDatatype.FP32)
                                .setShape(List.of(1L, 2L))
                                .setData(List.of(5.1, 3.5))
                                .build());
        assertThat(codec.decodeAny(oldBytes)).isEqualTo(request);
    }

    @Test
    void shouldReadOldDataThroughTheInboundDecoder() throws CodecException {
        InboundDecoder decoder =
                new InboundDecoder(
                        AvroCodec.withHistory(LOADER, TEST_HISTORY),
                        JsonCodec.standard(),
                        OpenInferenceProtocolCodec.standard());

        InferenceRequest request =
                decoder.decodeRequest(
                        GenericAvro.encode(oldRequest(), v1), InboundContext.of(InputFormat.AUTO));

        assertThat(request.getRequestId()).isEqualTo("old-1");
    }

    @Test
    void shouldNotReadOldDataWithoutItsSchemaInTheHistory() {
        byte[] oldBytes = GenericAvro.encode(oldRequest(), v1);

        assertThatThrownBy(() -> AvroCodec.currentOnly().decode(oldBytes, InferenceRequest.class))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith(
                        "unknown Avro writer schema fingerprint "
                                + Messages.fingerprint(GenericAvro.fingerprint(v1)));
    }

    @Test
    void shouldReadCurrentDataWithAReaderHoldingOnlyTheOldSchema() throws IOException {
        // An older warden that was given the new writer schema (e.g. by registration) resolves
        // today's records into its own, older shape: new fields are skipped.
        InferenceRequest current = SampleRecords.request();
        byte[] bytes = AvroCodec.standard().encode(current);

        GenericRecord old = GenericAvro.decode(bytes, v1, InferenceRequest.getClassSchema());

        assertThat(old.getSchema()).isEqualTo(v1);
        assertThat(old.get("request_id").toString()).isEqualTo("req-42");
        assertThat(old.get("event_time")).isEqualTo(current.getEventTime().toEpochMilli());
        assertThat(old.get("model_version").toString()).isEqualTo("3");
        assertThat(old.hasField("client_id")).isFalse();
        @SuppressWarnings("unchecked")
        List<GenericRecord> inputs = (List<GenericRecord>) old.get("inputs");
        assertThat(inputs).hasSize(2);
        assertThat(inputs.get(0).get("name").toString()).isEqualTo("input-0");
        assertThat(inputs.get(0).get("data")).isEqualTo(current.getInputs().get(0).getData());
        assertThat(inputs.get(1).hasField("string_data")).isFalse();
    }

    @Test
    void shouldLoadEverySchemaListedInTheHistoryIndex() {
        AvroCodec codec = AvroCodec.withHistory(LOADER, TEST_HISTORY);

        assertThat(codec.knownWriterSchemas()).contains(v1);
        assertThat(codec.knownWriterSchemas())
                .hasSize(WardenSchemas.CONTRACTS.size() + 1)
                .containsAll(AvroCodec.currentOnly().knownWriterSchemas());
    }

    @Test
    void shouldShipAMainHistoryIndexThatTheStandardCodecLoads() {
        assertThat(LOADER.getResource(WardenSchemas.HISTORY_RESOURCE_ROOT + "/index.txt"))
                .isNotNull();
        assertThat(LOADER.getResource(WardenSchemas.HISTORY_RESOURCE_ROOT + "/README.md"))
                .isNotNull();
        List<Schema> shipped = SchemaHistory.load(LOADER, WardenSchemas.HISTORY_RESOURCE_ROOT);

        assertThat(AvroCodec.standard().knownWriterSchemas())
                .containsAll(shipped)
                .containsAll(AvroCodec.currentOnly().knownWriterSchemas());
    }

    @Test
    void shouldLoadTheStandardHistoryFromInsideAJar(@TempDir Path dir) throws Exception {
        // A jar holding a history at the standard root, as a later release will ship it;
        // withHistory(loader, HISTORY_RESOURCE_ROOT) is exactly what standard() runs.
        Path jar = dir.resolve("warden-schemas-next.jar");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream jarOut = new JarOutputStream(out)) {
            for (String name : List.of("index.txt", "InferenceRequest.v1.avsc")) {
                jarOut.putNextEntry(new JarEntry(WardenSchemas.HISTORY_RESOURCE_ROOT + "/" + name));
                try (InputStream in = LOADER.getResourceAsStream(TEST_HISTORY + "/" + name)) {
                    jarOut.write(in.readAllBytes());
                }
                jarOut.closeEntry();
            }
        }

        try (URLClassLoader jarLoader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            AvroCodec codec = AvroCodec.withHistory(jarLoader, WardenSchemas.HISTORY_RESOURCE_ROOT);

            assertThat(codec.knownWriterSchemas()).contains(v1);
            assertThat(
                            codec.decode(
                                            GenericAvro.encode(oldRequest(), v1),
                                            InferenceRequest.class)
                                    .getRequestId())
                    .isEqualTo("old-1");
        }
    }

    @Test
    void shouldFailLoudlyWhenTheIndexListsAMissingFile() {
        assertThatThrownBy(() -> AvroCodec.withHistory(LOADER, "io/warden/schemas/brokenhistory"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "schema history index io/warden/schemas/brokenhistory/index.txt lists"
                                + " Alert.v1.avsc, which is not on the classpath at"
                                + " io/warden/schemas/brokenhistory/Alert.v1.avsc");
    }

    @Test
    void shouldFailLoudlyWhenAHistoricSchemaCannotBeReadToday() {
        assertThatThrownBy(
                        () ->
                                AvroCodec.withHistory(
                                        LOADER, "io/warden/schemas/incompatiblehistory"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "historic schema in io/warden/schemas/incompatiblehistory: the current"
                                + " io.warden.schemas.InferenceRequest cannot read data written"
                                + " with this version: inputs: reader type: ARRAY not compatible"
                                + " with writer type: STRING");
    }

    @Test
    void shouldFailLoudlyWhenThereIsNoIndex() {
        assertThatThrownBy(() -> AvroCodec.withHistory(LOADER, "io/warden/schemas/nowhere"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "no schema history index on the classpath at"
                                + " io/warden/schemas/nowhere/index.txt");
    }

    private static Schema oldSchema() {
        try (InputStream in =
                LOADER.getResourceAsStream(TEST_HISTORY + "/InferenceRequest.v1.avsc")) {
            return new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private GenericRecord oldRequest() {
        Schema tensorSchema = v1.getField("inputs").schema().getElementType();
        GenericRecord tensor =
                new GenericRecordBuilder(tensorSchema)
                        .set("name", "input-0")
                        .set(
                                "datatype",
                                new GenericData.EnumSymbol(
                                        tensorSchema.getField("datatype").schema(), "FP32"))
                        .set("shape", List.of(1L, 2L))
                        .set("data", List.of(5.1, 3.5))
                        .build();
        return new GenericRecordBuilder(v1)
                .set("request_id", "old-1")
                .set("event_time", Instant.parse("2023-11-02T08:15:00.001Z").toEpochMilli())
                .set("model_name", "iris")
                .set("model_version", "1")
                .set("inputs", List.of(tensor))
                .build();
    }
}
