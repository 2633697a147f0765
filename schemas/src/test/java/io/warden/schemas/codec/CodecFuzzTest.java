package io.warden.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing: valid Avro, warden JSON and OIP encodings of every contract, truncated and with
 * bytes flipped, inserted, deleted or replaced. Every decode either returns a record that
 * re-encodes (and decodes back to the same content) or throws {@link CodecException}: never any
 * other exception.
 */
class CodecFuzzTest {

    private static final int INPUTS = 20_000;
    private static final long SEED = 20240501L;
    private static final InboundContext CTX =
            new InboundContext(InputFormat.AUTO, "fuzz-model", "1", 1_714_564_800_000L);
    private static final byte[] JSON_TOKENS =
            "{}[],:\"0123456789.-eE truefalsnNaInfity\\".getBytes(StandardCharsets.US_ASCII);

    private final AvroCodec avro = AvroCodec.standard();
    private final JsonCodec json = JsonCodec.standard();
    private final OpenInferenceProtocolCodec oip = OpenInferenceProtocolCodec.standard();
    private final InboundDecoder decoder = InboundDecoder.standard();

    private int decoded;
    private int rejected;

    @Test
    void shouldDecodeCompleteRecordsOrThrowCodecExceptionOnMutatedInput() {
        List<Seed> seeds = seeds();
        Random random = new Random(SEED);

        for (int i = 0; i < INPUTS; i++) {
            Seed seed = seeds.get(random.nextInt(seeds.size()));
            byte[] input = mutate(seed.bytes, seed.json, random);
            try {
                decodeEveryWay(input, seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        "input #" + i + " (" + HexFormat.of().formatHex(input) + ") broke: " + e,
                        e);
            }
        }

        // Both outcomes occur often, so the loop really explores both paths.
        assertThat(decoded).isGreaterThan(INPUTS / 20);
        assertThat(rejected).isGreaterThan(INPUTS / 2);
    }

    /** The decoders the seed's format is meant for, and the inbound entry point for its type. */
    private void decodeEveryWay(byte[] input, Seed seed) {
        Class<? extends SpecificRecord> type = seed.type;
        if (seed.json) {
            attempt(() -> json.decode(input, type));
        } else {
            attempt(() -> avro.decodeAny(input));
            attempt(() -> avro.decode(input, type));
        }
        attempt(() -> inbound(input, type));
    }

    private SpecificRecord inbound(byte[] input, Class<? extends SpecificRecord> type)
            throws CodecException {
        if (type == InferenceRequest.class) {
            return decoder.decodeRequest(input, CTX);
        } else if (type == InferenceResponse.class) {
            return decoder.decodeResponse(input, CTX);
        } else if (type == InferenceEvent.class) {
            return decoder.decodeEvent(input, CTX);
        } else {
            // Feedback, and the output contracts, which the inbound decoder must reject cleanly.
            return decoder.decodeFeedback(input, CTX);
        }
    }

    private void attempt(Decode decode) {
        SpecificRecord record;
        try {
            record = decode.run();
        } catch (CodecException e) {
            assertThat(e.getMessage()).isNotBlank();
            rejected++;
            return;
        }
        decoded++;
        assertReencodes(record);
    }

    /** Complete means: both encoders take it, and what they write decodes to the same content. */
    private void assertReencodes(SpecificRecord record) {
        JsonNode content = json.toJsonNode(record);
        try {
            assertThat(json.toJsonNode(avro.decode(avro.encode(record), record.getClass())))
                    .isEqualTo(content);
            assertThat(json.toJsonNode(json.decode(json.encode(record), record.getClass())))
                    .isEqualTo(content);
        } catch (CodecException e) {
            throw new AssertionError("a decoded record did not survive re-encoding: " + e, e);
        }
    }

    private List<Seed> seeds() {
        List<Seed> seeds = new ArrayList<>();
        List<SpecificRecord> records = new ArrayList<>(SampleRecords.full());
        records.addAll(SampleRecords.sparse());
        for (SpecificRecord r : records) {
            seeds.add(new Seed(avro.encode(r), false, r.getClass()));
            seeds.add(new Seed(json.encode(r), true, r.getClass()));
        }
        seeds.add(
                new Seed(oip.encodeRequest(SampleRecords.request()), true, InferenceRequest.class));
        seeds.add(
                new Seed(
                        oip.encodeResponse(SampleRecords.response()),
                        true,
                        InferenceResponse.class));
        seeds.add(
                new Seed(
                        OpenInferenceProtocolCodecTest.SPEC_REQUEST.getBytes(
                                StandardCharsets.UTF_8),
                        true,
                        InferenceRequest.class));
        return seeds;
    }

    /** One to three random edits of a valid encoding. */
    static byte[] mutate(byte[] original, boolean json, Random random) {
        byte[] b = original.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(7)) {
                case 0: // truncate
                    b = Arrays.copyOf(b, at);
                    break;
                case 1: // flip a bit
                    b[at] ^= (byte) (1 << random.nextInt(8));
                    break;
                case 2: // replace with a random byte, or a JSON token for JSON
                    b[at] =
                            json && random.nextBoolean()
                                    ? JSON_TOKENS[random.nextInt(JSON_TOKENS.length)]
                                    : (byte) random.nextInt(256);
                    break;
                case 3: // insert
                    b = insert(b, at, (byte) random.nextInt(256));
                    break;
                case 4: // delete
                    b = delete(b, at);
                    break;
                case 5: // append garbage
                    b = Arrays.copyOf(b, b.length + 1 + random.nextInt(4));
                    break;
                default: // duplicate a slice
                    int length = Math.min(b.length - at, 1 + random.nextInt(16));
                    byte[] slice = Arrays.copyOfRange(b, at, at + length);
                    byte[] longer = new byte[b.length + length];
                    System.arraycopy(b, 0, longer, 0, at + length);
                    System.arraycopy(slice, 0, longer, at + length, length);
                    System.arraycopy(
                            b, at + length, longer, at + 2 * length, b.length - at - length);
                    b = longer;
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte value) {
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, at);
        out[at] = value;
        System.arraycopy(b, at, out, at + 1, b.length - at);
        return out;
    }

    private static byte[] delete(byte[] b, int at) {
        byte[] out = new byte[b.length - 1];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + 1, out, at, b.length - at - 1);
        return out;
    }

    private record Seed(byte[] bytes, boolean json, Class<? extends SpecificRecord> type) {}

    @FunctionalInterface
    private interface Decode {
        SpecificRecord run() throws CodecException;
    }
}
