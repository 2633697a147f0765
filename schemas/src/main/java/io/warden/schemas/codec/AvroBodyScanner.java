package io.warden.schemas.codec;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import org.apache.avro.Schema;

/**
 * Checks that an Avro binary body is structurally complete for its writer schema, without building
 * any object.
 *
 * <p>Avro's own reader trusts the lengths and counts it reads: a corrupt length makes it allocate
 * up to 2 GiB before it notices the input is short, and it ignores bytes after the datum. This scan
 * walks the writer schema over the bytes first and rejects, with the field path, any length or
 * count that cannot fit in what is left, any enum or union index out of range, a malformed varint,
 * a body that ends early, and trailing bytes. Only then does the real reader run, on input it can
 * read in full. The scan is a single pass that allocates nothing on the happy path.
 */
final class AvroBodyScanner {

    /** Deepest nesting accepted (recursive schemas could otherwise nest without bound). */
    static final int MAX_DEPTH = 200;

    /** Most items accepted in one array or map whose items take no bytes (e.g. nulls). */
    static final long MAX_EMPTY_ITEMS = 1 << 20;

    private final byte[] buf;
    private int pos;

    private AvroBodyScanner(byte[] buf, int offset) {
        this.buf = buf;
        this.pos = offset;
    }

    /**
     * Scans one datum of {@code writer} starting at {@code offset}, which must end exactly at the
     * end of {@code buf}.
     *
     * @throws PathError naming the field path and the problem
     */
    static void scan(Schema writer, byte[] buf, int offset) {
        AvroBodyScanner scanner = new AvroBodyScanner(buf, offset);
        scanner.value(writer, 0);
        int trailing = buf.length - scanner.pos;
        if (trailing > 0) {
            throw new PathError(
                    trailing
                            + " trailing byte(s) after the end of the "
                            + writer.getFullName()
                            + " record (at offset "
                            + scanner.pos
                            + ")");
        }
    }

    private void value(Schema s, int depth) {
        if (depth > MAX_DEPTH) {
            throw new PathError("nested deeper than " + MAX_DEPTH + " levels");
        }
        switch (s.getType()) {
            case NULL:
                return;
            case BOOLEAN:
                skip(1, "boolean");
                return;
            case INT:
                readInt("int");
                return;
            case LONG:
                readLong("long");
                return;
            case FLOAT:
                skip(4, "float");
                return;
            case DOUBLE:
                skip(8, "double");
                return;
            case STRING:
            case BYTES:
                {
                    String what = s.getType() == Schema.Type.STRING ? "string" : "bytes";
                    long length = readLong(what + " length");
                    if (length < 0) {
                        throw new PathError("corrupt " + what + " length " + length);
                    }
                    skip(length, what);
                    return;
                }
            case FIXED:
                skip(s.getFixedSize(), "fixed");
                return;
            case ENUM:
                {
                    int index = readInt("enum index");
                    List<String> symbols = s.getEnumSymbols();
                    if (index < 0 || index >= symbols.size()) {
                        throw new PathError(
                                "enum index "
                                        + index
                                        + " out of range for "
                                        + s.getName()
                                        + " ("
                                        + symbols.size()
                                        + " symbols)");
                    }
                    return;
                }
            case UNION:
                {
                    int index = readInt("union index");
                    List<Schema> branches = s.getTypes();
                    if (index < 0 || index >= branches.size()) {
                        throw new PathError(
                                "union index "
                                        + index
                                        + " out of range ("
                                        + branches.size()
                                        + " branches)");
                    }
                    value(branches.get(index), depth + 1);
                    return;
                }
            case ARRAY:
                blocks(s.getElementType(), false, depth);
                return;
            case MAP:
                blocks(s.getValueType(), true, depth);
                return;
            case RECORD:
                for (Schema.Field f : s.getFields()) {
                    try {
                        value(f.schema(), depth + 1);
                    } catch (PathError e) {
                        throw e.field(f.name());
                    }
                }
                return;
            default:
                throw new PathError("unsupported Avro type " + s.getType());
        }
    }

    private void blocks(Schema item, boolean map, int depth) {
        String what = map ? "map" : "array";
        boolean itemsTakeBytes = map || minSize(item, 0) > 0;
        long index = 0;
        while (true) {
            long count = readLong(what + " block count");
            if (count == 0) {
                return;
            }
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw new PathError("corrupt " + what + " block count " + count);
                }
                count = -count;
                long size = readLong(what + " block size");
                if (size < 0 || size > remaining()) {
                    throw new PathError(
                            "corrupt "
                                    + what
                                    + " block size "
                                    + size
                                    + " ("
                                    + remaining()
                                    + " bytes left)");
                }
            }
            if (itemsTakeBytes ? count > remaining() : index + count > MAX_EMPTY_ITEMS) {
                throw new PathError(
                        what
                                + " block of "
                                + count
                                + " items cannot fit in the "
                                + remaining()
                                + " bytes left");
            }
            for (long i = 0; i < count; i++, index++) {
                if (map) {
                    long keyLength;
                    int keyStart;
                    try {
                        keyLength = readLong("map key length");
                        if (keyLength < 0) {
                            throw new PathError("corrupt map key length " + keyLength);
                        }
                        keyStart = pos;
                        skip(keyLength, "map key");
                    } catch (PathError e) {
                        throw e.index(index);
                    }
                    try {
                        value(item, depth + 1);
                    } catch (PathError e) {
                        throw e.key(new String(buf, keyStart, (int) keyLength, UTF_8));
                    }
                } else {
                    try {
                        value(item, depth + 1);
                    } catch (PathError e) {
                        throw e.index(index);
                    }
                }
            }
        }
    }

    /** The fewest bytes a value of this schema can take; 0 only for null and empty records. */
    private static int minSize(Schema s, int depth) {
        if (depth > MAX_DEPTH) {
            return 1;
        }
        switch (s.getType()) {
            case NULL:
                return 0;
            case FLOAT:
                return 4;
            case DOUBLE:
                return 8;
            case FIXED:
                return s.getFixedSize();
            case RECORD:
                {
                    int sum = 0;
                    for (Schema.Field f : s.getFields()) {
                        sum += minSize(f.schema(), depth + 1);
                        if (sum > 0) {
                            return sum;
                        }
                    }
                    return sum;
                }
            default:
                return 1;
        }
    }

    private int remaining() {
        return buf.length - pos;
    }

    private void skip(long n, String what) {
        if (n > remaining()) {
            throw new PathError(
                    "truncated: "
                            + what
                            + " needs "
                            + n
                            + " byte(s) at offset "
                            + pos
                            + ", only "
                            + remaining()
                            + " left");
        }
        pos += (int) n;
    }

    private int readInt(String what) {
        long raw = readVarint(5, what);
        int n = (int) raw;
        return (n >>> 1) ^ -(n & 1);
    }

    private long readLong(String what) {
        long raw = readVarint(10, what);
        return (raw >>> 1) ^ -(raw & 1);
    }

    private long readVarint(int maxBytes, String what) {
        long result = 0;
        int shift = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (pos >= buf.length) {
                throw new PathError(
                        "truncated: " + what + " ends at offset " + pos + ", the end of the input");
            }
            int b = buf[pos++] & 0xFF;
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
            shift += 7;
        }
        throw new PathError("malformed " + what + ": varint longer than " + maxBytes + " bytes");
    }
}
