package io.warden.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.schemas.Alert;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroCodecTest {

    private final AvroCodec codec = AvroCodec.standard();

    static Stream<SpecificRecord> everyContract() {
        return Stream.concat(SampleRecords.full().stream(), SampleRecords.sparse().stream());
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("everyContract")
    void shouldRoundTripEveryContract(SpecificRecord record) throws CodecException {
        byte[] bytes = codec.encode(record);

        assertThat(codec.decode(bytes, record.getClass())).isEqualTo(record);
        assertThat(codec.decodeAny(bytes)).isEqualTo(record).isInstanceOf(record.getClass());
    }

    @Test
    void shouldWriteHeaderAndLittleEndianFingerprint() {
        byte[] bytes = codec.encode(SampleRecords.request());

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = 0;
        for (int i = 9; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xFF);
        }
        assertThat(fingerprint)
                .isEqualTo(
                        SchemaNormalization.parsingFingerprint64(
                                InferenceRequest.getClassSchema()));
        assertThat(AvroCodec.isSingleObject(bytes)).isTrue();
    }

    @Test
    void shouldProduceBytesThatTheGeneratedClassDecoderReads() throws IOException {
        InferenceRequest request = SampleRecords.request();

        assertThat(InferenceRequest.getDecoder().decode(codec.encode(request))).isEqualTo(request);
    }

    @Test
    void shouldRecogniseSingleObjectBytes() {
        assertThat(AvroCodec.isSingleObject(null)).isFalse();
        assertThat(AvroCodec.isSingleObject(new byte[0])).isFalse();
        assertThat(AvroCodec.isSingleObject(new byte[] {(byte) 0xC3, 0x01, 0, 0})).isFalse();
        assertThat(AvroCodec.isSingleObject("{\"request_id\":1}".getBytes())).isFalse();
        assertThat(AvroCodec.isSingleObject(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8}))
                .isTrue();
    }

    @Test
    void shouldKnowEveryContractSchema() {
        List<Schema> known = codec.knownWriterSchemas();

        for (Class<? extends SpecificRecord> type : WardenSchemas.CONTRACTS) {
            assertThat(known).contains(WardenSchemas.schemaOf(type));
        }
    }

    @Test
    void shouldListEveryTopLevelAvscAsContract() throws IOException {
        // Every .avsc directly in src/main/avro is a topic contract; common/ holds shared types.
        List<String> files = new ArrayList<>();
        try (Stream<Path> paths = Files.list(Path.of("src/main/avro"))) {
            paths.filter(p -> p.toString().endsWith(".avsc"))
                    .forEach(p -> files.add(p.getFileName().toString().replace(".avsc", "")));
        }
        List<String> contracts =
                WardenSchemas.CONTRACTS.stream().map(Class::getSimpleName).toList();

        assertThat(contracts).containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    void shouldEncodeAndDecodeSharedTypesToo() throws CodecException {
        Tensor tensor = SampleRecords.features();

        assertThat(codec.decode(codec.encode(tensor), Tensor.class)).isEqualTo(tensor);
    }

    @Test
    void shouldRejectRecordOfWrongType() {
        byte[] alert = codec.encode(SampleRecords.alert());

        assertThatThrownBy(() -> codec.decode(alert, InferenceRequest.class))
                .isInstanceOf(CodecException.class)
                .hasMessage(
                        "expected Avro io.warden.schemas.InferenceRequest but the bytes hold"
                                + " io.warden.schemas.Alert");
    }

    @Test
    void shouldRefuseToEncodeIncompleteRecord() {
        InferenceRequest incomplete = new InferenceRequest();

        assertThatThrownBy(() -> codec.encode(incomplete))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot encode io.warden.schemas.InferenceRequest");
    }

    @Test
    void shouldRegisterNewerWriterSchemaWithExtraField() throws Exception {
        // A newer warden added a field with a default: today's class reads its data, ignoring it.
        Schema current = Alert.getClassSchema();
        Schema newer = GenericAvro.withExtraField(current, "confidence");
        AvroCodec fresh = AvroCodec.currentOnly();
        byte[] newerBytes = GenericAvro.rewrite(SampleRecords.alert(), newer);

        assertThatThrownBy(() -> fresh.decode(newerBytes, Alert.class))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("unknown Avro writer schema fingerprint");

        fresh.registerWriterSchema(newer);

        assertThat(fresh.decode(newerBytes, Alert.class)).isEqualTo(SampleRecords.alert());
        assertThat(fresh.decodeAny(newerBytes)).isEqualTo(SampleRecords.alert());
    }

    @Test
    void shouldRejectRegisteringAnIncompatibleVersionOfAContract() {
        Schema incompatible =
                SchemaBuilder.record("InferenceRequest")
                        .namespace("io.warden.schemas")
                        .fields()
                        .requiredString("request_id")
                        .requiredInt("priority")
                        .endRecord();

        assertThatThrownBy(() -> AvroCodec.currentOnly().registerWriterSchema(incompatible))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read data written with this version")
                .hasMessageContaining("event_time");
    }

    @Test
    void shouldRejectBytesOfARecordThatIsNoContract() {
        Schema foreign =
                SchemaBuilder.record("Foreign")
                        .namespace("org.example")
                        .fields()
                        .requiredString("x")
                        .endRecord();
        AvroCodec fresh = AvroCodec.currentOnly();
        fresh.registerWriterSchema(foreign);
        GenericRecord record = new GenericRecordBuilder(foreign).set("x", "y").build();
        byte[] bytes = GenericAvro.encode(record, foreign);

        assertThatThrownBy(() -> fresh.decodeAny(bytes))
                .isInstanceOf(CodecException.class)
                .hasMessage(
                        "the bytes hold org.example.Foreign, which is not a warden contract"
                                + " record");
    }

    @Test
    void shouldBeUsableFromManyThreadsAtOnce() throws Exception {
        List<SpecificRecord> records = SampleRecords.full();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(
                        pool.submit(
                                () -> {
                                    int ok = 0;
                                    for (int i = 0; i < 500; i++) {
                                        SpecificRecord r = records.get(i % records.size());
                                        if (codec.decodeAny(codec.encode(r)).equals(r)) {
                                            ok++;
                                        }
                                    }
                                    return ok;
                                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(500);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
