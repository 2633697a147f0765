package io.warden.jobs.monitor;

import io.warden.jobs.clients.BlacklightModels;
import io.warden.jobs.clients.ClientModels;
import io.warden.jobs.clients.ClientStage;
import io.warden.jobs.clients.EvasionCampaigns;
import io.warden.jobs.config.ConfigException;
import io.warden.jobs.config.InputSettings;
import io.warden.jobs.config.JobSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.drift.DriftStage;
import io.warden.jobs.kafka.KafkaConnectors;
import io.warden.jobs.kafka.TopicAdmin;
import io.warden.jobs.onnx.OnnxDetectors;
import io.warden.jobs.onnx.OnnxStage;
import io.warden.jobs.performance.PerformanceStage;
import io.warden.jobs.poisoning.PoisoningStage;
import io.warden.jobs.policy.PolicyDecisions;
import io.warden.jobs.sequential.SequentialModels;
import io.warden.jobs.sequential.SequentialStage;
import io.warden.schemas.AdversarialExample;
import io.warden.schemas.Alert;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DriftReport;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.ModelRollout;
import io.warden.schemas.PerformanceReport;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.SourceRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The live monitor job: decoded and validated input, the request/response join, the per-request
 * detectors (confidence, bring-your-own ONNX), windowed drift, sequential change detection,
 * realised performance from feedback, and the outputs. Sources and sinks are injected, so tests and
 * {@code warden demo} wire the same graph to other endpoints; {@link MonitorJobMain} wires Kafka.
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
     * @param driftReports may be null when no model has drift on
     * @param performanceReports may be null when no model has realised performance on
     * @param adversarialExamples null unless {@code topics.adversarial-examples}
     */
    public record Outputs(
            Sink<Alert> alerts,
            Sink<DeadLetter> deadLetters,
            Sink<ScoreRecord> scores,
            Sink<DriftReport> driftReports,
            Sink<PerformanceReport> performanceReports,
            Sink<QuarantineDecision> decisions,
            Sink<AdversarialExample> adversarialExamples) {}

    /** Checkpointing and parallelism as the config says. */
    public static void configure(StreamExecutionEnvironment env, WardenConfig config) {
        JobSettings job = config.job();
        env.enableCheckpointing(
                job.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        if (job.parallelism() != null) {
            env.setParallelism(job.parallelism());
        }
        if (job.checkpointDir() != null) {
            Configuration storage = new Configuration();
            storage.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            storage.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, job.checkpointDir());
            env.configure(storage);
        }
        if (job.stateBackend() == JobSettings.StateBackend.ROCKSDB) {
            Configuration backend = new Configuration();
            backend.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
            backend.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            env.configure(backend);
        }
    }

    /**
     * The config for a run on a local MiniCluster: checkpoints in a folder of the system's temp
     * directory unless the config names one (Flink's default keeps them in memory, which refuses
     * state beyond a few megabytes).
     */
    public static WardenConfig forLocalRun(WardenConfig config) {
        if (config.job().checkpointDir() != null) {
            return config;
        }
        java.nio.file.Path dir =
                java.nio.file.Path.of(
                        System.getProperty("java.io.tmpdir"),
                        "warden-checkpoints",
                        config.job().name());
        return config.withJob(config.job().withCheckpointDir(dir.toUri().toString()));
    }

    /**
     * Event time from each record's own time, bounded out-of-orderness and, for a live (unbounded)
     * read, idleness: a partition silent for {@code input.idle-timeout} stops holding back the
     * watermark.
     *
     * <p>A bounded read (a backlog, a replay) has no idle partitions, only finished ones, and Flink
     * already leaves finished splits out of the watermark. Idleness would there only do harm: while
     * the source reads some partitions far ahead of others, a partition whose records wait unread
     * longer than the timeout would be taken for idle, the watermark would run ahead of it, and its
     * requests would be orphaned (see FLINK-40234). So bounded reads go without it.
     */
    public static WatermarkStrategy<Ingested> watermarks(InputSettings input, boolean bounded) {
        WatermarkStrategy<Ingested> strategy =
                WatermarkStrategy.<Ingested>forBoundedOutOfOrderness(input.maxOutOfOrderness())
                        .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTime);
        return bounded ? strategy : strategy.withIdleness(input.idleTimeout());
    }

    /**
     * The Kafka input: decoded, validated, with per-partition watermarks.
     *
     * @param bounded read to the end offsets at start-up, then finish
     */
    public static DataStream<Ingested> kafkaInput(
            StreamExecutionEnvironment env, WardenConfig config, boolean bounded) {
        return env.fromSource(
                        KafkaConnectors.inputSource(config, bounded),
                        watermarks(config.input(), bounded),
                        "kafka-input")
                .uid("kafka-input");
    }

    /**
     * The control topic's roll-out records ({@code topics.control}), read by one source subtask so
     * that every scoring subtask sees them in the same order; null when the config names no control
     * topic or no model has ONNX detectors.
     *
     * @param bounded read to the end offsets at start-up, then finish
     */
    public static DataStream<ModelRollout> kafkaControl(
            StreamExecutionEnvironment env, WardenConfig config, boolean bounded) {
        if (config.topics().control() == null
                || config.models().stream().noneMatch(m -> m.detectors().anyOnnx())) {
            return null;
        }
        return env.fromSource(
                        KafkaConnectors.controlSource(config, bounded),
                        WatermarkStrategy.noWatermarks(),
                        "kafka-control")
                .setParallelism(1)
                .uid("kafka-control");
    }

    /**
     * Kafka sinks for the alerts, dead-letter, drift, performance and (optionally) scores and
     * decisions topics.
     */
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
                        : null,
                KafkaConnectors.sink(
                        config, config.topics().drift(), DriftReport::getReportId, "drift"),
                KafkaConnectors.sink(
                        config,
                        config.topics().performance(),
                        PerformanceReport::getReportId,
                        "performance"),
                config.policy().rules().isEmpty()
                        ? null
                        : KafkaConnectors.sink(
                                config,
                                config.topics().decisions(),
                                QuarantineDecision::getDecisionId,
                                "decisions"),
                config.topics().adversarialExamples() == null
                        ? null
                        : KafkaConnectors.sink(
                                config,
                                config.topics().adversarialExamples(),
                                AdversarialExample::getAlertId,
                                "adversarial"));
    }

    /**
     * Adds the monitor graph from {@code input} (with timestamps and watermarks) to the outputs.
     */
    public static void build(WardenConfig config, DataStream<Ingested> input, Outputs outputs) {
        build(config, input, null, outputs);
    }

    /**
     * Adds the monitor graph from {@code input} (with timestamps and watermarks) to the outputs,
     * rolling the ONNX models that {@code control} names into the running job.
     *
     * @param control roll-out records ({@link #kafkaControl}), or null for none
     */
    public static void build(
            WardenConfig config,
            DataStream<Ingested> input,
            DataStream<ModelRollout> control,
            Outputs outputs) {
        ModelCatalog catalog = ModelCatalog.from(config);
        TrafficValidator validator = new TrafficValidator(config);

        SingleOutputStreamOperator<Ingested> routed =
                input.process(new RouteIngested()).name("route").uid("route");

        // Split input: requests and responses meet in the join. Combined input: events come
        // whole. Only the branch in use is built, so that scoring chains to its input.
        DataStream<DeadLetter> deadLetters = routed.getSideOutput(RouteIngested.DEAD_LETTERS);
        DataStream<InferenceEvent> events;
        if (config.input().mode() == InputSettings.Mode.SPLIT) {
            SingleOutputStreamOperator<InferenceEvent> joined =
                    routed.keyBy(Ingested::requestId)
                            .process(
                                    new RequestResponseJoin(
                                            config.input().joinTimeout(), validator))
                            .name("join-request-response")
                            .uid("join-request-response");
            deadLetters = deadLetters.union(joined.getSideOutput(RequestResponseJoin.DEAD_LETTERS));
            events = joined;
        } else {
            events = routed.getSideOutput(RouteIngested.EVENTS);
        }

        SingleOutputStreamOperator<ScoreRecord> scored =
                events.process(new ConfidenceScoring(catalog))
                        .name("score-confidence")
                        .uid("score-confidence");

        DataStream<Alert> alerts = scored.getSideOutput(ConfidenceScoring.ALERTS);
        if (!catalog.drift().isEmpty()) {
            if (outputs.driftReports() == null) {
                throw new IllegalArgumentException(
                        "a model has drift detection on, but the job has no drift-report output");
            }
            alerts =
                    alerts.union(
                            DriftStage.build(
                                    config,
                                    catalog.drift(),
                                    scored.getSideOutput(ConfidenceScoring.OBSERVATIONS),
                                    outputs.driftReports()));
        }
        if (catalog.anySequential()) {
            alerts =
                    alerts.union(
                            SequentialStage.build(
                                    config,
                                    SequentialModels.from(config),
                                    scored.getSideOutput(ConfidenceScoring.OBSERVATIONS)));
        }
        if (catalog.anyPerformance()) {
            if (outputs.performanceReports() == null) {
                throw new IllegalArgumentException(
                        "a model has realised performance on, but the job has no performance-report"
                                + " output");
            }
            PerformanceStage.Result performance =
                    PerformanceStage.build(
                            config,
                            scored.getSideOutput(ConfidenceScoring.OBSERVATIONS),
                            routed.getSideOutput(RouteIngested.FEEDBACK),
                            outputs.performanceReports());
            alerts = alerts.union(performance.alerts());
            deadLetters = deadLetters.union(performance.deadLetters());
            if (performance.allLabels() != null) {
                alerts =
                        alerts.union(
                                PoisoningStage.build(
                                        config,
                                        performance.allLabels(),
                                        routed.getSideOutput(RouteIngested.FEEDBACK)));
            }
        }
        if (catalog.anyOnnx()) {
            OnnxStage.Result onnx =
                    OnnxStage.build(
                            OnnxDetectors.from(config),
                            scored.getSideOutput(ConfidenceScoring.OBSERVATIONS),
                            control,
                            outputs.adversarialExamples() != null);
            if (outputs.adversarialExamples() != null) {
                onnx.adversarialExamples()
                        .sinkTo(outputs.adversarialExamples())
                        .name("adversarial-examples-sink")
                        .uid("adversarial-examples-sink");
            }
            DataStream<Alert> evasion = onnx.alerts();
            alerts = alerts.union(evasion);
            EvasionCampaigns campaigns = EvasionCampaigns.from(config);
            if (campaigns != null) {
                alerts = alerts.union(ClientStage.buildCampaigns(campaigns, evasion));
            }
        }
        ClientModels clients = ClientModels.from(config);
        if (!clients.isEmpty()) {
            alerts =
                    alerts.union(
                            ClientStage.build(
                                    clients, scored.getSideOutput(ConfidenceScoring.OBSERVATIONS)));
        }
        BlacklightModels blacklight = BlacklightModels.from(config);
        if (!blacklight.isEmpty()) {
            alerts =
                    alerts.union(
                            ClientStage.buildBlacklight(
                                    blacklight,
                                    scored.getSideOutput(ConfidenceScoring.OBSERVATIONS)));
        }
        alerts.sinkTo(outputs.alerts()).name("alerts-sink").uid("alerts-sink");
        PolicyDecisions policy = PolicyDecisions.from(config);
        if (policy != null) {
            if (outputs.decisions() == null) {
                throw new IllegalArgumentException(
                        "the config has policy rules, but the job has no decisions output");
            }
            alerts.filter(policy::counts)
                    .name("policy-alerts")
                    .uid("policy-alerts")
                    .keyBy(PolicyDecisions::key)
                    .process(policy)
                    .name("policy")
                    .uid("policy")
                    .sinkTo(outputs.decisions())
                    .name("decisions-sink")
                    .uid("decisions-sink");
        }
        deadLetters.sinkTo(outputs.deadLetters()).name("deadletter-sink").uid("deadletter-sink");
        if (outputs.scores() != null) {
            scored.sinkTo(outputs.scores()).name("scores-sink").uid("scores-sink");
        }
    }

    /**
     * The topics this config makes the job read or write, by config key ({@code topics.alerts}
     * ...), in a stable order.
     */
    public static Map<String, String> topicsUsed(WardenConfig config) {
        Map<String, String> used = new LinkedHashMap<>();
        switch (config.input().mode()) {
            case SPLIT -> {
                used.put("topics.requests", config.topics().requests());
                used.put("topics.responses", config.topics().responses());
            }
            case COMBINED -> used.put("topics.events", config.topics().events());
        }
        used.put("topics.alerts", config.topics().alerts());
        used.put("topics.dead-letter", config.topics().deadLetter());
        if (config.job().emitScores()) {
            used.put("topics.scores", config.topics().scores());
        }
        if (config.models().stream()
                .anyMatch(m -> m.detectors().drift() != null && m.detectors().drift().enabled())) {
            used.put("topics.drift", config.topics().drift());
        }
        if (!config.policy().rules().isEmpty()) {
            used.put("topics.decisions", config.topics().decisions());
        }
        if (config.models().stream().anyMatch(ModelCatalog::performanceOn)) {
            used.put("topics.feedback", config.topics().feedback());
            used.put("topics.performance", config.topics().performance());
        }
        if (config.topics().control() != null) {
            used.put("topics.control", config.topics().control());
        }
        if (config.topics().adversarialExamples() != null) {
            used.put("topics.adversarial-examples", config.topics().adversarialExamples());
        }
        return used;
    }

    /**
     * Fails fast, naming the key and topic, when a topic the job needs does not exist: warden
     * creates no topics itself (their partitions and replication are the operator's choice), and a
     * Kafka sink writing to a missing topic would otherwise retry without end.
     *
     * @throws ConfigException listing every missing topic
     */
    public static void checkTopicsExist(WardenConfig config, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        config.kafka().clientProperties().forEach((k, v) -> props.put((String) k, v));
        List<String> missing = new ArrayList<>();
        try (TopicAdmin admin = TopicAdmin.create(props)) {
            for (Map.Entry<String, String> t : topicsUsed(config).entrySet()) {
                if (!admin.exists(t.getValue(), timeout)) {
                    missing.add(
                            t.getKey()
                                    + ": topic '"
                                    + t.getValue()
                                    + "' does not exist on "
                                    + config.kafka().bootstrapServers()
                                    + " (create it, or name another)");
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new ConfigException("kafka topics", missing);
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
