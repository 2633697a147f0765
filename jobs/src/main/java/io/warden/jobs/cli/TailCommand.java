package io.warden.jobs.cli;

import io.warden.schemas.Alert;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DriftReport;
import io.warden.schemas.PerformanceReport;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.CodecException;
import io.warden.schemas.codec.JsonCodec;
import io.warden.schemas.codec.OcsfDetectionFinding;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code warden tail}. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = {
            "Prints alerts, decisions, drift and performance reports, scores and dead letters from topics as they"
                    + " arrive, one line each (or JSON with --json). Reads committed records only"
                    + " (unless -X isolation.level=read_uncommitted), joins no consumer group and"
                    + " commits no offsets.",
            "A value that is not a warden Avro record gets a marker line naming its"
                    + " topic/partition@offset (with --json, on stderr, so stdout stays JSON).",
            "Exit codes: 0 done (--max or --idle-timeout reached), 1 a topic does not exist or"
                    + " Kafka failed, 2 wrong usage, 3 a broken config."
        })
final class TailCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(250);

    @Spec CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Parameters(
            arity = "1..*",
            paramLabel = "TOPIC",
            description =
                    "Topic names or roles: alerts, decisions, drift, performance, scores, deadletter, requests, responses, events, feedback.")
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
            description =
                    "Stop after this many seconds without a record (counted from when reading"
                            + " starts).")
    Long idleTimeoutSeconds;

    @Option(
            names = "--json",
            description = "One JSON object per line (warden JSON), for jq and scripts.")
    boolean json;

    @Option(
            names = "--ocsf",
            description =
                    "Alerts as OCSF Detection Findings (class 2004), one JSON object per line, for"
                            + " SIEMs; other records are skipped (noted on stderr).")
    boolean ocsf;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((max != null && max < 0) || (idleTimeoutSeconds != null && idleTimeoutSeconds < 0)) {
            err.println("warden tail: --max and --idle-timeout must not be negative");
            return WardenCli.EXIT_USAGE;
        }
        Set<String> names = new LinkedHashSet<>();
        topics.forEach(t -> names.add(kafka.topic(t)));
        long seen = 0;
        try (AssignedConsumer assigned = new AssignedConsumer(kafka)) {
            KafkaConsumer<byte[], byte[]> consumer = assigned.consumer();
            List<TopicPartition> partitions = new ArrayList<>();
            for (String name : names) {
                List<TopicPartition> of = assigned.partitionsOf(name);
                if (of.isEmpty()) {
                    err.println("warden tail: " + assigned.missing(name));
                    return WardenCli.EXIT_FAILURE;
                }
                partitions.addAll(of);
            }
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
                // Fix the positions now: records produced from here on are the "new" ones.
                partitions.forEach(consumer::position);
            }
            long lastRecord = System.nanoTime();
            while (max == null || seen < max) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    print(r, out, err);
                    lastRecord = System.nanoTime();
                    if (max != null && ++seen >= max) {
                        break;
                    }
                }
                out.flush();
                if (idleTimeoutSeconds != null
                        && System.nanoTime() - lastRecord > idleTimeoutSeconds * 1_000_000_000L) {
                    break;
                }
            }
        }
        out.flush();
        return 0;
    }

    /**
     * Prints one record. A value that is not a warden record gets a marker line naming where it is:
     * on the output, or with {@code --json} on the error stream so the output stays JSON.
     */
    void print(ConsumerRecord<byte[], byte[]> r, PrintWriter out, PrintWriter err) {
        SpecificRecord value;
        try {
            value = AvroCodec.standard().decodeAny(r.value());
        } catch (CodecException e) {
            String marker =
                    r.topic()
                            + "/"
                            + r.partition()
                            + "@"
                            + r.offset()
                            + " <not a warden Avro record: "
                            + e.getMessage()
                            + ">";
            (json || ocsf ? err : out).println(marker);
            return;
        }
        if (ocsf) {
            if (value instanceof Alert a) {
                out.println(OcsfDetectionFinding.toJson(a));
            } else {
                err.println(
                        r.topic()
                                + "/"
                                + r.partition()
                                + "@"
                                + r.offset()
                                + " <not an alert, skipped with --ocsf>");
            }
            return;
        }
        out.println(json ? JsonCodec.standard().toJson(value) : oneLine(value));
    }

    /** A short human line per record kind. */
    static String oneLine(SpecificRecord value) {
        if (value instanceof Alert a) {
            return String.format(
                    Locale.ROOT,
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
                    Locale.ROOT,
                    "DEAD-LETTER %-13s %s %s  %s",
                    d.getReasonCode(),
                    where,
                    d.getRequestId() == null ? "" : d.getRequestId(),
                    d.getReason());
        }
        if (value instanceof QuarantineDecision q) {
            return String.format(
                    Locale.ROOT,
                    "%s DECISION %s %s:%s  %s",
                    q.getEventTime(),
                    q.getAction(),
                    q.getTarget().getType(),
                    q.getTarget().getId(),
                    q.getSummary());
        }
        if (value instanceof DriftReport d) {
            return String.format(
                    Locale.ROOT,
                    "DRIFT %s [%s, %s) n=%d drifted=%s",
                    d.getModelName(),
                    d.getWindow().getStart(),
                    d.getWindow().getEnd(),
                    d.getSampleCount(),
                    d.getDrifted());
        }
        if (value instanceof PerformanceReport p) {
            return String.format(
                    Locale.ROOT,
                    "PERFORMANCE %s [%s, %s) labelled=%d/%d accuracy=%s reference=%.3f degraded=%s",
                    p.getModelName(),
                    p.getWindow().getStart(),
                    p.getWindow().getEnd(),
                    p.getLabelled(),
                    p.getPredictions(),
                    p.getAccuracy() == null
                            ? "-"
                            : String.format(Locale.ROOT, "%.3f", p.getAccuracy()),
                    p.getReferenceAccuracy(),
                    p.getDegraded());
        }
        if (value instanceof ScoreRecord s) {
            return String.format(
                    Locale.ROOT,
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
