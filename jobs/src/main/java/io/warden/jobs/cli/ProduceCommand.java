package io.warden.jobs.cli;

import io.warden.jobs.config.TopicSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.jobs.kafka.TopicAdmin;
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
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code warden produce}. */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = {
            "Writes records from a file to an existing topic: JSON Lines (warden JSON or Open"
                    + " Inference Protocol v2 JSON, one record per line) or an Avro container file."
                    + " Records are checked and re-encoded (Avro single-object by default), keyed by"
                    + " their id; every send is confirmed by the broker before the command succeeds.",
            "JSON records without an event time get the current time; OIP requests without a"
                    + " model name get the config's model when it configures exactly one.",
            "Exit codes: 0 all records written, 1 a line that does not decode (named with its line"
                    + " number), a missing topic or a failed send, 2 wrong usage, 3 a broken config."
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

    /** How long to wait for the broker's answer whether the topic exists. */
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    @Spec CommandSpec spec;

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
            description =
                    "request, response, event or feedback (default: from the topic's role or"
                            + " configured name).")
    RecordType type;

    @Option(
            names = "--encoding",
            defaultValue = "avro",
            description =
                    "avro (single-object), json (warden JSON) or raw (each line's bytes unchanged,"
                            + " keyed by the id where the line decodes and unkeyed where it does"
                            + " not; JSONL only). Default ${DEFAULT-VALUE}.")
    Encoding encoding;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description = "Records per second; 0 = as fast as possible.")
    double rate;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (rate < 0 || Double.isNaN(rate)) {
            err.println("warden produce: --rate must be 0 (unlimited) or positive");
            return WardenCli.EXIT_USAGE;
        }
        RecordType recordType = type != null ? type : typeOf(topic, kafka.topics());
        if (recordType == null) {
            err.println(
                    "warden produce: give --type for topic '"
                            + topic
                            + "' (it is neither a role nor a configured input topic)");
            return WardenCli.EXIT_USAGE;
        }
        if (!Files.isRegularFile(file)) {
            err.println("warden produce: file not found: " + file);
            return WardenCli.EXIT_USAGE;
        }
        boolean avroFile = file.getFileName().toString().endsWith(".avro");
        if (avroFile && encoding == Encoding.raw) {
            err.println("warden produce: --encoding raw applies to JSON Lines files only");
            return WardenCli.EXIT_USAGE;
        }
        String target = kafka.topic(topic);
        Map<String, Object> props = kafka.clientProperties();
        // A producer waits max.block.ms (60 s) for the metadata of a missing topic, once per
        // record: ask first and fail fast.
        try (TopicAdmin admin = TopicAdmin.create(props)) {
            if (!admin.exists(target, ADMIN_TIMEOUT)) {
                err.println(
                        "warden produce: topic '"
                                + target
                                + "' does not exist on "
                                + props.get("bootstrap.servers")
                                + "; create it first");
                return WardenCli.EXIT_FAILURE;
            }
        }
        long total = avroFile ? -1 : countLines(file);
        Progress progress = new Progress(err, "records to " + target, total);
        InboundContext context =
                new InboundContext(
                        InputFormat.AUTO, defaultModel(), null, System.currentTimeMillis());
        long sent = 0;
        long startNanos = System.nanoTime();
        try (CheckedProducer producer = CheckedProducer.create(props)) {
            if (avroFile) {
                try (DataFileReader<? extends SpecificRecord> reader =
                        avroReader(recordType.type)) {
                    for (SpecificRecord r : reader) {
                        send(producer, target, key(r), encode(r));
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
                            r = decode(decoder, recordType, bytes, context);
                        } catch (CodecException e) {
                            if (encoding != Encoding.raw) {
                                progress.clear();
                                err.println(
                                        "warden produce: "
                                                + file
                                                + " line "
                                                + lineNo
                                                + ": "
                                                + e.getMessage());
                                producer.flush();
                                err.println(
                                        "warden produce: " + sent + " records before it were sent");
                                return WardenCli.EXIT_FAILURE;
                            }
                            // raw: sent as it is (e.g. to exercise the dead-letter path), unkeyed.
                            r = null;
                        }
                        byte[] value = encoding == Encoding.raw ? bytes : encode(r);
                        send(producer, target, r == null ? null : key(r), value);
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

    /** Sends, and stops at the first record the broker refused rather than at the end. */
    private static void send(CheckedProducer producer, String topic, byte[] key, byte[] value) {
        producer.send(topic, key, value);
        if (producer.failed() > 0) {
            producer.flush(); // throws, naming the first failure
        }
    }

    /** With exactly one configured model, OIP requests need not name it (as in the job). */
    private String defaultModel() {
        WardenConfig c = kafka.config();
        return c != null && c.models().size() == 1 ? c.models().get(0).name() : null;
    }

    private <T extends SpecificRecord> DataFileReader<T> avroReader(Class<T> type)
            throws IOException {
        return new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(type));
    }

    /** The record type of a topic role or a configured input topic's name; null if neither. */
    static RecordType typeOf(String topic, TopicSettings topics) {
        return switch (topic) {
            case "requests" -> RecordType.request;
            case "responses" -> RecordType.response;
            case "events" -> RecordType.event;
            case "feedback" -> RecordType.feedback;
            default -> {
                if (topic.equals(topics.requests())) {
                    yield RecordType.request;
                } else if (topic.equals(topics.responses())) {
                    yield RecordType.response;
                } else if (topic.equals(topics.events())) {
                    yield RecordType.event;
                } else if (topic.equals(topics.feedback())) {
                    yield RecordType.feedback;
                }
                yield null;
            }
        };
    }

    private static SpecificRecord decode(
            InboundDecoder decoder, RecordType type, byte[] bytes, InboundContext ctx)
            throws CodecException {
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
