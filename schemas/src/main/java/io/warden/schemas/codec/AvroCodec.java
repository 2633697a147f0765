package io.warden.schemas.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding of warden's contracts: header {@code C3 01}, the writer schema's
 * 8-byte CRC-64-AVRO fingerprint (little-endian), then the Avro binary body.
 *
 * <p>Readers resolve the writer schema by its fingerprint through a {@link SchemaStore} that knows
 * every current contract, every historic version shipped under {@link
 * WardenSchemas#HISTORY_RESOURCE_ROOT}, and whatever {@link #registerWriterSchema} added, so data
 * from older (or registered newer) writers reads into today's classes with Avro schema resolution.
 *
 * <p>Thread-safe and cheap per call: one encoder and one decoder per record class are created on
 * first use and shared by all threads. Before Avro reads a body, {@link AvroBodyScanner} checks it
 * against the writer schema, so corrupt lengths cannot make the reader allocate huge buffers and
 * trailing bytes are rejected.
 *
 * <pre>{@code
 * AvroCodec codec = AvroCodec.standard();
 * byte[] bytes = codec.encode(request);
 * InferenceRequest back = codec.decode(bytes, InferenceRequest.class);
 * SpecificRecord any = codec.decodeAny(bytes); // for tools that print any topic
 * }</pre>
 */
public final class AvroCodec {

    private static final int HEADER_LENGTH = 10;
    private static final byte MAGIC_0 = (byte) 0xC3;
    private static final byte MAGIC_1 = (byte) 0x01;

    private final ConcurrentMap<Long, Schema> writerSchemas = new ConcurrentHashMap<>();
    private final SchemaStore store = writerSchemas::get;
    private final ConcurrentMap<Class<?>, Reader<?>> readers = new ConcurrentHashMap<>();
    private final ConcurrentMap<Class<?>, BinaryMessageEncoder<SpecificRecord>> encoders =
            new ConcurrentHashMap<>();

    private AvroCodec() {
        for (Class<? extends SpecificRecord> type : WardenSchemas.CONTRACTS) {
            Schema schema = WardenSchemas.schemaOf(type);
            writerSchemas.put(SchemaNormalization.parsingFingerprint64(schema), schema);
        }
    }

    /**
     * The shared instance: every current contract plus every historic version listed in the history
     * index shipped with this module.
     */
    public static AvroCodec standard() {
        return Standard.INSTANCE;
    }

    /** A new codec that knows only the current contract schemas (no history). */
    public static AvroCodec currentOnly() {
        return new AvroCodec();
    }

    /**
     * A new codec that knows the current contracts plus the historic schemas listed in {@code
     * resourceRoot/index.txt} on the given class loader's classpath.
     *
     * @throws IllegalStateException when the index is missing, lists a file that is absent or does
     *     not parse, or holds a schema that today's classes cannot read
     */
    public static AvroCodec withHistory(ClassLoader loader, String resourceRoot) {
        AvroCodec codec = new AvroCodec();
        for (Schema schema : SchemaHistory.load(loader, resourceRoot)) {
            try {
                codec.registerWriterSchema(schema);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                        "historic schema in " + resourceRoot + ": " + e.getMessage(), e);
            }
        }
        return codec;
    }

    /**
     * Makes data written with {@code schema} readable, e.g. data from a newer warden version.
     *
     * @throws IllegalArgumentException when the schema is not a record, or when it is a version of
     *     a warden contract that the current class cannot read (Avro schema resolution would fail
     *     on every record)
     */
    public void registerWriterSchema(Schema schema) {
        Objects.requireNonNull(schema, "schema");
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(
                    "only record schemas can be registered, got " + schema.getType());
        }
        Optional<Class<? extends SpecificRecord>> contract =
                WardenSchemas.contractNamed(schema.getFullName());
        if (contract.isPresent()) {
            Schema reader = WardenSchemas.schemaOf(contract.get());
            SchemaCompatibility.SchemaPairCompatibility compatibility =
                    SchemaCompatibility.checkReaderWriterCompatibility(reader, schema);
            if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                List<String> problems = new ArrayList<>();
                for (SchemaCompatibility.Incompatibility i :
                        compatibility.getResult().getIncompatibilities()) {
                    problems.add(fieldPath(reader, i.getLocation()) + ": " + i.getMessage());
                }
                throw new IllegalArgumentException(
                        "the current "
                                + reader.getFullName()
                                + " cannot read data written with this version: "
                                + String.join("; ", problems));
            }
        }
        writerSchemas.put(SchemaNormalization.parsingFingerprint64(schema), schema);
    }

    /**
     * Turns a compatibility location (a JSON pointer into the reader schema such as {@code
     * /fields/6/type/items}) into a field path such as {@code inputs[]}; the pointer itself when it
     * does not walk cleanly.
     */
    private static String fieldPath(Schema reader, String pointer) {
        try {
            String[] parts = pointer.split("/");
            Schema s = reader;
            StringBuilder path = new StringBuilder();
            for (int i = 1; i < parts.length; i++) {
                switch (parts[i]) {
                    case "fields":
                        Schema.Field f = s.getFields().get(Integer.parseInt(parts[++i]));
                        path.append(path.length() == 0 ? "" : ".").append(f.name());
                        s = f.schema();
                        break;
                    case "type":
                    case "name":
                    case "symbols":
                    case "size":
                        break;
                    case "items":
                        s = s.getElementType();
                        path.append("[]");
                        break;
                    case "values":
                        s = s.getValueType();
                        path.append("[]");
                        break;
                    default:
                        s = s.getTypes().get(Integer.parseInt(parts[i]));
                }
            }
            return path.length() == 0 ? reader.getName() : path.toString();
        } catch (RuntimeException e) {
            return pointer;
        }
    }

    /** Every writer schema this codec can resolve by fingerprint. */
    public List<Schema> knownWriterSchemas() {
        return List.copyOf(writerSchemas.values());
    }

    /** Whether the bytes start with the single-object header and can hold a fingerprint. */
    public static boolean isSingleObject(byte[] bytes) {
        return bytes != null
                && bytes.length >= HEADER_LENGTH
                && bytes[0] == MAGIC_0
                && bytes[1] == MAGIC_1;
    }

    /**
     * The record in single-object encoding.
     *
     * @throws IllegalArgumentException when the record is not complete (e.g. null in a non-nullable
     *     field): a programming error, not bad input
     */
    public byte[] encode(SpecificRecord record) {
        Objects.requireNonNull(record, "record");
        BinaryMessageEncoder<SpecificRecord> encoder =
                encoders.computeIfAbsent(record.getClass(), c -> newEncoder(c, record.getSchema()));
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot encode " + record.getSchema().getFullName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes a record of the given class, resolving the writer schema by fingerprint.
     *
     * @throws CodecException when the bytes are not single-object encoded, the fingerprint is
     *     unknown, they hold another record type, or the body is truncated, corrupt or followed by
     *     trailing bytes
     */
    public <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) throws CodecException {
        Reader<T> reader = reader(type);
        Schema writer = writerSchema(bytes);
        if (!reader.names.contains(writer.getFullName())) {
            throw new CodecException(
                    "expected Avro "
                            + reader.schema.getFullName()
                            + " but the bytes hold "
                            + writer.getFullName());
        }
        return read(reader, writer, bytes);
    }

    /**
     * Decodes whichever contract the bytes hold, choosing the class by the writer schema's full
     * name.
     *
     * @throws CodecException as {@link #decode}, or when the writer schema is not a warden contract
     */
    public SpecificRecord decodeAny(byte[] bytes) throws CodecException {
        Schema writer = writerSchema(bytes);
        Optional<Class<? extends SpecificRecord>> type =
                WardenSchemas.contractNamed(writer.getFullName());
        if (type.isEmpty()) {
            throw new CodecException(
                    "the bytes hold "
                            + writer.getFullName()
                            + ", which is not a warden contract record");
        }
        return read(reader(type.get()), writer, bytes);
    }

    /**
     * The writer schema named by the bytes' fingerprint.
     *
     * @throws CodecException when the bytes are not single-object encoded or the fingerprint is
     *     unknown
     */
    public Schema writerSchema(byte[] bytes) throws CodecException {
        if (bytes == null) {
            throw new CodecException("no value (null) where Avro single-object bytes belong");
        }
        if (bytes.length < 2 || bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
            throw new CodecException(
                    "not Avro single-object encoding: expected header C3 01, got "
                            + (bytes.length == 0 ? "no bytes" : Messages.hex(bytes, 0, 8)));
        }
        if (bytes.length < HEADER_LENGTH) {
            throw new CodecException(
                    "truncated Avro single-object header: "
                            + bytes.length
                            + " bytes, need "
                            + HEADER_LENGTH);
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema writer = store.findByFingerprint(fingerprint);
        if (writer == null) {
            throw new CodecException(
                    "unknown Avro writer schema fingerprint "
                            + Messages.fingerprint(fingerprint)
                            + ": written by a schema this warden does not know (a newer"
                            + " version, or not a warden contract); register it with"
                            + " registerWriterSchema or ship it in the schema history");
        }
        return writer;
    }

    private <T extends SpecificRecord> T read(Reader<T> reader, Schema writer, byte[] bytes)
            throws CodecException {
        try {
            AvroBodyScanner.scan(writer, bytes, HEADER_LENGTH);
        } catch (PathError e) {
            throw new CodecException(
                    e.path(), "corrupt Avro " + writer.getName() + " body: " + e.problem());
        }
        try {
            return reader.decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new CodecException(
                    "cannot read Avro "
                            + writer.getFullName()
                            + " as the current "
                            + reader.schema.getFullName()
                            + ": "
                            + e,
                    e);
        }
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> Reader<T> reader(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return (Reader<T>) readers.computeIfAbsent(type, c -> newReader(type));
    }

    private <T extends SpecificRecord> Reader<T> newReader(Class<T> type) {
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        writerSchemas.putIfAbsent(SchemaNormalization.parsingFingerprint64(schema), schema);
        Set<String> names = new HashSet<>(schema.getAliases());
        names.add(schema.getFullName());
        return new Reader<>(
                schema, Set.copyOf(names), new BinaryMessageDecoder<>(model, schema, store));
    }

    private BinaryMessageEncoder<SpecificRecord> newEncoder(Class<?> type, Schema schema) {
        writerSchemas.putIfAbsent(SchemaNormalization.parsingFingerprint64(schema), schema);
        SpecificData model = SpecificData.getForClass(type);
        // No copy: encode() copies the thread-local buffer into an exact-size array itself.
        return new BinaryMessageEncoder<>(model, schema, false);
    }

    /** Per-class reader: the reader schema, the names it accepts, and its shared decoder. */
    private record Reader<T>(Schema schema, Set<String> names, BinaryMessageDecoder<T> decoder) {}

    private static final class Standard {
        static final AvroCodec INSTANCE =
                withHistory(AvroCodec.class.getClassLoader(), WardenSchemas.HISTORY_RESOURCE_ROOT);
    }

    @Override
    public String toString() {
        return "AvroCodec[" + writerSchemas.size() + " writer schemas]";
    }
}
