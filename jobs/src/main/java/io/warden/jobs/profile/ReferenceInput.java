package io.warden.jobs.profile;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A source of reference data: a file (JSON Lines, Avro container, CSV) or a time range of a topic.
 * It hands over its records in a fixed order (file order; partition by partition, each in offset
 * order), so the same data gives the same profile.
 */
public interface ReferenceInput extends AutoCloseable {

    /** What the data is, for messages and the profile's {@code source}, e.g. {@code train.csv}. */
    String description();

    /** Whether the records carry the model's outputs (a profile with predictions). */
    boolean hasPredictions();

    /** The number of records to read, for a progress bar; negative when unknown. */
    long expectedRecords() throws IOException;

    /**
     * Reads every record and hands it to {@code sink}, in the input's order.
     *
     * @param progress told the number of records read so far, now and then
     * @throws IOException if reading fails
     * @throws ProfileInputException if the data cannot be read as a whole
     */
    void read(Consumer<InputRecord> sink, LongConsumer progress) throws IOException;

    /** What the user should know about the reading once it is done (e.g. records out of range). */
    default List<String> notes() {
        return List.of();
    }

    /** Releases what the input holds open (a Kafka consumer); files hold nothing between reads. */
    @Override
    default void close() {}
}
