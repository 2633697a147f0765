package io.warden.schemas.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;

/** Generic-API helpers that play an older or newer warden in evolution tests. */
final class GenericAvro {

    private GenericAvro() {}

    /** Single-object encoding of a generic record with the given writer schema. */
    static byte[] encode(GenericRecord record, Schema writer) {
        try {
            ByteBuffer buffer =
                    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer)
                            .encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Decodes single-object bytes into a generic record of {@code reader}, resolving the writer
     * among {@code writers} by fingerprint (Avro schema resolution, generic API).
     */
    static GenericRecord decode(byte[] bytes, Schema reader, Schema... writers) throws IOException {
        SchemaStore.Cache store = new SchemaStore.Cache();
        for (Schema w : writers) {
            store.addSchema(w);
        }
        return new BinaryMessageDecoder<GenericRecord>(GenericData.get(), reader, store)
                .decode(bytes);
    }

    /** The record's values written with another, compatible schema of the same name. */
    static byte[] rewrite(SpecificRecord record, Schema writer) throws IOException {
        GenericRecord generic =
                decode(AvroCodec.standard().encode(record), writer, record.getSchema());
        return encode(generic, writer);
    }

    /** The schema with one more nullable double field (default null) at the end. */
    static Schema withExtraField(Schema schema, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(
                new Schema.Field(
                        name,
                        Schema.createUnion(
                                Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.DOUBLE)),
                        "added by a newer version",
                        Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(
                schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }
}
