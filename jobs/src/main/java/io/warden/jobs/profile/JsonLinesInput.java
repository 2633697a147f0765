package io.warden.jobs.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.codec.CodecException;
import io.warden.schemas.codec.InboundContext;
import io.warden.schemas.codec.InboundDecoder;
import io.warden.schemas.codec.InputFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * A JSON Lines file (optionally gzip-compressed, {@code .gz}) of inference events or requests, one
 * record per line in warden JSON, or Open Inference Protocol v2 JSON for requests. Blank lines are
 * skipped; a line that does not decode is an UNDECODABLE record naming its line.
 *
 * <p>A record without a model name is taken to be of the profiled model; one without an event time
 * gets the epoch (a reference file needs none: the profile does not depend on time).
 */
final class JsonLinesInput implements ReferenceInput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final RecordType type;
    private final InboundContext context;

    private JsonLinesInput(Path file, RecordType type, String modelName, String modelVersion) {
        this.file = file;
        this.type = type;
        this.context = new InboundContext(InputFormat.AUTO, modelName, modelVersion, 0L);
    }

    /**
     * @param type what the lines hold, or null to tell from the first line: an object with both
     *     {@code inputs} and {@code outputs} is an event, anything else a request
     */
    static JsonLinesInput open(Path file, RecordType type, String modelName, String modelVersion)
            throws IOException {
        return new JsonLinesInput(
                file, type != null ? type : detect(file), modelName, modelVersion);
    }

    private static RecordType detect(Path file) throws IOException {
        try (BufferedReader in = TextFiles.reader(file)) {
            String line;
            long lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new ProfileInputException(
                            file
                                    + " line "
                                    + lineNo
                                    + ": not JSON, so the record type cannot be told from it: "
                                    + e.getOriginalMessage()
                                    + " (give --type, or --format for another format)");
                }
                return node.isObject() && node.has("inputs") && node.has("outputs")
                        ? RecordType.EVENT
                        : RecordType.REQUEST;
            }
        }
        return RecordType.REQUEST; // an empty file: nothing to tell, nothing to read
    }

    @Override
    public String description() {
        return file.getFileName() + " (JSON Lines of " + TextFiles.plural(type) + ")";
    }

    @Override
    public boolean hasPredictions() {
        return type.hasPredictions();
    }

    @Override
    public long expectedRecords() throws IOException {
        if (TextFiles.gzipped(file)) {
            return -1;
        }
        long n = 0;
        try (BufferedReader in = TextFiles.reader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public void read(Consumer<InputRecord> sink, LongConsumer progress) throws IOException {
        InboundDecoder decoder = InboundDecoder.standard();
        String name = file.getFileName().toString();
        long read = 0;
        try (BufferedReader in = TextFiles.reader(file)) {
            String line;
            long lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String location = name + " line " + lineNo;
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                SpecificRecord record;
                try {
                    record =
                            type == RecordType.EVENT
                                    ? decoder.decodeEvent(bytes, context)
                                    : decoder.decodeRequest(bytes, context);
                } catch (CodecException e) {
                    sink.accept(
                            InputRecord.rejected(
                                    location, DeadLetterReason.UNDECODABLE, e.getMessage()));
                    progress.accept(++read);
                    continue;
                }
                sink.accept(InputRecord.of(location, record));
                progress.accept(++read);
            }
        }
    }
}
