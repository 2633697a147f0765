package io.warden.schemas.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * The single entry point for the values of warden's input topics: Avro single-object encoding,
 * warden's plain JSON, or Open Inference Protocol v2 JSON, as the topic's {@link InputFormat} says
 * (or, for {@link InputFormat#AUTO}, as the bytes say).
 *
 * <p>With {@code AUTO}: bytes starting with {@code C3 01} are Avro; anything else is parsed as JSON
 * once, then read as warden JSON when the object has {@code request_id} ({@code feedback_id} for
 * feedback), as OIP when it has OIP's {@code id}, {@code inputs} or {@code outputs} (requests and
 * responses only), and rejected otherwise.
 *
 * <p>For JSON payloads (warden's and OIP) a missing model name, model version or event time is
 * taken from the {@link InboundContext} (configured defaults; the Kafka record timestamp); Avro
 * payloads are taken as they are. Decoding checks structure only: whether tensors make sense for
 * the model (shape against data length, NaN, ...) is the validation stage's business.
 *
 * <p>Thread-safe and not {@link java.io.Serializable}: a Flink deserializer gets it in {@code
 * open()} with {@link #standard()}, which costs nothing (the codecs are shared, their schemas
 * parsed once), and keeps only its {@link InboundContext} (which is serializable) as a field.
 *
 * <pre>{@code
 * InboundDecoder decoder = InboundDecoder.standard();
 * InboundContext base = new InboundContext(InputFormat.AUTO, "fraud", null, InboundContext.NO_TIMESTAMP);
 * InferenceRequest request =
 *     decoder.decodeRequest(record.value(), base.withFallbackEventTime(record.timestamp()));
 * }</pre>
 */
public final class InboundDecoder {

    private static final InboundDecoder STANDARD =
            new InboundDecoder(
                    AvroCodec.standard(),
                    JsonCodec.standard(),
                    OpenInferenceProtocolCodec.standard());

    private final AvroCodec avro;
    private final JsonCodec json;
    private final OpenInferenceProtocolCodec oip;

    /** A decoder over the given codecs (e.g. an {@link AvroCodec} with registered schemas). */
    public InboundDecoder(AvroCodec avro, JsonCodec json, OpenInferenceProtocolCodec oip) {
        this.avro = Objects.requireNonNull(avro, "avro");
        this.json = Objects.requireNonNull(json, "json");
        this.oip = Objects.requireNonNull(oip, "oip");
    }

    /** The shared decoder over the standard codecs. */
    public static InboundDecoder standard() {
        return STANDARD;
    }

    /** Decodes a value of the requests topic. */
    public InferenceRequest decodeRequest(byte[] value, InboundContext ctx) throws CodecException {
        return decode(value, ctx, Kind.REQUEST, InferenceRequest.class);
    }

    /** Decodes a value of the responses topic. */
    public InferenceResponse decodeResponse(byte[] value, InboundContext ctx)
            throws CodecException {
        return decode(value, ctx, Kind.RESPONSE, InferenceResponse.class);
    }

    /** Decodes a value of the combined events topic (Avro or warden JSON). */
    public InferenceEvent decodeEvent(byte[] value, InboundContext ctx) throws CodecException {
        return decode(value, ctx, Kind.EVENT, InferenceEvent.class);
    }

    /** Decodes a value of the feedback topic (Avro or warden JSON). */
    public FeedbackRecord decodeFeedback(byte[] value, InboundContext ctx) throws CodecException {
        return decode(value, ctx, Kind.FEEDBACK, FeedbackRecord.class);
    }

    private <T extends SpecificRecord> T decode(
            byte[] value, InboundContext ctx, Kind kind, Class<T> type) throws CodecException {
        Objects.requireNonNull(ctx, "ctx");
        if (value == null) {
            throw new CodecException("no value (a null Kafka record value, e.g. a tombstone)");
        }
        if (value.length == 0) {
            throw new CodecException("empty value (0 bytes)");
        }
        switch (ctx.format()) {
            case AVRO:
                return avro.decode(value, type);
            case JSON:
                return fromWardenJson(JsonSupport.parse(value), ctx, type);
            case OIP:
                if (!kind.oipAllowed) {
                    throw new CodecException(
                            "the OIP input format carries requests and responses only, not "
                                    + kind.description
                                    + "; configure AVRO, JSON or AUTO for this topic");
                }
                return fromOip(JsonSupport.parse(value), ctx, kind, type);
            case AUTO:
            default:
                return auto(value, ctx, kind, type);
        }
    }

    private <T extends SpecificRecord> T auto(
            byte[] value, InboundContext ctx, Kind kind, Class<T> type) throws CodecException {
        if (value.length >= 2 && value[0] == (byte) 0xC3 && value[1] == (byte) 0x01) {
            return avro.decode(value, type);
        }
        JsonNode node;
        try {
            node = JsonSupport.parse(value);
        } catch (CodecException e) {
            throw new CodecException(
                    "neither Avro single-object encoding (no C3 01 header) nor JSON: "
                            + e.getMessage(),
                    e);
        }
        if (!node.isObject()) {
            throw new CodecException(
                    "neither warden JSON nor Open Inference Protocol v2: expected a JSON object,"
                            + " got "
                            + JsonSupport.typeName(node)
                            + ": "
                            + JsonSupport.show(node));
        }
        if (node.has(kind.idField)) {
            return fromWardenJson(node, ctx, type);
        }
        if (kind.oipAllowed && (node.has("id") || node.has(kind.oipTensors))) {
            return fromOip(node, ctx, kind, type);
        }
        throw new CodecException(
                "neither warden JSON nor Open Inference Protocol v2: expected an object with \""
                        + kind.idField
                        + "\" (warden JSON)"
                        + (kind.oipAllowed
                                ? " or with \"id\" and \"" + kind.oipTensors + "\" (OIP v2)"
                                : "")
                        + ", got an object with fields "
                        + fieldNames(node));
    }

    private <T extends SpecificRecord> T fromWardenJson(
            JsonNode node, InboundContext ctx, Class<T> type) throws CodecException {
        if (node.isObject()) {
            fillDefaults((ObjectNode) node, ctx);
        }
        return json.fromJsonNode(node, type);
    }

    private <T extends SpecificRecord> T fromOip(
            JsonNode node, InboundContext ctx, Kind kind, Class<T> type) throws CodecException {
        return type.cast(
                kind == Kind.REQUEST
                        ? oip.decodeRequest(node, ctx)
                        : oip.decodeResponse(node, ctx));
    }

    /** Fills a missing model name, model version or event time from the context. */
    private static void fillDefaults(ObjectNode node, InboundContext ctx) {
        if (ctx.defaultModelName() != null && isAbsent(node.get("model_name"))) {
            node.set("model_name", TextNode.valueOf(ctx.defaultModelName()));
        }
        if (ctx.defaultModelVersion() != null && node.get("model_version") == null) {
            node.set("model_version", TextNode.valueOf(ctx.defaultModelVersion()));
        }
        if (ctx.hasFallbackEventTime() && isAbsent(node.get("event_time"))) {
            node.set("event_time", LongNode.valueOf(ctx.fallbackEventTimeMillis()));
        }
    }

    private static boolean isAbsent(JsonNode value) {
        return value == null || value.isNull();
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        while (it.hasNext() && names.size() < 10) {
            names.add(Messages.abbreviate(it.next(), 30));
        }
        if (it.hasNext()) {
            names.add("...");
        }
        return names.toString();
    }

    private enum Kind {
        REQUEST("an inference request", "request_id", true, "inputs"),
        RESPONSE("an inference response", "request_id", true, "outputs"),
        EVENT("an inference event", "request_id", false, null),
        FEEDBACK("a feedback record", "feedback_id", false, null);

        final String description;
        final String idField;
        final boolean oipAllowed;
        final String oipTensors;

        Kind(String description, String idField, boolean oipAllowed, String oipTensors) {
            this.description = description;
            this.idField = idField;
            this.oipAllowed = oipAllowed;
            this.oipTensors = oipTensors;
        }
    }
}
