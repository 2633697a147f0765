package io.warden.jobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warden.detectors.evaluation.Evaluation;
import io.warden.detectors.evaluation.EvaluationReport;
import io.warden.detectors.evaluation.EvaluationText;
import io.warden.detectors.evaluation.GroundTruth;
import io.warden.detectors.evaluation.GroundTruthException;
import io.warden.detectors.evaluation.WardenOutputs;
import io.warden.jobs.evaluate.OutputRecords;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.CodecException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code warden evaluate}. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Scores warden's outputs against a ground truth (docs/evaluation.md): attackers caught"
                    + " and queries until caught, true and false alerts per kind and per detector,"
                    + " per-request detection and false-positive rates, AUC of per-request scores,"
                    + " decisions on benign subjects, and drift detection delays.",
            "Outputs come from files (--file: JSON Lines as 'warden tail --json' prints them, or"
                    + " Avro container files; request or event files add the request stream) or,"
                    + " without --file, from the topics: everything from the earliest offset up to"
                    + " the end offsets when the command starts.",
            "Exit codes: 0 evaluated, 1 an unreadable file or record, a missing topic or a Kafka"
                    + " failure, 2 wrong usage, 3 a broken config."
        })
final class EvaluateCommand implements Callable<Integer> {
    /**
     * Topics read without --file; {@code scores} may be missing (the job's scores are optional).
     */
    static final List<String> DEFAULT_TOPICS = List.of("alerts", "decisions", "drift", "scores");

    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration STALL = Duration.ofSeconds(30);

    @Spec CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Option(
            names = {"-t", "--truth"},
            required = true,
            paramLabel = "FILE",
            description = "The ground truth, JSON Lines (docs/evaluation.md).")
    Path truth;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            description =
                    "A file of warden outputs (alerts, decisions, drift reports, scores) or"
                            + " traffic (requests, events); repeatable. Without it the topics are"
                            + " read.")
    List<Path> files = new ArrayList<>();

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            description =
                    "Topic name or role to read (repeatable; default: alerts, decisions, drift and"
                            + " scores if it exists).")
    List<String> topics = new ArrayList<>();

    @Option(
            names = "--drift-grace",
            paramLabel = "SECONDS",
            defaultValue = "0",
            description =
                    "Model-level alerts up to this long after a drift period's end still count as"
                            + " detecting it (default ${DEFAULT-VALUE}).")
    double driftGraceSeconds;

    @Option(names = "--json", description = "The report as one JSON document.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (driftGraceSeconds < 0 || Double.isNaN(driftGraceSeconds)) {
            err.println("warden evaluate: --drift-grace must not be negative");
            return WardenCli.EXIT_USAGE;
        }
        GroundTruth groundTruth;
        WardenOutputs outputs = new WardenOutputs();
        try {
            groundTruth = GroundTruth.read(truth);
            groundTruth
                    .skippedKinds()
                    .forEach(
                            (kind, n) ->
                                    err.printf(
                                            "warden evaluate: skipped %d truth lines of unknown kind"
                                                    + " '%s'%n",
                                            n, kind));
            if (files.isEmpty()) {
                String missing = readTopics(outputs, err);
                if (missing != null) {
                    err.println("warden evaluate: " + missing);
                    return WardenCli.EXIT_FAILURE;
                }
            }
            for (Path f : files) {
                OutputRecords.FileCounts c = OutputRecords.read(f, outputs);
                if (c.skipped() > 0) {
                    err.printf(
                            "warden evaluate: %s: %d records of kinds not evaluated skipped%n",
                            f, c.skipped());
                }
            }
        } catch (GroundTruthException | CodecException e) {
            err.println("warden evaluate: " + e.getMessage());
            return WardenCli.EXIT_FAILURE;
        }
        EvaluationReport report =
                Evaluation.evaluate(
                        groundTruth,
                        outputs,
                        Duration.ofMillis(Math.round(driftGraceSeconds * 1000)));
        out.print(json ? toJson(report) + System.lineSeparator() : EvaluationText.render(report));
        out.flush();
        return 0;
    }

    static String toJson(EvaluationReport report) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the report does not serialise", e);
        }
    }

    /**
     * Reads the topics from their earliest records to their end offsets at the start.
     *
     * @return an error message (a topic that does not exist), or null
     */
    private String readTopics(WardenOutputs outputs, PrintWriter err) throws CodecException {
        List<String> roles = topics.isEmpty() ? DEFAULT_TOPICS : topics;
        try (AssignedConsumer assigned = new AssignedConsumer(kafka)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String role : roles) {
                String name = kafka.topic(role);
                List<TopicPartition> of = assigned.partitionsOf(name);
                if (of.isEmpty() && topics.isEmpty() && role.equals("scores")) {
                    err.println(
                            "warden evaluate: no scores topic ("
                                    + name
                                    + "): no per-request rates, AUC or query counts from it");
                } else if (of.isEmpty()) {
                    return assigned.missing(name);
                }
                partitions.addAll(of);
            }
            KafkaConsumer<byte[], byte[]> consumer = assigned.consumer();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long skipped = 0;
            long lastProgress = System.nanoTime();
            while (!reachedEnd(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    lastProgress = System.nanoTime();
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    try {
                        if (!OutputRecords.add(
                                outputs, AvroCodec.standard().decodeAny(r.value()))) {
                            skipped++;
                        }
                    } catch (CodecException e) {
                        throw new CodecException(
                                r.topic()
                                        + "/"
                                        + r.partition()
                                        + "@"
                                        + r.offset()
                                        + ": not a warden Avro record: "
                                        + e.getMessage(),
                                e);
                    }
                }
                if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                    throw new IllegalStateException(
                            "no progress towards the end offsets " + end + " for " + STALL);
                }
            }
            if (skipped > 0) {
                err.printf("warden evaluate: %d records of kinds not evaluated skipped%n", skipped);
            }
        }
        return null;
    }

    private static boolean reachedEnd(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
