package io.warden.jobs.profile;

import io.warden.schemas.codec.InboundContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Opens the inputs {@code warden profile} reads: reference files and topic ranges. */
public final class ReferenceInputs {
    private ReferenceInputs() {}

    /** The formats of reference files. */
    public enum Format {
        /** JSON Lines: {@code .jsonl}, {@code .ndjson}, {@code .json} (and {@code .gz} of them). */
        JSONL,
        /** Avro container file: {@code .avro}. */
        AVRO,
        /** Comma-separated values with a header: {@code .csv} (and {@code .csv.gz}). */
        CSV;

        /** The format a file's name says, or null if it says none. */
        public static Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".gz")) {
                name = name.substring(0, name.length() - 3);
            }
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
                return JSONL;
            }
            if (name.endsWith(".avro")) {
                return AVRO;
            }
            if (name.endsWith(".csv")) {
                return CSV;
            }
            return null;
        }
    }

    /**
     * A reference file.
     *
     * @param format the file's format, or null to take it from the name
     * @param type what a JSON Lines or Avro file holds, or null to tell from its content
     * @param probabilityColumns a CSV's output columns in class order, or null for {@code
     *     p_<class>} columns if there are any
     * @throws IllegalArgumentException if the format cannot be told, or an option does not apply
     * @throws ProfileInputException if the file cannot be read as that format
     */
    public static ReferenceInput file(
            Path file,
            Format format,
            RecordType type,
            ProfileTarget target,
            List<String> probabilityColumns)
            throws IOException {
        Format f = format != null ? format : Format.of(file);
        if (f == null) {
            throw new IllegalArgumentException(
                    "cannot tell the format of "
                            + file
                            + " from its name (.jsonl, .avro, .csv, optionally .gz for text);"
                            + " give --format");
        }
        if (probabilityColumns != null && f != Format.CSV) {
            throw new IllegalArgumentException("--probability-columns applies to CSV files only");
        }
        if (type != null && f == Format.CSV) {
            throw new IllegalArgumentException(
                    "--type does not apply to CSV files: they hold events when they have output"
                            + " columns, requests otherwise");
        }
        if (f == Format.AVRO && TextFiles.gzipped(file)) {
            throw new IllegalArgumentException(
                    "an Avro container file compresses its blocks itself; give it uncompressed");
        }
        return switch (f) {
            case JSONL ->
                    JsonLinesInput.open(file, type, target.modelName(), target.modelVersion());
            case AVRO -> AvroFileInput.open(file, type);
            case CSV -> CsvInput.open(file, target, probabilityColumns);
        };
    }

    /**
     * What part of a topic to read; see {@link #topic}.
     *
     * @param topic the topic of events or requests
     * @param type what the topic holds
     * @param responsesTopic for requests, the topic of their responses to join, or null to profile
     *     the requests alone (without predictions)
     * @param from start of the event-time range, inclusive
     * @param to end of the event-time range, exclusive
     * @param margin how far Kafka timestamps and event order may stray from event time
     * @param joinTimeout the longest event time between a request and its response
     * @param context how to decode (the config's input format, a default model)
     * @param maxResponses the most responses held for the join
     */
    public record TopicRange(
            String topic,
            RecordType type,
            String responsesTopic,
            Instant from,
            Instant to,
            Duration margin,
            Duration joinTimeout,
            InboundContext context,
            long maxResponses) {}

    /**
     * The records of a topic in an event-time range (see {@code TopicRangeInput} for which offsets
     * are read and how requests are joined with responses). Connects and finds the offsets now.
     *
     * @param clientProperties Kafka consumer properties with {@code bootstrap.servers}
     * @throws ProfileInputException if a topic does not exist
     * @throws IllegalArgumentException if {@code from} is not before {@code to}
     */
    public static ReferenceInput topic(
            Map<String, Object> clientProperties, TopicRange range, ProfileTarget target) {
        if (range.responsesTopic() != null && range.type() != RecordType.REQUEST) {
            throw new IllegalArgumentException("only requests are joined with responses");
        }
        return TopicRangeInput.open(clientProperties, range, target);
    }
}
