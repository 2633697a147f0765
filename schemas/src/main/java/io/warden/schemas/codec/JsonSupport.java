package io.warden.schemas.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;

/** The JSON parser settings and value conversions shared by the JSON and OIP codecs. */
final class JsonSupport {

    /**
     * Strict where ambiguity would hide errors (duplicate keys, trailing content), lenient where
     * real producers differ: bare {@code NaN}/{@code Infinity} tokens (Python's {@code json.dumps}
     * writes them) are read, so a NaN reaches warden's validation stage.
     */
    static final JsonMapper MAPPER =
            JsonMapper.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    private JsonSupport() {}

    /** Parses JSON bytes (UTF-8, or UTF-16/32 with detection) into a tree. */
    static JsonNode parse(byte[] bytes) throws CodecException {
        if (bytes == null) {
            throw new CodecException("no value (null) where JSON belongs");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where =
                    at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new CodecException(
                    "invalid JSON" + where + ": " + firstLine(e.getOriginalMessage()), e);
        } catch (IOException | RuntimeException e) {
            throw new CodecException("invalid JSON: " + e.getMessage(), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new CodecException("invalid JSON: no content");
        }
        return node;
    }

    /** The node as shown in a message: JSON text, abbreviated. */
    static String show(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return Messages.abbreviate(node.toString(), 60);
    }

    /** A name for the node's JSON type, for messages. */
    static String typeName(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        switch (node.getNodeType()) {
            case ARRAY:
                return "an array";
            case OBJECT:
                return "an object";
            case STRING:
                return "a string";
            case NUMBER:
                return "a number";
            case BOOLEAN:
                return "a boolean";
            case NULL:
                return "null";
            default:
                return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A number from a JSON number, or from the strings {@code "NaN"}, {@code "Infinity"}, {@code
     * "-Infinity"} (JSON has no literal for them).
     *
     * @throws PathError when the node is neither
     */
    static double toDouble(JsonNode node) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            switch (node.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                case "+Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new PathError("expected a number, got " + show(node));
    }

    /** The JSON form of a double: a number, or "NaN"/"Infinity"/"-Infinity" as strings. */
    static JsonNode fromDouble(double value) {
        if (Double.isNaN(value)) {
            return TextNode.valueOf("NaN");
        }
        if (Double.isInfinite(value)) {
            return TextNode.valueOf(value > 0 ? "Infinity" : "-Infinity");
        }
        return DoubleNode.valueOf(value);
    }

    /**
     * An integer from a JSON number without a fractional part (so {@code 3} and {@code 3.0}, not
     * {@code 3.5}), within [min, max].
     *
     * @throws PathError otherwise
     */
    static long toIntegral(JsonNode node, long min, long max, String expected) {
        long value;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            value = node.longValue();
        } else if (node.isFloatingPointNumber()) {
            double d = node.doubleValue();
            if (d != Math.rint(d) || d < -0x1p63 || d >= 0x1p63) {
                throw new PathError("expected " + expected + ", got " + show(node));
            }
            value = (long) d;
        } else {
            throw new PathError("expected " + expected + ", got " + show(node));
        }
        if (value < min || value > max) {
            throw new PathError(
                    "expected " + expected + " in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /**
     * A timestamp from an ISO-8601 string with zone or offset (e.g. {@code
     * 2024-05-01T12:00:00.123Z}), or from epoch milliseconds (a number, or a string of digits),
     * truncated to milliseconds.
     *
     * @throws PathError otherwise
     */
    static Instant toInstant(JsonNode node) {
        if (node.isNumber()) {
            return Instant.ofEpochMilli(
                    toIntegral(
                            node,
                            Long.MIN_VALUE,
                            Long.MAX_VALUE,
                            "an ISO-8601 timestamp or epoch milliseconds"));
        }
        if (node.isTextual()) {
            String text = node.textValue().strip();
            if (!text.isEmpty() && text.length() <= 19 && isDigits(text)) {
                try {
                    return Instant.ofEpochMilli(Long.parseLong(text));
                } catch (NumberFormatException e) {
                    // falls through to the error below
                }
            } else {
                try {
                    Instant parsed = OffsetDateTime.parse(text).toInstant();
                    return Instant.ofEpochMilli(parsed.toEpochMilli());
                } catch (DateTimeException | ArithmeticException e) {
                    throw new PathError(
                            "expected an ISO-8601 timestamp with zone or offset (e.g."
                                    + " 2024-05-01T12:00:00Z) or epoch milliseconds, got "
                                    + show(node));
                }
            }
        }
        throw new PathError(
                "expected an ISO-8601 timestamp or epoch milliseconds, got " + show(node));
    }

    /** The JSON form of a timestamp: ISO-8601 in UTC with millisecond precision. */
    static JsonNode fromInstant(Instant instant) {
        return TextNode.valueOf(Instant.ofEpochMilli(instant.toEpochMilli()).toString());
    }

    private static boolean isDigits(String text) {
        int start = text.charAt(0) == '-' ? 1 : 0;
        if (start == text.length()) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int nl = message.indexOf('\n');
        return Messages.abbreviate(nl >= 0 ? message.substring(0, nl) : message, 200);
    }
}
