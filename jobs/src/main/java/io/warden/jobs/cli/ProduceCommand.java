package io.warden.jobs.cli;

import io.warden.jobs.kafka.CheckedProducer;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.CodecException;
import io.warden.schemas.codec.InboundContext;
import io.warden.schemas.codec.InboundDecoder;
import io.warden.schemas.codec.InputFormat;
import io.warden.schemas.codec.JsonCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code warden produce}. */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = {
            "Writes records from a file to a topic: JSON Lines (warden JSON or Open Inference"
                    + " Protocol v2 JSON, one record per line) or an Avro container file. Records are"
                    + " checked and re-encoded (Avro single-object by default), keyed by their id; every"
                    + " send is confirmed by the broker before the command succeeds."
        })
final class ProduceCommand implements Callable<Integer> {
    /** What the file holds. */
    enum RecordType {
        request(InferenceRequest.class),
        response(InferenceResponse.class),
        event(InferenceEvent.class),
        feedback(FeedbackRecord.class);

        final Class<? extends SpecificRecord> type;

        RecordType(Class<? extends SpecificRecord> type) {
            this.type = type;
        }
    }

    /** How records are written to the topic. */
    enum Encoding {
        avro,
        json,
        raw
    }

    @Mixin KafkaOptions kafka;

    @Option(
            names = {"-t", "--topic"},
            required = true,
            description = "Topic name, or a role: requests, responses, events, feedback.")
    String topic;

    @Option(
            names = {"-f", "--file"},
            required = true,
            description = "A .jsonl file or an .avro container file.")
    Path file;

    @Option(
            names = "--type",
            description = "request, response, event or feedback (default: from the topic role).")
    RecordType type;

    @Option(
            names = "--encoding",
            defaultValue = "avro",
            description =
                    "avro (single-object), json (warden JSON) or raw (each line's bytes unchanged; JSONL only). Default ${DEFAULT-VALUE}.")
    Encoding encoding;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description = "Records per second; 0 = as fast as possible.")
    double rate;

    @Override
    public Integer call() throws Exception {
        RecordType recordType = type != null ? type : typeOfRole(topic);
        if (recordType == null) {
            System.err.println("warden produce: give --type for topic '" + topic + "'");
            return WardenCli.EXIT_USAGE;
        }
        if (!Files.isRegularFile(file)) {
            System.err.println("warden produce: file not found: " + file);
            return WardenCli.EXIT_USAGE;
        }
        String target = kafka.topic(topic);
        boolean avroFile = file.getFileName().toString().endsWith(".avro");
        if (avroFile && encoding == Encoding.raw) {
            System.err.println("warden produce: --encoding raw applies to JSON Lines files only");
            return WardenCli.EXIT_USAGE;
        }
        long total = avroFile ? -1 : countLines(file);
        Progress progress = new Progress(System.err, "records to " + target, total);
        long sent = 0;
        long startNanos = System.nanoTime();
        try (CheckedProducer producer = CheckedProducer.create(kafka.clientProperties())) {
            if (avroFile) {
                try (DataFileReader<? extends SpecificRecord> reader =
                        avroReader(recordType.type)) {
                    for (SpecificRecord r : reader) {
                        producer.send(target, key(r), encode(r));
                        pace(++sent, startNanos);
                        progress.update(sent);
                    }
                }
            } else {
                InboundDecoder decoder = InboundDecoder.standard();
                try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    String line;
                    long lineNo = 0;
                    while ((line = in.readLine()) != null) {
                        lineNo++;
                        if (line.isBlank()) {
                            continue;
                        }
                        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                        SpecificRecord r;
                        try {
                            r = decode(decoder, recordType, bytes);
                        } catch (CodecException e) {
                            if (encoding != Encoding.raw) {
                                System.err.println();
                                System.err.println(
                                        "warden produce: "
                                                + file
                                                + " line "
                                                + lineNo
                                                + ": "
                                                + e.getMessage());
                                producer.flush();
                                System.err.println(
                                        "warden produce: " + sent + " records before it were sent");
                                return WardenCli.EXIT_FAILURE;
                            }
                            r = null;
                        }
                        byte[] value = encoding == Encoding.raw ? bytes : encode(r);
                        producer.send(target, r == null ? null : key(r), value);
                        pace(++sent, startNanos);
                        progress.update(sent);
                    }
                }
            }
            producer.flush();
        }
        progress.finish(sent);
        return 0;
    }

    private <T extends SpecificRecord> DataFileReader<T> avroReader(Class<T> type)
            throws IOException {
        return new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(type));
    }

    private static RecordType typeOfRole(String topic) {
        return switch (topic) {
            case "requests" -> RecordType.request;
            case "responses" -> RecordType.response;
            case "events" -> RecordType.event;
            case "feedback" -> RecordType.feedback;
            default -> null;
        };
    }

    private static SpecificRecord decode(InboundDecoder decoder, RecordType type, byte[] bytes)
            throws CodecException {
        InboundContext ctx =
                new InboundContext(InputFormat.AUTO, null, null, System.currentTimeMillis());
        return switch (type) {
            case request -> decoder.decodeRequest(bytes, ctx);
            case response -> decoder.decodeResponse(bytes, ctx);
            case event -> decoder.decodeEvent(bytes, ctx);
            case feedback -> decoder.decodeFeedback(bytes, ctx);
        };
    }

    private byte[] encode(SpecificRecord r) {
        return encoding == Encoding.json
                ? JsonCodec.standard().encode(r)
                : AvroCodec.standard().encode(r);
    }

    private static byte[] key(SpecificRecord r) {
        Object id =
                r instanceof FeedbackRecord f
                        ? f.getFeedbackId()
                        : r.get(r.getSchema().getField("request_id").pos());
        return id == null ? null : id.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void pace(long sent, long startNanos) throws InterruptedException {
        if (rate > 0) {
            long due = startNanos + (long) (sent * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
    }

    private static long countLines(Path file) throws IOException {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).count();
        }
    }
}
