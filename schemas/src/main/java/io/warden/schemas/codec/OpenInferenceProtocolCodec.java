package io.warden.schemas.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.Tensor;
import io.warden.schemas.TensorDatatype;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Open Inference Protocol v2 (KServe V2) JSON shapes, as Triton, KServe and Seldon MLServer log
 * them, mapped to warden's {@link InferenceRequest} and {@link InferenceResponse}.
 *
 * <p>Request: {@code {"id", "parameters"?, "inputs": [{"name", "shape", "datatype", "parameters"?,
 * "data"}], "outputs"?}}. Response: {@code {"model_name", "model_version"?, "id", "parameters"?,
 * "outputs": [...]}}.
 *
 * <ul>
 *   <li>{@code request_id} is OIP's {@code id}: required here, since without it a request cannot be
 *       joined with its response.
 *   <li>Model name and version: top-level {@code model_name}/{@code model_version}, else {@code
 *       parameters.model_name}/{@code model_version}, else the context's defaults; a missing model
 *       name is an error, a missing version stays null.
 *   <li>Event time: {@code parameters.event_time}, else {@code parameters.timestamp} (ISO-8601 or
 *       epoch milliseconds), else the context's fallback (the Kafka timestamp), else an error.
 *   <li>{@code parameters.client_id} is the client id; for responses {@code parameters.latency_ms}
 *       is the latency. Every other scalar parameter becomes an attribute (stringified); object or
 *       array parameters, which OIP does not define, are ignored, as are tensor-level parameters
 *       and a request's requested {@code outputs}.
 *   <li>{@code data} may be flat or nested (row-major). Nested data must be rectangular and hold
 *       exactly as many values as the shape says; flat data is taken as is (its count against the
 *       shape is checked by warden's validation stage, like any other tensor). BOOL values become
 *       1/0, numeric values {@code Tensor.data} (the strings "NaN", "Infinity", "-Infinity"
 *       included), BYTES values {@code Tensor.string_data}. Binary tensor data (the Triton binary
 *       extension) is not supported.
 * </ul>
 *
 * <p>Encoding writes valid OIP v2 JSON with warden's extra fields in {@code parameters}, so {@code
 * decode(encode(x))} equals {@code x} (attributes named like one of the reserved parameters above
 * are overwritten by the field of that name). Thread-safe; share one instance.
 */
public final class OpenInferenceProtocolCodec {

    /** Parameter (or top-level field) holding the model name. */
    public static final String MODEL_NAME = "model_name";

    /** Parameter (or top-level field) holding the model version. */
    public static final String MODEL_VERSION = "model_version";

    /** Parameter holding the event time. */
    public static final String EVENT_TIME = "event_time";

    /** Parameter read as event time when {@link #EVENT_TIME} is absent. */
    public static final String TIMESTAMP = "timestamp";

    /** Parameter holding the client id. */
    public static final String CLIENT_ID = "client_id";

    /** Response parameter holding the serving latency in milliseconds. */
    public static final String LATENCY_MS = "latency_ms";

    private static final OpenInferenceProtocolCodec STANDARD = new OpenInferenceProtocolCodec();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> REQUEST_RESERVED =
            Set.of(MODEL_NAME, MODEL_VERSION, EVENT_TIME, CLIENT_ID);
    private static final Set<String> RESPONSE_RESERVED =
            Set.of(MODEL_NAME, MODEL_VERSION, EVENT_TIME, LATENCY_MS);
    private static final Map<String, TensorDatatype> DATATYPES = datatypes();
    private static final String DATATYPE_LIST = String.join(", ", datatypeNames());

    /** The shared instance. */
    public static OpenInferenceProtocolCodec standard() {
        return STANDARD;
    }

    /** Prefer {@link #standard()}; instances hold no state. */
    public OpenInferenceProtocolCodec() {}

    // ---------------------------------------------------------------- decoding

    /** Decodes an OIP v2 inference request from UTF-8 JSON. */
    public InferenceRequest decodeRequest(byte[] json, InboundContext ctx) throws CodecException {
        return decodeRequest(JsonSupport.parse(json), ctx);
    }

    /**
     * Decodes an OIP v2 inference request from a parsed JSON tree.
     *
     * @throws CodecException naming the field path, when the tree is not a complete OIP request
     */
    public InferenceRequest decodeRequest(JsonNode json, InboundContext ctx) throws CodecException {
        Objects.requireNonNull(ctx, "ctx");
        JsonNode root = requireObject(json, "an Open Inference Protocol v2 inference request");
        try {
            JsonNode params = parameters(root);
            Map<String, String> attributes = attributes(params, REQUEST_RESERVED);
            return InferenceRequest.newBuilder()
                    .setRequestId(requestId(root))
                    .setEventTime(eventTime(params, ctx))
                    .setModelName(modelName(root, params, ctx))
                    .setModelVersion(modelVersion(root, params, ctx))
                    .setClientId(optionalText(params, CLIENT_ID))
                    .setAttributes(attributes)
                    .setInputs(tensors(root, "inputs"))
                    .build();
        } catch (PathError e) {
            throw e.toCodecException();
        } catch (RuntimeException e) {
            throw new CodecException("cannot build InferenceRequest from OIP JSON: " + e, e);
        }
    }

    /** Decodes an OIP v2 inference response from UTF-8 JSON. */
    public InferenceResponse decodeResponse(byte[] json, InboundContext ctx) throws CodecException {
        return decodeResponse(JsonSupport.parse(json), ctx);
    }

    /**
     * Decodes an OIP v2 inference response from a parsed JSON tree.
     *
     * @throws CodecException naming the field path, when the tree is not a complete OIP response
     */
    public InferenceResponse decodeResponse(JsonNode json, InboundContext ctx)
            throws CodecException {
        Objects.requireNonNull(ctx, "ctx");
        JsonNode root = requireObject(json, "an Open Inference Protocol v2 inference response");
        try {
            JsonNode params = parameters(root);
            Map<String, String> attributes = attributes(params, RESPONSE_RESERVED);
            return InferenceResponse.newBuilder()
                    .setRequestId(requestId(root))
                    .setEventTime(eventTime(params, ctx))
                    .setModelName(modelName(root, params, ctx))
                    .setModelVersion(modelVersion(root, params, ctx))
                    .setOutputs(tensors(root, "outputs"))
                    .setLatencyMs(latency(params))
                    .setAttributes(attributes)
                    .build();
        } catch (PathError e) {
            throw e.toCodecException();
        } catch (RuntimeException e) {
            throw new CodecException("cannot build InferenceResponse from OIP JSON: " + e, e);
        }
    }

    private static JsonNode requireObject(JsonNode json, String what) throws CodecException {
        if (json == null || !json.isObject()) {
            throw new CodecException(
                    "expected a JSON object ("
                            + what
                            + "), got "
                            + JsonSupport.typeName(json)
                            + (json == null ? "" : ": " + JsonSupport.show(json)));
        }
        return json;
    }

    private static JsonNode parameters(JsonNode root) {
        JsonNode params = root.get("parameters");
        if (params == null || params.isNull()) {
            return null;
        }
        if (!params.isObject()) {
            throw new PathError("expected an object, got " + JsonSupport.show(params))
                    .field("parameters");
        }
        return params;
    }

    private static String requestId(JsonNode root) {
        JsonNode id = root.get("id");
        if (id == null || id.isNull()) {
            throw new PathError(
                            "required field is missing: without the OIP request id warden cannot"
                                    + " join a request with its response")
                    .field("id");
        }
        if (id.isTextual() && !id.textValue().isEmpty()) {
            return id.textValue();
        }
        if (id.isIntegralNumber()) {
            return id.asText();
        }
        throw new PathError("expected a non-empty string, got " + JsonSupport.show(id)).field("id");
    }

    private static String modelName(JsonNode root, JsonNode params, InboundContext ctx) {
        String name = topOrParam(root, params, MODEL_NAME);
        if (name == null) {
            name = ctx.defaultModelName();
        }
        if (name == null) {
            throw new PathError(
                            "required field is missing (neither model_name nor"
                                    + " parameters.model_name is given, and no default model"
                                    + " name is configured)")
                    .field(MODEL_NAME);
        }
        return name;
    }

    private static String modelVersion(JsonNode root, JsonNode params, InboundContext ctx) {
        String version = topOrParam(root, params, MODEL_VERSION);
        return version != null ? version : ctx.defaultModelVersion();
    }

    private static String topOrParam(JsonNode root, JsonNode params, String name) {
        String top = scalarText(root.get(name), name, null);
        return top != null ? top : optionalText(params, name);
    }

    private static String optionalText(JsonNode params, String name) {
        return params == null ? null : scalarText(params.get(name), name, "parameters");
    }

    /** A string or number as text; null when absent or JSON null. */
    private static String scalarText(JsonNode node, String name, String parent) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.asText();
        }
        PathError e = new PathError("expected a string, got " + JsonSupport.show(node)).field(name);
        throw parent == null ? e : e.field(parent);
    }

    private static Instant eventTime(JsonNode params, InboundContext ctx) {
        if (params != null) {
            for (String key : List.of(EVENT_TIME, TIMESTAMP)) {
                JsonNode t = params.get(key);
                if (t != null && !t.isNull()) {
                    try {
                        return JsonSupport.toInstant(t);
                    } catch (PathError e) {
                        throw e.field(key).field("parameters");
                    }
                }
            }
        }
        if (ctx.hasFallbackEventTime()) {
            return Instant.ofEpochMilli(ctx.fallbackEventTimeMillis());
        }
        throw new PathError(
                        "required field is missing (neither parameters.event_time nor"
                                + " parameters.timestamp is given, and there is no fallback event"
                                + " time such as a Kafka record timestamp)")
                .field(EVENT_TIME);
    }

    private static Double latency(JsonNode params) {
        JsonNode latency = params == null ? null : params.get(LATENCY_MS);
        if (latency == null || latency.isNull()) {
            return null;
        }
        try {
            return JsonSupport.toDouble(latency);
        } catch (PathError e) {
            throw e.field(LATENCY_MS).field("parameters");
        }
    }

    private static Map<String, String> attributes(JsonNode params, Set<String> reserved) {
        if (params == null || params.isEmpty()) {
            return new HashMap<>();
        }
        boolean timestampIsEventTime =
                params.hasNonNull(TIMESTAMP) && !params.hasNonNull(EVENT_TIME);
        Map<String, String> attributes = new HashMap<>();
        for (Map.Entry<String, JsonNode> p : params.properties()) {
            String key = p.getKey();
            JsonNode value = p.getValue();
            if (reserved.contains(key)
                    || (timestampIsEventTime && TIMESTAMP.equals(key))
                    || !value.isValueNode()
                    || value.isNull()) {
                continue;
            }
            attributes.put(key, value.isTextual() ? value.textValue() : value.asText());
        }
        return attributes;
    }

    private static List<Tensor> tensors(JsonNode root, String field) {
        JsonNode array = root.get(field);
        if (array == null || array.isNull()) {
            throw new PathError("required field is missing").field(field);
        }
        if (!array.isArray()) {
            throw new PathError(
                            "expected an array of tensor objects, got " + JsonSupport.show(array))
                    .field(field);
        }
        List<Tensor> tensors = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            try {
                tensors.add(tensor(array.get(i)));
            } catch (PathError e) {
                throw e.index(i).field(field);
            }
        }
        return tensors;
    }

    private static Tensor tensor(JsonNode t) {
        if (!t.isObject()) {
            throw new PathError(
                    "expected a tensor object (name, shape, datatype, data), got "
                            + JsonSupport.show(t));
        }
        String name = requiredText(t, "name");
        TensorDatatype datatype = datatype(t);
        List<Long> shape = shape(t);
        JsonNode data = t.get("data");
        if (data == null || data.isNull()) {
            throw new PathError(
                            "required field is missing (tensor data sent with the binary data"
                                    + " extension is not supported)")
                    .field("data");
        }
        if (!data.isArray()) {
            throw new PathError(
                            "expected an array (flat or nested, row-major), got "
                                    + JsonSupport.show(data))
                    .field("data");
        }
        Tensor.Builder builder =
                Tensor.newBuilder().setName(name).setDatatype(datatype).setShape(shape);
        try {
            Flattener flattener = new Flattener(datatype, data);
            flattener.checkAgainst(shape);
            if (datatype == TensorDatatype.BYTES) {
                builder.setData(new ArrayList<>()).setStringData(flattener.strings);
            } else {
                builder.setData(flattener.numbers).setStringData(new ArrayList<>());
            }
        } catch (PathError e) {
            throw e.field("data");
        }
        return builder.build();
    }

    private static String requiredText(JsonNode t, String field) {
        JsonNode v = t.get(field);
        if (v == null || v.isNull()) {
            throw new PathError("required field is missing").field(field);
        }
        if (!v.isTextual()) {
            throw new PathError("expected a string, got " + JsonSupport.show(v)).field(field);
        }
        return v.textValue();
    }

    private static TensorDatatype datatype(JsonNode t) {
        String text = requiredText(t, "datatype");
        TensorDatatype datatype = DATATYPES.get(text);
        if (datatype == null) {
            throw new PathError(
                            "unknown datatype \""
                                    + Messages.abbreviate(text, 40)
                                    + "\"; expected one of "
                                    + DATATYPE_LIST)
                    .field("datatype");
        }
        return datatype;
    }

    private static List<Long> shape(JsonNode t) {
        JsonNode shape = t.get("shape");
        if (shape == null || shape.isNull()) {
            throw new PathError("required field is missing").field("shape");
        }
        if (!shape.isArray()) {
            throw new PathError("expected an array of integers, got " + JsonSupport.show(shape))
                    .field("shape");
        }
        List<Long> dims = new ArrayList<>(shape.size());
        for (int i = 0; i < shape.size(); i++) {
            try {
                dims.add(
                        JsonSupport.toIntegral(
                                shape.get(i), 0, Long.MAX_VALUE, "a non-negative integer"));
            } catch (PathError e) {
                throw e.index(i).field("shape");
            }
        }
        return dims;
    }

    /**
     * Flattens flat or nested (row-major) tensor data, checking nested data is rectangular and
     * converting each element for the datatype.
     */
    private static final class Flattener {
        private final TensorDatatype datatype;
        private final List<Long> nestedDims = new ArrayList<>();
        private final List<Double> numbers;
        private final List<String> strings;
        private long count;

        Flattener(TensorDatatype datatype, JsonNode data) {
            this.datatype = datatype;
            JsonNode probe = data;
            while (probe.isArray()) {
                nestedDims.add((long) probe.size());
                if (probe.isEmpty()) {
                    break;
                }
                probe = probe.get(0);
            }
            boolean bytes = datatype == TensorDatatype.BYTES;
            int capacity = (int) Math.min(leafCountHint(), 1 << 16);
            this.numbers = bytes ? Collections.emptyList() : new ArrayList<>(capacity);
            this.strings = bytes ? new ArrayList<>(capacity) : Collections.emptyList();
            walk(data, 0);
        }

        private long leafCountHint() {
            long n = 1;
            for (long d : nestedDims) {
                n = d == 0 ? 0 : Math.min(n * d, 1L << 20);
            }
            return n;
        }

        private void walk(JsonNode array, int level) {
            long expected = nestedDims.get(level);
            if (array.size() != expected) {
                throw new PathError(
                        "ragged nested data: "
                                + array.size()
                                + " elements where the first row at this depth has "
                                + expected);
            }
            boolean leafLevel = level == nestedDims.size() - 1;
            for (int i = 0; i < array.size(); i++) {
                JsonNode element = array.get(i);
                try {
                    if (leafLevel) {
                        if (element.isArray()) {
                            throw new PathError(
                                    "ragged nested data: an array where the first row at this"
                                            + " depth has a value");
                        }
                        add(element);
                    } else {
                        if (!element.isArray()) {
                            throw new PathError(
                                    "ragged nested data: expected an array like the first row,"
                                            + " got "
                                            + JsonSupport.show(element));
                        }
                        walk(element, level + 1);
                    }
                } catch (PathError e) {
                    throw e.index(i);
                }
            }
        }

        private void add(JsonNode element) {
            count++;
            switch (datatype) {
                case BOOL:
                    if (!element.isBoolean()) {
                        throw new PathError(
                                "expected a boolean (BOOL tensor), got "
                                        + JsonSupport.show(element));
                    }
                    numbers.add(element.booleanValue() ? 1.0 : 0.0);
                    return;
                case BYTES:
                    if (!element.isTextual()) {
                        throw new PathError(
                                "expected a string (BYTES tensor), got "
                                        + JsonSupport.show(element));
                    }
                    strings.add(element.textValue());
                    return;
                default:
                    try {
                        numbers.add(JsonSupport.toDouble(element));
                    } catch (PathError e) {
                        throw new PathError(
                                "expected a number ("
                                        + datatype
                                        + " tensor), got "
                                        + JsonSupport.show(element));
                    }
            }
        }

        /** Nested data must hold exactly the shape's element count; flat data is not checked. */
        void checkAgainst(List<Long> shape) {
            if (nestedDims.size() <= 1) {
                return;
            }
            long expected = 1;
            for (long d : shape) {
                try {
                    expected = Math.multiplyExact(expected, d);
                } catch (ArithmeticException e) {
                    expected = -1;
                    break;
                }
            }
            if (expected != count) {
                throw new PathError(
                        "nested data of dimensions "
                                + nestedDims
                                + " holds "
                                + count
                                + " values, but shape "
                                + shape
                                + " needs "
                                + (expected < 0 ? "more than 2^63" : expected));
            }
        }
    }

    // ---------------------------------------------------------------- encoding

    /** The request as OIP v2 JSON (UTF-8). */
    public byte[] encodeRequest(InferenceRequest request) {
        return bytes(requestToJsonNode(request));
    }

    /** The response as OIP v2 JSON (UTF-8). */
    public byte[] encodeResponse(InferenceResponse response) {
        return bytes(responseToJsonNode(response));
    }

    /**
     * The request as an OIP v2 request object: {@code id}, {@code parameters} (attributes, then
     * {@code model_name}, {@code model_version}, {@code event_time}, {@code client_id}) and {@code
     * inputs}.
     */
    public ObjectNode requestToJsonNode(InferenceRequest request) {
        Objects.requireNonNull(request, "request");
        ObjectNode root = NODES.objectNode();
        root.put("id", request.getRequestId());
        ObjectNode params = root.putObject("parameters");
        putAttributes(params, request.getAttributes());
        params.put(MODEL_NAME, request.getModelName());
        if (request.getModelVersion() != null) {
            params.put(MODEL_VERSION, request.getModelVersion());
        }
        params.set(EVENT_TIME, JsonSupport.fromInstant(request.getEventTime()));
        if (request.getClientId() != null) {
            params.put(CLIENT_ID, request.getClientId());
        }
        root.set("inputs", tensorsToJson(request.getInputs()));
        return root;
    }

    /**
     * The response as an OIP v2 response object: {@code model_name}, {@code model_version}, {@code
     * id}, {@code parameters} (attributes, then {@code event_time}, {@code latency_ms}) and {@code
     * outputs}.
     */
    public ObjectNode responseToJsonNode(InferenceResponse response) {
        Objects.requireNonNull(response, "response");
        ObjectNode root = NODES.objectNode();
        root.put(MODEL_NAME, response.getModelName());
        if (response.getModelVersion() != null) {
            root.put(MODEL_VERSION, response.getModelVersion());
        }
        root.put("id", response.getRequestId());
        ObjectNode params = root.putObject("parameters");
        putAttributes(params, response.getAttributes());
        params.set(EVENT_TIME, JsonSupport.fromInstant(response.getEventTime()));
        if (response.getLatencyMs() != null) {
            params.set(LATENCY_MS, JsonSupport.fromDouble(response.getLatencyMs()));
        }
        root.set("outputs", tensorsToJson(response.getOutputs()));
        return root;
    }

    private static void putAttributes(ObjectNode params, Map<String, String> attributes) {
        if (attributes != null) {
            attributes.forEach(params::put);
        }
    }

    private static ArrayNode tensorsToJson(List<Tensor> tensors) {
        ArrayNode array = NODES.arrayNode(tensors.size());
        for (Tensor t : tensors) {
            ObjectNode node = array.addObject();
            node.put("name", t.getName());
            ArrayNode shape = node.putArray("shape");
            t.getShape().forEach(shape::add);
            node.put("datatype", t.getDatatype().name());
            ArrayNode data = node.putArray("data");
            switch (t.getDatatype()) {
                case BYTES:
                    t.getStringData().forEach(data::add);
                    break;
                case BOOL:
                    for (double v : t.getData()) {
                        data.add(BooleanNode.valueOf(v != 0.0));
                    }
                    break;
                case FP16:
                case BF16:
                case FP32:
                case FP64:
                    for (double v : t.getData()) {
                        data.add(JsonSupport.fromDouble(v));
                    }
                    break;
                default:
                    for (double v : t.getData()) {
                        data.add(integerOrDouble(v));
                    }
            }
        }
        return array;
    }

    /** Integer tensors print their integral values without a fraction, e.g. {@code 3}. */
    private static JsonNode integerOrDouble(double v) {
        boolean negativeZero = v == 0.0 && Double.doubleToRawLongBits(v) != 0L;
        if (v == Math.rint(v) && !negativeZero && v >= -0x1p63 && v < 0x1p63) {
            return LongNode.valueOf((long) v);
        }
        return JsonSupport.fromDouble(v);
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JsonSupport.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static List<String> datatypeNames() {
        List<String> names = new ArrayList<>();
        for (TensorDatatype d : TensorDatatype.values()) {
            if (d != TensorDatatype.UNKNOWN) {
                names.add(d.name());
            }
        }
        return names;
    }

    private static Map<String, TensorDatatype> datatypes() {
        Map<String, TensorDatatype> map = new HashMap<>();
        for (TensorDatatype d : TensorDatatype.values()) {
            if (d != TensorDatatype.UNKNOWN) {
                map.put(d.name(), d);
            }
        }
        return Map.copyOf(map);
    }
}
