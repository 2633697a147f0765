package io.warden.jobs.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * An Avro container file of {@code InferenceEvent}s or {@code InferenceRequest}s, as the file's
 * schema says. Records written with an older version of the schema are read through Avro's schema
 * resolution. A corrupt block stops the reading (the rest of the file cannot be trusted).
 */
final class AvroFileInput implements ReferenceInput {
    private final Path file;
    private final RecordType type;

    private AvroFileInput(Path file, RecordType type) {
        this.file = file;
        this.type = type;
    }

    /**
     * @param expected the record type the user asked for, or null to take the file's
     * @throws ProfileInputException if the file is not an Avro container file of events or
     *     requests, or not of the expected type
     */
    static AvroFileInput open(Path file, RecordType expected) throws IOException {
        String schema;
        try (DataFileReader<GenericRecord> reader =
                new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
            schema = reader.getSchema().getFullName();
        } catch (IOException | AvroRuntimeException e) {
            throw new ProfileInputException(
                    file + ": not an Avro container file (" + e.getMessage() + ")", e);
        }
        RecordType type = null;
        for (RecordType t : RecordType.values()) {
            if (t.recordClass().getName().equals(schema)) {
                type = t;
            }
        }
        if (type == null) {
            throw new ProfileInputException(
                    file
                            + " holds "
                            + schema
                            + " records; warden profile reads inference events or requests");
        }
        if (expected != null && expected != type) {
            throw new ProfileInputException(
                    file
                            + " holds "
                            + TextFiles.plural(type)
                            + ", not "
                            + TextFiles.plural(expected));
        }
        return new AvroFileInput(file, type);
    }

    @Override
    public String description() {
        return file.getFileName() + " (Avro container file of " + TextFiles.plural(type) + ")";
    }

    @Override
    public boolean hasPredictions() {
        return type.hasPredictions();
    }

    @Override
    public long expectedRecords() {
        return -1; // the block headers have counts, but summing them means reading the file
    }

    @Override
    public void read(Consumer<InputRecord> sink, LongConsumer progress) throws IOException {
        String name = file.getFileName().toString();
        long n = 0;
        try (DataFileReader<? extends SpecificRecord> reader = reader(type.recordClass())) {
            while (true) {
                SpecificRecord record;
                try {
                    if (!reader.hasNext()) {
                        break;
                    }
                    record = reader.next();
                } catch (AvroRuntimeException e) {
                    throw new ProfileInputException(
                            file + ": record #" + (n + 1) + " cannot be read: " + e.getMessage(),
                            e);
                }
                n++;
                sink.accept(InputRecord.of(name + " record #" + n, record));
                progress.accept(n);
            }
        }
    }

    private <T extends SpecificRecord> DataFileReader<T> reader(Class<T> recordClass)
            throws IOException {
        return new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(recordClass));
    }
}
