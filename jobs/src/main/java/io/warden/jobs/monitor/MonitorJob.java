package io.warden.jobs.monitor;

import io.warden.jobs.config.InputSettings;
import io.warden.jobs.config.JobSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.kafka.KafkaConnectors;
import io.warden.schemas.Alert;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.SourceRef;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The live monitor job: decoded and validated input, the request/response join, the per-request
 * detectors, and the outputs. Sources and sinks are injected, so tests and {@code warden demo} wire
 * the same graph to other endpoints; {@link MonitorJobMain} wires Kafka.
 *
 * <pre>{@code
 * StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
 * MonitorJob.configure(env, config);
 * MonitorJob.build(config, MonitorJob.kafkaInput(env, config, false), MonitorJob.kafkaOutputs(config));
 * env.execute(config.job().name());
 * }</pre>
 *
 * <p>Every stateful operator, source and sink has a stable uid, so savepoints survive changes to
 * the rest of the graph.
 */
public final class MonitorJob {
    private MonitorJob() {}

    /**
     * Where the monitor job's results go.
     *
     * @param scores null unless {@code job.emit-scores}
     */
    public record Outputs(
            Sink<Alert> alerts, Sink<DeadLetter> deadLetters, Sink<ScoreRecord> scores) {}

    /** Checkpointing and parallelism as the config says. */
    public static void configure(StreamExecutionEnvironment env, WardenConfig config) {
        JobSettings job = config.job();
        env.enableCheckpointing(
                job.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        if (job.parallelism() != null) {
            env.setParallelism(job.parallelism());
        }
    }

    /** Event time from each record's own time, bounded out-of-orderness and idleness. */
    public static WatermarkStrategy<Ingested> watermarks(InputSettings input) {
        return WatermarkStrategy.<Ingested>forBoundedOutOfOrderness(input.maxOutOfOrderness())
                .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTime)
                .withIdleness(input.idleTimeout());
    }

    /** The Kafka input: decoded, validated, with per-partition watermarks. */
    public static DataStream<Ingested> kafkaInput(
            StreamExecutionEnvironment env, WardenConfig config, boolean bounded) {
        return env.fromSource(
                        KafkaConnectors.inputSource(config, bounded),
                        watermarks(config.input()),
                        "kafka-input")
                .uid("kafka-input");
    }

    /** Kafka sinks for the alerts, dead-letter and (optionally) scores topics. */
    public static Outputs kafkaOutputs(WardenConfig config) {
        return new Outputs(
                KafkaConnectors.sink(config, config.topics().alerts(), Alert::getAlertId, "alerts"),
                KafkaConnectors.sink(
                        config,
                        config.topics().deadLetter(),
                        MonitorJob::deadLetterKey,
                        "deadletter"),
                config.job().emitScores()
                        ? KafkaConnectors.sink(
                                config,
                                config.topics().scores(),
                                ScoreRecord::getRequestId,
                                "scores")
                        : null);
    }

    /**
     * Adds the monitor graph from {@code input} (with timestamps and watermarks) to the outputs.
     */
    public static void build(WardenConfig config, DataStream<Ingested> input, Outputs outputs) {
        ModelCatalog catalog = ModelCatalog.from(config);
        TrafficValidator validator = new TrafficValidator(config);

        SingleOutputStreamOperator<Ingested> routed =
                input.process(new RouteIngested()).name("route").uid("route");

        SingleOutputStreamOperator<InferenceEvent> joined =
                routed.keyBy(Ingested::requestId)
                        .process(new RequestResponseJoin(config.input().joinTimeout(), validator))
                        .name("join-request-response")
                        .uid("join-request-response");

        SingleOutputStreamOperator<ScoreRecord> scored =
                joined.union(routed.getSideOutput(RouteIngested.EVENTS))
                        .process(new ConfidenceScoring(catalog))
                        .name("score-confidence")
                        .uid("score-confidence");

        scored.getSideOutput(ConfidenceScoring.ALERTS)
                .sinkTo(outputs.alerts())
                .name("alerts-sink")
                .uid("alerts-sink");
        routed.getSideOutput(RouteIngested.DEAD_LETTERS)
                .union(joined.getSideOutput(RequestResponseJoin.DEAD_LETTERS))
                .sinkTo(outputs.deadLetters())
                .name("deadletter-sink")
                .uid("deadletter-sink");
        if (outputs.scores() != null) {
            scored.sinkTo(outputs.scores()).name("scores-sink").uid("scores-sink");
        }
    }

    /** Dead letters are keyed by request id where known, else by where they came from. */
    static String deadLetterKey(DeadLetter d) {
        if (d.getRequestId() != null) {
            return d.getRequestId();
        }
        SourceRef s = d.getSource();
        return s == null ? null : s.getTopic() + "/" + s.getPartition() + "/" + s.getOffset();
    }
}
