package io.warden.jobs.cli;

import io.warden.schemas.Alert;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DriftReport;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.CodecException;
import io.warden.schemas.codec.JsonCodec;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code warden tail}. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = {
            "Prints alerts, decisions, drift reports, scores and dead letters from topics as they"
                    + " arrive, one line each (or JSON with --json). Reads committed records only and"
                    + " commits no offsets."
        })
final class TailCommand implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Parameters(
            arity = "1..*",
            paramLabel = "TOPIC",
            description =
                    "Topic names or roles: alerts, decisions, drift, scores, deadletter, requests, responses, events, feedback.")
    List<String> topics;

    @Option(
            names = "--from-beginning",
            description = "Start at the earliest records instead of new ones.")
    boolean fromBeginning;

    @Option(
            names = {"-n", "--max"},
            description = "Stop after this many records.")
    Long max;

    @Option(
            names = "--idle-timeout",
            description = "Stop after this many seconds without a record.")
    Long idleTimeoutSeconds;

    @Option(
            names = "--json",
            description = "One JSON object per line (warden JSON), for jq and scripts.")
    boolean json;

    @Override
    public Integer call() {
        List<String> names = new ArrayList<>();
        topics.forEach(t -> names.add(kafka.topic(t)));
        Map<String, Object> props = kafka.clientProperties();
        props.put("group.id", "warden-tail-" + UUID.randomUUID());
        props.put("auto.offset.reset", fromBeginning ? "earliest" : "latest");
        props.put("enable.auto.commit", "false");
        props.put("isolation.level", "read_committed");
        long seen = 0;
        long lastRecord = System.nanoTime();
        PrintStream out = System.out;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(names);
            while (max == null || seen < max) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    out.println(render(r));
                    lastRecord = System.nanoTime();
                    if (max != null && ++seen >= max) {
                        break;
                    }
                }
                if (idleTimeoutSeconds != null
                        && System.nanoTime() - lastRecord > idleTimeoutSeconds * 1_000_000_000L) {
                    break;
                }
            }
        }
        return 0;
    }

    String render(ConsumerRecord<byte[], byte[]> r) {
        SpecificRecord value;
        try {
            value = AvroCodec.standard().decodeAny(r.value());
        } catch (CodecException e) {
            return r.topic()
                    + "/"
                    + r.partition()
                    + "@"
                    + r.offset()
                    + " <not an Avro single-object record: "
                    + e.getMessage()
                    + ">";
        }
        if (json) {
            return JsonCodec.standard().toJson(value);
        }
        return oneLine(value);
    }

    /** A short human line per record kind. */
    static String oneLine(SpecificRecord value) {
        if (value instanceof Alert a) {
            return String.format(
                    "%s ALERT %-8s %-20s %s %s:%s  %s",
                    a.getEventTime(),
                    a.getSeverity(),
                    a.getKind(),
                    a.getModelName(),
                    a.getSubject().getType(),
                    a.getSubject().getId(),
                    a.getSummary());
        }
        if (value instanceof DeadLetter d) {
            String where =
                    d.getSource() == null
                            ? ""
                            : d.getSource().getTopic()
                                    + "/"
                                    + d.getSource().getPartition()
                                    + "@"
                                    + d.getSource().getOffset();
            return String.format(
                    "DEAD-LETTER %-13s %s %s  %s",
                    d.getReasonCode(),
                    where,
                    d.getRequestId() == null ? "" : d.getRequestId(),
                    d.getReason());
        }
        if (value instanceof QuarantineDecision q) {
            return String.format(
                    "%s DECISION %s %s:%s  %s",
                    q.getEventTime(),
                    q.getAction(),
                    q.getTarget().getType(),
                    q.getTarget().getId(),
                    q.getSummary());
        }
        if (value instanceof DriftReport d) {
            return String.format(
                    "DRIFT %s [%s, %s) n=%d drifted=%s",
                    d.getModelName(),
                    d.getWindow().getStart(),
                    d.getWindow().getEnd(),
                    d.getSampleCount(),
                    d.getDrifted());
        }
        if (value instanceof ScoreRecord s) {
            return String.format(
                    "%s SCORE %s %s predicted=%s flagged=%s",
                    s.getEventTime(),
                    s.getModelName(),
                    s.getRequestId(),
                    s.getPredictedClass(),
                    s.getFlagged());
        }
        return JsonCodec.standard().toJson(value);
    }
}
