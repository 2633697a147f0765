package io.warden.schemas.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain JSON in the shape of the Avro records, driven by the schema (one codec for every contract,
 * nothing written per class).
 *
 * <ul>
 *   <li>Field names exactly as in the {@code .avsc} (snake_case); nested records as objects; maps
 *       as objects; enums as their symbol; bytes as base64.
 *   <li>Nullable unions as the plain value or {@code null} (not Avro's own JSON encoding with
 *       {@code {"string": ...}} wrappers).
 *   <li>{@code timestamp-millis} written as ISO-8601 UTC strings; read from ISO-8601 strings (any
 *       offset) or epoch milliseconds.
 *   <li>Doubles and floats: JSON has no NaN, so NaN and the infinities are written as the strings
 *       {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} and read from those strings (and
 *       from bare {@code NaN} tokens as Python writes them), so they reach validation.
 * </ul>
 *
 * <p>Reading is forward compatible: unknown fields are ignored, absent fields (or {@code null} on a
 * non-nullable field) take the schema default, and a field can also be found under one of its
 * aliases. An absent required field, a wrong JSON type or an unknown enum symbol is a {@link
 * CodecException} naming the field path. Thread-safe; share one instance.
 */
public final class JsonCodec {

    private static final JsonCodec STANDARD = new JsonCodec();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String TIMESTAMP_MILLIS = LogicalTypes.timestampMillis().getName();

    /** The shared instance. */
    public static JsonCodec standard() {
        return STANDARD;
    }

    /** Prefer {@link #standard()}; instances hold no state. */
    public JsonCodec() {}

    // ---------------------------------------------------------------- writing

    /**
     * The record as a JSON tree.
     *
     * @throws IllegalArgumentException when the record is incomplete (null in a non-nullable field,
     *     a value of the wrong type): a programming error, not bad input
     */
    public ObjectNode toJsonNode(IndexedRecord record) {
        Objects.requireNonNull(record, "record");
        GenericData model =
                record instanceof SpecificRecord
                        ? SpecificData.getForClass(record.getClass())
                        : GenericData.get();
        try {
            return (ObjectNode) write(record.getSchema(), record, model);
        } catch (PathError e) {
            throw new IllegalArgumentException(
                    "cannot write "
                            + record.getSchema().getFullName()
                            + " as JSON: "
                            + e.toCodecException().getMessage(),
                    e);
        }
    }

    /** The record as compact UTF-8 JSON. */
    public byte[] encode(IndexedRecord record) {
        try {
            return JsonSupport.MAPPER.writeValueAsBytes(toJsonNode(record));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The record as compact JSON text. */
    public String toJson(IndexedRecord record) {
        return new String(encode(record), StandardCharsets.UTF_8);
    }

    /** The record as indented JSON text, for people (e.g. {@code warden tail}). */
    public String toPrettyJson(IndexedRecord record) {
        try {
            return JsonSupport.MAPPER
                    .writerWithDefaultPrettyPrinter()
                    .writeValueAsString(toJsonNode(record));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private JsonNode write(Schema s, Object v, GenericData model) {
        if (v == null && s.getType() != Schema.Type.NULL && s.getType() != Schema.Type.UNION) {
            throw new PathError("null in a non-nullable " + s.getType().getName() + " field");
        }
        switch (s.getType()) {
            case NULL:
                if (v != null) {
                    throw new PathError("expected null, got " + v.getClass().getSimpleName());
                }
                return NullNode.getInstance();
            case BOOLEAN:
                return BooleanNode.valueOf((Boolean) v);
            case INT:
                return IntNode.valueOf(((Number) v).intValue());
            case LONG:
                if (isTimestampMillis(s)) {
                    return JsonSupport.fromInstant(
                            v instanceof Instant
                                    ? (Instant) v
                                    : Instant.ofEpochMilli(((Number) v).longValue()));
                }
                return LongNode.valueOf(((Number) toRaw(s, v, model)).longValue());
            case FLOAT:
                {
                    float f = ((Number) v).floatValue();
                    return Float.isFinite(f) ? FloatNode.valueOf(f) : JsonSupport.fromDouble(f);
                }
            case DOUBLE:
                return JsonSupport.fromDouble(((Number) v).doubleValue());
            case STRING:
                return TextNode.valueOf(toRaw(s, v, model).toString());
            case BYTES:
                {
                    ByteBuffer buffer = ((ByteBuffer) toRaw(s, v, model)).duplicate();
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    return TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
                }
            case FIXED:
                return TextNode.valueOf(
                        Base64.getEncoder()
                                .encodeToString(((GenericFixed) toRaw(s, v, model)).bytes()));
            case ENUM:
                return TextNode.valueOf(v.toString());
            case ARRAY:
                {
                    ArrayNode array = NODES.arrayNode();
                    long i = 0;
                    for (Object item : (Collection<?>) v) {
                        try {
                            array.add(write(s.getElementType(), item, model));
                        } catch (PathError e) {
                            throw e.index(i);
                        }
                        i++;
                    }
                    return array;
                }
            case MAP:
                {
                    ObjectNode object = NODES.objectNode();
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                        String key = String.valueOf(e.getKey());
                        try {
                            object.set(key, write(s.getValueType(), e.getValue(), model));
                        } catch (PathError error) {
                            throw error.key(key);
                        }
                    }
                    return object;
                }
            case UNION:
                return write(s.getTypes().get(branchOf(s, v, model)), v, model);
            case RECORD:
                {
                    IndexedRecord record = (IndexedRecord) v;
                    ObjectNode object = NODES.objectNode();
                    for (Schema.Field f : s.getFields()) {
                        try {
                            object.set(f.name(), write(f.schema(), record.get(f.pos()), model));
                        } catch (PathError e) {
                            throw e.field(f.name());
                        } catch (ClassCastException e) {
                            throw new PathError(
                                            "value of type "
                                                    + record.get(f.pos()).getClass().getName()
                                                    + " does not fit "
                                                    + f.schema())
                                    .field(f.name());
                        }
                    }
                    return object;
                }
            default:
                throw new PathError("unsupported Avro type " + s.getType());
        }
    }

    private static int branchOf(Schema union, Object v, GenericData model) {
        List<Schema> branches = union.getTypes();
        if (branches.size() == 2) {
            int nullIndex = branches.get(0).getType() == Schema.Type.NULL ? 0 : -1;
            if (nullIndex < 0 && branches.get(1).getType() == Schema.Type.NULL) {
                nullIndex = 1;
            }
            if (nullIndex >= 0) {
                return v == null ? nullIndex : 1 - nullIndex;
            }
        }
        return model.resolveUnion(union, v);
    }

    /** Converts a logical-type value (other than timestamps, handled above) to its raw type. */
    private static Object toRaw(Schema s, Object v, GenericData model) {
        LogicalType logicalType = s.getLogicalType();
        if (logicalType == null) {
            return v;
        }
        Conversion<?> conversion = model.getConversionByClass(v.getClass(), logicalType);
        return conversion == null ? v : Conversions.convertToRawType(v, s, logicalType, conversion);
    }

    // ---------------------------------------------------------------- reading

    /**
     * Decodes UTF-8 JSON into a record of the given class.
     *
     * @throws CodecException for invalid JSON or JSON that does not fit the schema, naming the
     *     field path
     */
    public <T extends SpecificRecord> T decode(byte[] json, Class<T> type) throws CodecException {
        return fromJsonNode(JsonSupport.parse(json), type);
    }

    /** Decodes JSON text into a record of the given class. */
    public <T extends SpecificRecord> T decode(String json, Class<T> type) throws CodecException {
        if (json == null) {
            throw new CodecException("no value (null) where JSON belongs");
        }
        return decode(json.getBytes(StandardCharsets.UTF_8), type);
    }

    /** Builds a record of the given class from a parsed JSON tree. */
    public <T extends SpecificRecord> T fromJsonNode(JsonNode node, Class<T> type)
            throws CodecException {
        Objects.requireNonNull(type, "type");
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        return type.cast(readTop(schema, node, model));
    }

    /**
     * Builds a generic record of any record schema from a parsed JSON tree (timestamps as epoch
     * milliseconds, strings as {@link String}).
     */
    public GenericRecord fromJsonNode(JsonNode node, Schema schema) throws CodecException {
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("not a record schema: " + schema.getType());
        }
        return (GenericRecord) readTop(schema, node, GenericData.get());
    }

    private Object readTop(Schema schema, JsonNode node, GenericData model) throws CodecException {
        if (node == null || !node.isObject()) {
            throw new CodecException(
                    "expected a JSON object ("
                            + schema.getName()
                            + "), got "
                            + JsonSupport.typeName(node)
                            + (node == null ? "" : ": " + JsonSupport.show(node)));
        }
        try {
            return read(schema, node, model);
        } catch (PathError e) {
            throw e.toCodecException();
        } catch (RuntimeException e) {
            throw new CodecException("cannot build " + schema.getName() + " from JSON: " + e, e);
        }
    }

    private Object read(Schema s, JsonNode n, GenericData model) {
        switch (s.getType()) {
            case NULL:
                if (!n.isNull()) {
                    throw mismatch(s, n);
                }
                return null;
            case BOOLEAN:
                if (!n.isBoolean()) {
                    throw mismatch(s, n);
                }
                return n.booleanValue();
            case INT:
                return fromRaw(
                        s,
                        (int)
                                JsonSupport.toIntegral(
                                        n, Integer.MIN_VALUE, Integer.MAX_VALUE, expected(s)),
                        model);
            case LONG:
                if (isTimestampMillis(s)) {
                    Instant instant = JsonSupport.toInstant(n);
                    return hasConversion(s, model, Instant.class)
                            ? instant
                            : (Object) instant.toEpochMilli();
                }
                return fromRaw(
                        s,
                        JsonSupport.toIntegral(n, Long.MIN_VALUE, Long.MAX_VALUE, expected(s)),
                        model);
            case FLOAT:
                return (float) number(s, n);
            case DOUBLE:
                return number(s, n);
            case STRING:
                if (!n.isTextual()) {
                    throw mismatch(s, n);
                }
                return fromRaw(s, n.textValue(), model);
            case BYTES:
                return fromRaw(s, ByteBuffer.wrap(base64(s, n)), model);
            case FIXED:
                {
                    byte[] bytes = base64(s, n);
                    if (bytes.length != s.getFixedSize()) {
                        throw new PathError(
                                "expected "
                                        + s.getFixedSize()
                                        + " bytes (base64), got "
                                        + bytes.length);
                    }
                    return fromRaw(s, model.createFixed(null, bytes, s), model);
                }
            case ENUM:
                if (!n.isTextual()) {
                    throw mismatch(s, n);
                }
                if (!s.hasEnumSymbol(n.textValue())) {
                    throw new PathError(
                            "unknown "
                                    + s.getName()
                                    + " symbol "
                                    + JsonSupport.show(n)
                                    + "; expected one of "
                                    + String.join(", ", s.getEnumSymbols()));
                }
                return model.createEnum(n.textValue(), s);
            case ARRAY:
                {
                    if (!n.isArray()) {
                        throw mismatch(s, n);
                    }
                    List<Object> list = new ArrayList<>(n.size());
                    Schema item = s.getElementType();
                    for (int i = 0; i < n.size(); i++) {
                        try {
                            list.add(read(item, n.get(i), model));
                        } catch (PathError e) {
                            throw e.index(i);
                        }
                    }
                    return list;
                }
            case MAP:
                {
                    if (!n.isObject()) {
                        throw mismatch(s, n);
                    }
                    Map<String, Object> map = new HashMap<>(Math.max(4, n.size() * 2));
                    Schema value = s.getValueType();
                    for (Map.Entry<String, JsonNode> e : n.properties()) {
                        try {
                            map.put(e.getKey(), read(value, e.getValue(), model));
                        } catch (PathError error) {
                            throw error.key(e.getKey());
                        }
                    }
                    return map;
                }
            case UNION:
                return readUnion(s, n, model);
            case RECORD:
                return readRecord(s, n, model);
            default:
                throw new PathError("unsupported Avro type " + s.getType());
        }
    }

    private Object readRecord(Schema s, JsonNode n, GenericData model) {
        if (!n.isObject()) {
            throw mismatch(s, n);
        }
        Object record = model.newRecord(null, s);
        for (Schema.Field f : s.getFields()) {
            JsonNode v = n.get(f.name());
            if (v == null && !f.aliases().isEmpty()) {
                Iterator<String> aliases = f.aliases().iterator();
                while (v == null && aliases.hasNext()) {
                    v = n.get(aliases.next());
                }
            }
            Object value;
            try {
                if (v == null || (v.isNull() && f.hasDefaultValue() && !isNullable(f.schema()))) {
                    if (!f.hasDefaultValue()) {
                        throw new PathError(
                                v == null
                                        ? "required field is missing"
                                        : "expected " + expected(f.schema()) + ", got null");
                    }
                    value = model.deepCopy(f.schema(), model.getDefaultValue(f));
                } else {
                    value = read(f.schema(), v, model);
                }
            } catch (PathError e) {
                throw e.field(f.name());
            }
            model.setField(record, f.name(), f.pos(), value);
        }
        return record;
    }

    private Object readUnion(Schema s, JsonNode n, GenericData model) {
        List<Schema> branches = s.getTypes();
        if (n.isNull()) {
            for (Schema branch : branches) {
                if (branch.getType() == Schema.Type.NULL) {
                    return null;
                }
            }
            throw mismatch(s, n);
        }
        Schema only = null;
        int nonNull = 0;
        for (Schema branch : branches) {
            if (branch.getType() != Schema.Type.NULL) {
                only = branch;
                nonNull++;
            }
        }
        if (nonNull == 1) {
            // The common case, a nullable value: keep the branch's own precise message.
            return read(only, n, model);
        }
        for (Schema branch : branches) {
            if (branch.getType() == Schema.Type.NULL) {
                continue;
            }
            try {
                return read(branch, n, model);
            } catch (PathError e) {
                // try the next branch
            }
        }
        throw mismatch(s, n);
    }

    private static double number(Schema s, JsonNode n) {
        try {
            return JsonSupport.toDouble(n);
        } catch (PathError e) {
            throw mismatch(s, n);
        }
    }

    private static byte[] base64(Schema s, JsonNode n) {
        if (!n.isTextual()) {
            throw mismatch(s, n);
        }
        try {
            return Base64.getDecoder().decode(n.textValue());
        } catch (IllegalArgumentException e) {
            throw new PathError("expected " + expected(s) + ", got " + JsonSupport.show(n));
        }
    }

    /** Applies the model's conversion for a logical type other than timestamp-millis. */
    private static Object fromRaw(Schema s, Object raw, GenericData model) {
        LogicalType logicalType = s.getLogicalType();
        if (logicalType == null) {
            return raw;
        }
        Conversion<?> conversion = model.getConversionFor(logicalType);
        if (conversion == null) {
            return raw;
        }
        try {
            return Conversions.convertToLogicalType(raw, s, logicalType, conversion);
        } catch (RuntimeException e) {
            throw new PathError("not a valid " + logicalType.getName() + ": " + e.getMessage());
        }
    }

    private static boolean hasConversion(Schema s, GenericData model, Class<?> type) {
        Conversion<?> conversion = model.getConversionFor(s.getLogicalType());
        return conversion != null && type.equals(conversion.getConvertedType());
    }

    private static boolean isTimestampMillis(Schema s) {
        LogicalType logicalType = s.getLogicalType();
        return logicalType != null && TIMESTAMP_MILLIS.equals(logicalType.getName());
    }

    private static boolean isNullable(Schema s) {
        if (s.getType() == Schema.Type.NULL) {
            return true;
        }
        if (s.getType() == Schema.Type.UNION) {
            for (Schema branch : s.getTypes()) {
                if (branch.getType() == Schema.Type.NULL) {
                    return true;
                }
            }
        }
        return false;
    }

    private static PathError mismatch(Schema s, JsonNode n) {
        return new PathError("expected " + expected(s) + ", got " + JsonSupport.show(n));
    }

    /** What a value of this schema looks like in JSON, e.g. "an array of integers". */
    static String expected(Schema s) {
        switch (s.getType()) {
            case NULL:
                return "null";
            case BOOLEAN:
                return "a boolean";
            case INT:
                return "an integer";
            case LONG:
                return isTimestampMillis(s)
                        ? "an ISO-8601 timestamp or epoch milliseconds"
                        : "an integer";
            case FLOAT:
            case DOUBLE:
                return "a number";
            case STRING:
                return "a string";
            case BYTES:
                return "a base64 string";
            case FIXED:
                return "a base64 string of " + s.getFixedSize() + " bytes";
            case ENUM:
                return "one of " + String.join(", ", s.getEnumSymbols());
            case ARRAY:
                return "an array of " + plural(s.getElementType());
            case MAP:
                return "an object of " + plural(s.getValueType());
            case RECORD:
                return "an object (" + s.getName() + ")";
            case UNION:
                {
                    List<String> parts = new ArrayList<>();
                    boolean nullable = false;
                    for (Schema branch : s.getTypes()) {
                        if (branch.getType() == Schema.Type.NULL) {
                            nullable = true;
                        } else {
                            parts.add(expected(branch));
                        }
                    }
                    if (nullable) {
                        parts.add("null");
                    }
                    return String.join(" or ", parts);
                }
            default:
                return s.getType().getName();
        }
    }

    private static String plural(Schema s) {
        switch (s.getType()) {
            case NULL:
                return "nulls";
            case BOOLEAN:
                return "booleans";
            case INT:
                return "integers";
            case LONG:
                return isTimestampMillis(s) ? "timestamps" : "integers";
            case FLOAT:
            case DOUBLE:
                return "numbers";
            case STRING:
                return "strings";
            case BYTES:
            case FIXED:
                return "base64 strings";
            case ENUM:
                return s.getName() + " symbols";
            case ARRAY:
                return "arrays";
            case MAP:
                return "objects";
            case RECORD:
                return s.getName() + " objects";
            default:
                return "values";
        }
    }
}
