package io.warden.jobs.demo;

import io.warden.detectors.evaluation.Evaluation;
import io.warden.detectors.evaluation.EvaluationReport;
import io.warden.detectors.evaluation.EvaluationText;
import io.warden.detectors.evaluation.GroundTruth;
import io.warden.detectors.evaluation.WardenOutputs;
import io.warden.jobs.config.ConfigLoader;
import io.warden.jobs.config.InputSettings;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.PolicySettings;
import io.warden.jobs.config.TopicSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.demo.DemoTraffic.Planned;
import io.warden.jobs.demo.DemoTraffic.Truth;
import io.warden.jobs.embedded.EmbeddedKafkaCluster;
import io.warden.jobs.evaluate.OutputRecords;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.jobs.monitor.MonitorJob;
import io.warden.jobs.sequential.SequentialAlerts;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.DecisionAction;
import io.warden.schemas.DriftReport;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.PerformanceReport;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.SubjectType;
import io.warden.schemas.TargetType;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.CodecException;
import io.warden.schemas.codec.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code warden demo}: everything in one process. An embedded Kafka broker, the monitor job on a
 * Flink MiniCluster, and {@link DemoTraffic} played against {@link DemoModel} in real time; alerts
 * and dead letters are printed as they arrive, and a summary compares what warden found with the
 * truth. The job runs with the shipped example config ({@code deploy/warden.example.yaml}).
 */
public final class Demo {
    /**
     * @param requests how many requests to play
     * @param rate requests per second (wall clock and event time)
     * @param seed traffic seed
     * @param parallelism Flink parallelism
     * @param showLimit print at most this many alerts and dead letters each
     */
    public record Options(int requests, double rate, long seed, int parallelism, int showLimit) {
        public static Options defaults() {
            return new Options(6000, 400, 42, 2, 40);
        }
    }

    /** What the demo saw, against the truth. */
    public record Summary(
            int requests,
            Map<Truth, Integer> planned,
            long recordsProduced,
            long scored,
            long alerts,
            long truePositives,
            long falsePositives,
            Map<DeadLetterReason, Long> deadLetters,
            double alpha,
            DemoTraffic.Drift drift,
            Instant driftStart,
            Instant driftEnd,
            long driftReports,
            long driftedWindows,
            List<String> driftAlerts,
            List<String> sequentialAlarms,
            long sequentialFalseAlarms,
            long labelsProduced,
            long labelsCounted,
            long labelDeadLetters,
            List<String> performanceReports,
            long degradedWindows,
            List<String> performanceAlerts,
            List<String> attackAlerts,
            long falseAttackAlerts,
            List<String> decisions,
            Poisoning poisoning,
            Duration elapsed,
            EvaluationReport evaluation) {

        /**
         * What became of the feedback poisoners.
         *
         * @param alerts the POISONING alerts about contributors
         * @param flippedRecords records with a flipped label the flipper sent
         * @param flippedQuarantined of those, the ones quarantined
         * @param backdoorRecords records the backdoor poisoner sent
         * @param backdoorQuarantined of those, the ones quarantined
         * @param honestQuarantined honest feedback records quarantined
         * @param honestUnusualQuarantined of those, the ones labelling a drifted or an ambiguous
         *     request
         */
        public record Poisoning(
                List<String> alerts,
                long flippedRecords,
                long flippedQuarantined,
                long backdoorRecords,
                long backdoorQuarantined,
                long honestQuarantined,
                long honestUnusualQuarantined) {}

        /** Every input record was joined (2 per scored request) or dead-lettered. */
        public boolean accountedFor() {
            long dead = deadLetters.values().stream().mapToLong(Long::longValue).sum();
            return 2 * scored + dead == recordsProduced;
        }

        /** Every label was counted in a performance report or dead-lettered. */
        public boolean labelsAccountedFor() {
            return labelsCounted + labelDeadLetters == labelsProduced;
        }

        public double recall() {
            int ambiguous = planned.getOrDefault(Truth.AMBIGUOUS, 0);
            return ambiguous == 0 ? Double.NaN : (double) truePositives / ambiguous;
        }

        public double falsePositiveRate() {
            int benign = planned.getOrDefault(Truth.BENIGN, 0);
            return benign == 0 ? Double.NaN : (double) falsePositives / benign;
        }
    }

    private final Options options;
    private final PrintStream out;
    private final Path truthOut;
    private final Path outputsOut;

    public Demo(Options options, PrintStream out) {
        this(options, out, null, null);
    }

    /**
     * @param truthOut where to write the run's ground truth (JSON Lines for {@code warden
     *     evaluate}), or null
     * @param outputsOut where to write the alerts, decisions, drift reports and scores read (as
     *     {@code warden tail --json} prints them), or null
     */
    public Demo(Options options, PrintStream out, Path truthOut, Path outputsOut) {
        this.options = options;
        this.out = out;
        this.truthOut = truthOut;
        this.outputsOut = outputsOut;
    }

    public Summary run() throws Exception {
        long started = System.nanoTime();
        Path work = Files.createTempDirectory("warden-demo-");
        out.println("warden demo: starting an embedded Kafka broker (KRaft) ...");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            Path trusted =
                    DemoPoisoners.writeTrustedLabels(
                            DemoModel.standard(),
                            work.resolve("trusted-labels.csv"),
                            options.seed() + 7);
            WardenConfig base = live(demoConfig(work, kafka.bootstrapServers()), trusted);
            WardenConfig config =
                    base.withJob(
                            base.job()
                                    .withCheckpointDir(
                                            work.resolve("checkpoints").toUri().toString()));
            TopicSettings t = config.topics();
            kafka.createTopics(
                    2,
                    t.requests(),
                    t.responses(),
                    t.alerts(),
                    t.deadLetter(),
                    t.scores(),
                    t.decisions(),
                    t.drift(),
                    t.feedback(),
                    t.performance());
            out.println("  broker at " + kafka.bootstrapServers() + "; topics created");

            out.println(
                    "warden demo: starting the monitor job on a Flink MiniCluster (parallelism "
                            + options.parallelism()
                            + ") ...");
            StreamExecutionEnvironment env = localEnvironment(options.parallelism());
            MonitorJob.configure(env, config);
            MonitorJob.build(
                    config,
                    MonitorJob.kafkaInput(env, config, false),
                    MonitorJob.kafkaOutputs(config));
            JobClient job = env.executeAsync(config.job().name());

            Watcher watcher =
                    new Watcher(kafka.bootstrapServers(), t, options.showLimit(), outputsOut);
            Thread watcherThread = new Thread(watcher, "warden-demo-watcher");
            watcherThread.setDaemon(true);
            watcherThread.start();

            out.printf(
                    Locale.ROOT,
                    "warden demo: playing %,d requests at %.0f/s to %s and %s%n",
                    options.requests(),
                    options.rate(),
                    t.requests(),
                    t.responses());
            Map<Truth, Integer> planned = new EnumMap<>(Truth.class);
            DemoTraffic.Drift drift =
                    new DemoTraffic.Drift(
                            (long) (options.requests() * 0.4),
                            (long) (options.requests() * 0.65),
                            List.of("f2", "f5"),
                            1.5);
            Instant start = Instant.now();
            watcher.driftStart = timeOf(start, drift.from());
            watcher.driftEnd = timeOf(start, drift.to());
            out.printf(
                    Locale.ROOT,
                    "  covariate drift planned: features %s shifted by +%.1f sd for requests %,d to %,d%n",
                    drift.features(),
                    drift.shift(),
                    drift.from(),
                    drift.to());
            AtomicLong labels = new AtomicLong();
            DemoTruth demoTruth = new DemoTruth();
            long produced = play(kafka, t, planned, watcher, drift, start, labels, demoTruth);

            out.println(
                    "warden demo: traffic done; draining the job (final watermark flushes waiting joins) ...");
            job.stopWithSavepoint(
                            true,
                            work.resolve("savepoints").toUri().toString(),
                            SavepointFormatType.CANONICAL)
                    .get(2, TimeUnit.MINUTES);
            watcher.awaitQuiet(Duration.ofSeconds(3), Duration.ofSeconds(30));
            watcher.stop();
            watcherThread.join(10_000);
            GroundTruth truth =
                    demoTruth.truth(
                            drift,
                            timeOf(start, drift.from()),
                            timeOf(start, drift.to()),
                            watcher.poisonedRecords);
            if (truthOut != null) {
                truth.write(truthOut);
            }

            Summary s =
                    new Summary(
                            options.requests(),
                            planned,
                            produced,
                            watcher.scored.get(),
                            watcher.alerts.get(),
                            watcher.truePositives.get(),
                            watcher.falsePositives.get(),
                            watcher.deadLetterCounts(),
                            config.models().get(0).detectors().confidence().alpha(),
                            drift,
                            timeOf(start, drift.from()),
                            timeOf(start, drift.to()),
                            watcher.driftReports.get(),
                            watcher.driftedWindows.get(),
                            List.copyOf(watcher.driftAlerts),
                            List.copyOf(watcher.sequentialAlarms),
                            watcher.sequentialFalseAlarms.get(),
                            labels.get(),
                            watcher.labelsCounted.get(),
                            watcher.labelDeadLetters.get(),
                            List.copyOf(watcher.performanceReports),
                            watcher.degradedWindows.get(),
                            List.copyOf(watcher.performanceAlerts),
                            List.copyOf(watcher.attackAlerts),
                            watcher.falseAttackAlerts.get(),
                            List.copyOf(watcher.decisions),
                            new Summary.Poisoning(
                                    List.copyOf(watcher.poisoningAlerts),
                                    watcher.poisonedRecords.size() - watcher.backdoorRecords(),
                                    watcher.flippedQuarantined.get(),
                                    watcher.backdoorRecords(),
                                    watcher.backdoorQuarantined.get(),
                                    watcher.honestQuarantined.get(),
                                    watcher.honestUnusualQuarantined.get()),
                            Duration.ofNanos(System.nanoTime() - started),
                            Evaluation.evaluate(
                                    truth,
                                    watcher.outputs,
                                    Duration.ofSeconds(LIVE_WINDOW_SECONDS)));
            print(s);
            return s;
        } finally {
            deleteRecursively(work);
        }
    }

    /**
     * The shipped example config (copied with its reference file into {@code work}), pointed at
     * {@code bootstrap}, checkpointing every second and emitting scores.
     */
    public static WardenConfig demoConfig(Path work, String bootstrap) throws IOException {
        Path yaml = work.resolve("warden.yaml");
        copyResource("warden.example.yaml", yaml);
        copyResource(DemoProfile.FILE, work.resolve(DemoProfile.FILE));
        WardenConfig c = ConfigLoader.load(yaml, Map.of("WARDEN_BOOTSTRAP", bootstrap));
        return c.withJob(
                c.job().withCheckpointInterval(Duration.ofSeconds(1)).withEmitScores(true));
    }

    /**
     * The demo config made for a short live run: drift and performance windows of {@value
     * #LIVE_WINDOW_SECONDS} s, a label wait a little longer than the demo's labels take, and short
     * join and out-of-orderness waits, so windows close while the demo plays.
     */
    static WardenConfig live(WardenConfig c, Path trustedLabels) {
        List<ModelSpec> models = new ArrayList<>();
        for (ModelSpec m : c.models()) {
            ModelSpec.DriftSettings d = m.detectors().drift();
            if (d != null) {
                d =
                        new ModelSpec.DriftSettings(
                                d.enabled(),
                                Duration.ofSeconds(LIVE_WINDOW_SECONDS),
                                null,
                                d.minSamples(),
                                d.correction(),
                                d.alpha(),
                                d.thresholds(),
                                d.verdict(),
                                d.minDriftedFeatures(),
                                d.prediction(),
                                d.confidence(),
                                d.pca(),
                                d.alertAfter(),
                                d.recoverAfter(),
                                d.severity());
            }
            ModelSpec.PerformanceSettings p = m.detectors().performance();
            if (p != null) {
                p =
                        new ModelSpec.PerformanceSettings(
                                p.enabled(),
                                Duration.ofSeconds(LIVE_WINDOW_SECONDS),
                                Duration.ofMillis(LABEL_DELAY_MS + 1_000),
                                p.referenceAccuracy(),
                                p.referenceEce(),
                                p.maxDrop(),
                                p.alpha(),
                                p.minLabels(),
                                p.calibrationBins(),
                                p.alertAfter(),
                                p.recoverAfter(),
                                p.severity());
            }
            models.add(
                    new ModelSpec(
                            m.name(),
                            m.version(),
                            m.profile(),
                            m.profileSha256(),
                            m.features(),
                            m.output(),
                            new ModelSpec.DetectorSettings(
                                            m.detectors().confidence(),
                                            d,
                                            m.detectors().sequential(),
                                            p)
                                    .withExtraction(
                                            new ModelSpec.ExtractionSettings(
                                                    null, null, null, null, null, null, null, null,
                                                    null, null, null, null, null, null))
                                    .withQueryAttack(
                                            new ModelSpec.QueryAttackSettings(
                                                    10, 100, null, 0.3, null, null))
                                    .withPoisoning(
                                            // Above the honest labellers' top-pair share,
                                            // which the model's errors on ambiguous and
                                            // drifted inputs push to 0.3-0.4 here.
                                            new ModelSpec.PoisoningSettings(
                                                            null, null, null, null, 0.6, null, null,
                                                            null)
                                                    .withRecords(
                                                            new ModelSpec.FeedbackRecordSettings(
                                                                    trustedLabels.toString(),
                                                                    null,
                                                                    null,
                                                                    null,
                                                                    null,
                                                                    null,
                                                                    null,
                                                                    null,
                                                                    null,
                                                                    null)))));
        }
        InputSettings in = c.input();
        return new WardenConfig(
                c.kafka(),
                c.topics(),
                new InputSettings(
                        in.mode(),
                        in.format(),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(1),
                        in.idleTimeout()),
                c.job(),
                models,
                new PolicySettings(
                        List.of(
                                new PolicySettings.RuleSettings(
                                        "block-extraction",
                                        List.of(AlertKind.EXTRACTION),
                                        null,
                                        SubjectType.CLIENT,
                                        DecisionAction.BLOCK,
                                        1,
                                        null,
                                        Duration.ofMinutes(10),
                                        null),
                                new PolicySettings.RuleSettings(
                                        "throttle-query-attacks",
                                        List.of(AlertKind.BLACKBOX_QUERY_ATTACK),
                                        null,
                                        SubjectType.CLIENT,
                                        DecisionAction.THROTTLE,
                                        1,
                                        null,
                                        Duration.ofMinutes(10),
                                        null),
                                new PolicySettings.RuleSettings(
                                        "review-poisoners",
                                        List.of(AlertKind.POISONING),
                                        null,
                                        SubjectType.CONTRIBUTOR,
                                        DecisionAction.REVIEW,
                                        1,
                                        null,
                                        null,
                                        null),
                                new PolicySettings.RuleSettings(
                                        "quarantine-poisoned-records",
                                        List.of(AlertKind.POISONING),
                                        null,
                                        SubjectType.FEEDBACK_RECORD,
                                        DecisionAction.QUARANTINE,
                                        1,
                                        null,
                                        null,
                                        null))));
    }

    /** The share of requests the two demo attackers send. */
    static final double ATTACK_RATE = 0.04;

    static final int LIVE_WINDOW_SECONDS = 3;

    private Instant timeOf(Instant start, long request) {
        return start.plusMillis((long) (request * 1000.0 / options.rate()));
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = Demo.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(
                        "resource io/warden/jobs/demo/" + name + " is missing from the classpath");
            }
            Files.createDirectories(target.getParent());
            Files.copy(in, target);
        }
    }

    static StreamExecutionEnvironment localEnvironment(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
        conf.set(RestOptions.BIND_PORT, "0");
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    /** Share of answered requests that a labeller labels, with the class the request came from. */
    static final double LABELLED_SHARE = 0.5;

    /** Labels come up to this long (event time) after their request. */
    static final long LABEL_DELAY_MS = 2_000;

    /**
     * A labeller's feedback for a played request, a little later: its true class, unless the
     * labeller is the {@link DemoPoisoners#FLIPPER} (whose flipped records go into {@code
     * poisoned}).
     */
    private static byte[] label(Planned p, Random labeller, Set<String> poisoned) {
        String contributor = "labeller-" + (1 + labeller.nextInt(6));
        int label = DemoPoisoners.label(contributor, p.trueClass());
        String id = "fb-" + p.requestId();
        if (label != p.trueClass()) {
            poisoned.add(id);
        }
        return AvroCodec.standard()
                .encode(
                        FeedbackRecord.newBuilder()
                                .setFeedbackId(id)
                                .setEventTime(
                                        Instant.ofEpochMilli(
                                                p.eventTimeMillis()
                                                        + labeller.nextInt((int) LABEL_DELAY_MS)))
                                .setModelName(DemoModel.NAME)
                                .setModelVersion(DemoModel.VERSION)
                                .setRequestId(p.requestId())
                                .setContributorId(contributor)
                                .setLabel(DemoModel.CLASSES.get(label))
                                .setFeatures(List.of())
                                .setAttributes(Map.of())
                                .build());
    }

    private long play(
            EmbeddedKafkaCluster kafka,
            TopicSettings t,
            Map<Truth, Integer> planned,
            Watcher watcher,
            DemoTraffic.Drift drift,
            Instant start,
            AtomicLong labels,
            DemoTruth demoTruth)
            throws InterruptedException {
        Random labeller = new Random(options.seed() + 1);
        DemoModel model = DemoModel.standard();
        DemoTraffic traffic =
                new DemoTraffic(
                        model,
                        options.seed(),
                        DemoTraffic.Mix.standard().withDrift(drift).withAttacks(ATTACK_RATE),
                        start,
                        options.rate());
        long produced = 0;
        long startNanos = System.nanoTime();
        try (CheckedProducer producer = CheckedProducer.create(kafka.clientProperties())) {
            for (int i = 0; i < options.requests(); i++) {
                Planned p = traffic.next();
                planned.merge(p.truth(), 1, Integer::sum);
                demoTruth.played(p);
                watcher.truth.put(p.requestId(), p.truth());
                if (p.drifted()) {
                    watcher.drifted.add(p.requestId());
                }
                watcher.played(p, i, drift);
                for (DemoTraffic.Record r : p.records()) {
                    String topic =
                            r.stream() == DemoTraffic.Stream.REQUESTS
                                    ? t.requests()
                                    : t.responses();
                    producer.send(
                            topic,
                            r.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            r.value());
                    produced++;
                }
                if ((p.truth() == Truth.BENIGN || p.truth() == Truth.AMBIGUOUS)
                        && labeller.nextDouble() < LABELLED_SHARE) {
                    producer.send(
                            t.feedback(),
                            p.requestId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            label(p, labeller, watcher.poisonedRecords));
                    labels.incrementAndGet();
                }
                if (i % DemoPoisoners.BACKDOOR_EVERY == DemoPoisoners.BACKDOOR_EVERY - 1) {
                    String id = DemoPoisoners.BACKDOOR_PREFIX + i;
                    watcher.poisonedRecords.add(id);
                    producer.send(
                            t.feedback(),
                            id.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            DemoPoisoners.backdoorRecord(
                                    model, labeller, i, Instant.ofEpochMilli(p.eventTimeMillis())));
                }
                long due = startNanos + (long) ((i + 1) * 1e9 / options.rate());
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if ((i + 1) % (int) Math.max(1, options.rate() * 5) == 0) {
                    out.printf(
                            Locale.ROOT,
                            "  ... %,d requests played, %,d scored, %,d alerts, %,d dead letters%n",
                            i + 1,
                            watcher.scored.get(),
                            watcher.alerts.get(),
                            watcher.deadLetterTotal());
                }
            }
            producer.flush();
        }
        return produced;
    }

    private void print(Summary s) {
        out.println();
        out.println("warden demo: summary");
        out.printf(
                Locale.ROOT, "  requests played            %,d (%s)%n", s.requests(), s.planned());
        out.printf(Locale.ROOT, "  records produced           %,d%n", s.recordsProduced());
        out.printf(Locale.ROOT, "  requests joined and scored %,d%n", s.scored());
        out.printf(Locale.ROOT, "  dead letters               %s%n", s.deadLetters());
        out.printf(
                Locale.ROOT,
                "  every record accounted for %s (2 x joined + dead letters = produced)%n",
                s.accountedFor() ? "yes" : "NO");
        out.printf(Locale.ROOT, "  confidence alerts          %,d%n", s.alerts());
        out.printf(
                Locale.ROOT,
                "    caught ambiguous inputs  %,d of %,d (recall %.1f%%)%n",
                s.truePositives(),
                s.planned().getOrDefault(Truth.AMBIGUOUS, 0),
                100 * s.recall());
        out.printf(
                Locale.ROOT,
                "    false alerts on benign   %,d of %,d (%.3f%%; target alpha %.3f%%)%n",
                s.falsePositives(),
                s.planned().getOrDefault(Truth.BENIGN, 0),
                100 * s.falsePositiveRate(),
                100 * s.alpha());
        out.printf(
                Locale.ROOT,
                "  covariate drift            %s +%.1f sd from %s to %s (event time)%n",
                s.drift().features(),
                s.drift().shift(),
                s.driftStart(),
                s.driftEnd());
        out.printf(
                Locale.ROOT,
                "    drift reports            %,d windows of %d s, %,d drifted%n",
                s.driftReports(),
                LIVE_WINDOW_SECONDS,
                s.driftedWindows());
        if (s.driftAlerts().isEmpty()) {
            out.println("    drift alerts             none");
        }
        for (String line : s.driftAlerts()) {
            out.println("    drift alert              " + line);
        }
        if (s.sequentialAlarms().isEmpty()) {
            out.println("    sequential alarms        none");
        }
        for (String line : s.sequentialAlarms()) {
            out.println("    sequential alarm         " + line);
        }
        out.printf(
                Locale.ROOT,
                "    sequential false alarms  %,d (before the drift began)%n",
                s.sequentialFalseAlarms());
        out.printf(
                Locale.ROOT,
                "  labels on the feedback     %,d produced, %,d counted in performance reports, %,d"
                        + " dead-lettered (%s)%n",
                s.labelsProduced(),
                s.labelsCounted(),
                s.labelDeadLetters(),
                s.labelsAccountedFor() ? "all accounted for" : "NOT all accounted for");
        out.printf(
                Locale.ROOT,
                "    performance reports      %,d windows of %d s, %,d degraded%n",
                s.performanceReports().size(),
                LIVE_WINDOW_SECONDS,
                s.degradedWindows());
        for (String line : s.performanceReports().stream().sorted().toList()) {
            out.println("      " + line);
        }
        if (s.performanceAlerts().isEmpty()) {
            out.println("    performance alerts       none");
        }
        for (String line : s.performanceAlerts()) {
            out.println("    performance alert        " + line);
        }
        out.printf(
                Locale.ROOT,
                "  attackers                  the extraction client %s and the prober %s sent %,d"
                        + " and %,d requests%n",
                DemoTraffic.EXTRACTION_CLIENT,
                DemoTraffic.PROBE_CLIENT,
                s.planned().getOrDefault(Truth.EXTRACTION, 0),
                s.planned().getOrDefault(Truth.PROBE, 0));
        if (s.attackAlerts().isEmpty()) {
            out.println("    attack alerts            none");
        }
        for (String line : s.attackAlerts()) {
            out.println("    attack alert             " + line);
        }
        out.printf(Locale.ROOT, "    false alerts on benign clients %,d%n", s.falseAttackAlerts());
        for (String line : s.decisions()) {
            out.println("    decision                 " + line);
        }
        Summary.Poisoning poisoning = s.poisoning();
        out.printf(
                Locale.ROOT,
                "  feedback poisoners         %s flipped %,d %s labels to %s; %s sent %,d"
                        + " backdoored records%n",
                DemoPoisoners.FLIPPER,
                poisoning.flippedRecords(),
                DemoModel.CLASSES.get(0),
                DemoModel.CLASSES.get(1),
                DemoPoisoners.BACKDOOR,
                poisoning.backdoorRecords());
        if (poisoning.alerts().isEmpty()) {
            out.println("    poisoning alerts         none");
        }
        for (String line : poisoning.alerts()) {
            out.println("    poisoning alert          " + line);
        }
        out.printf(
                Locale.ROOT,
                "    records quarantined      %,d of %,d flipped, %,d of %,d backdoored, %,d"
                        + " honest (%,d of them labelling a drifted or ambiguous request)%n",
                poisoning.flippedQuarantined(),
                poisoning.flippedRecords(),
                poisoning.backdoorQuarantined(),
                poisoning.backdoorRecords(),
                poisoning.honestQuarantined(),
                poisoning.honestUnusualQuarantined());
        out.printf(Locale.ROOT, "  took %.1f s%n", s.elapsed().toMillis() / 1000.0);
        out.println();
        out.println(
                "warden demo: evaluation against the run's ground truth (what warden evaluate"
                        + " prints; a drift alert up to one window after the drift counts)");
        out.print(EvaluationText.render(s.evaluation()));
        if (truthOut != null && outputsOut != null) {
            out.println();
            out.printf(
                    "Again from the files: warden evaluate --truth %s --file %s --drift-grace %d%n",
                    truthOut, outputsOut, LIVE_WINDOW_SECONDS);
        }
    }

    /** Reads the output topics while the demo runs, prints findings, and counts them. */
    private final class Watcher implements Runnable {
        final Map<String, Truth> truth = new ConcurrentHashMap<>();
        final Set<String> drifted = ConcurrentHashMap.newKeySet();
        final AtomicLong driftReports = new AtomicLong();
        final AtomicLong driftedWindows = new AtomicLong();
        final List<String> driftAlerts = new CopyOnWriteArrayList<>();
        final List<String> sequentialAlarms = new CopyOnWriteArrayList<>();
        final AtomicLong sequentialFalseAlarms = new AtomicLong();
        final List<String> performanceReports = new CopyOnWriteArrayList<>();
        final AtomicLong degradedWindows = new AtomicLong();
        final List<String> performanceAlerts = new CopyOnWriteArrayList<>();
        final AtomicLong labelsCounted = new AtomicLong();
        final AtomicLong labelDeadLetters = new AtomicLong();
        final List<String> attackAlerts = new CopyOnWriteArrayList<>();
        final AtomicLong falseAttackAlerts = new AtomicLong();
        final List<String> decisions = new CopyOnWriteArrayList<>();
        final Set<String> poisonedRecords = ConcurrentHashMap.newKeySet();
        final List<String> poisoningAlerts = new CopyOnWriteArrayList<>();
        final AtomicLong flippedQuarantined = new AtomicLong();
        final AtomicLong backdoorQuarantined = new AtomicLong();
        final AtomicLong honestQuarantined = new AtomicLong();
        final AtomicLong honestUnusualQuarantined = new AtomicLong();

        long backdoorRecords() {
            return poisonedRecords.stream()
                    .filter(id -> id.startsWith(DemoPoisoners.BACKDOOR_PREFIX))
                    .count();
        }

        /** Everything read that {@code warden evaluate} judges; read after the watcher stopped. */
        final WardenOutputs outputs = new WardenOutputs();

        /** Each played request's row of the model version (defective requests have none). */
        final Map<String, Long> rowOf = new ConcurrentHashMap<>();

        private final AtomicLong rows = new AtomicLong();
        private final AtomicLong driftStartRow = new AtomicLong(-1);
        private final AtomicLong driftEndRow = new AtomicLong(-1);
        volatile Instant driftStart;
        volatile Instant driftEnd;
        final AtomicLong scored = new AtomicLong();
        final AtomicLong alerts = new AtomicLong();
        final AtomicLong truePositives = new AtomicLong();
        final AtomicLong falsePositives = new AtomicLong();
        final Map<DeadLetterReason, AtomicLong> deadLetters = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong lastRecordNanos = new AtomicLong(System.nanoTime());
        private final String bootstrap;
        private final TopicSettings topics;
        private final int showLimit;
        private final Path outputsOut;
        private int shownAlerts;
        private int shownDead;

        Watcher(String bootstrap, TopicSettings topics, int showLimit, Path outputsOut) {
            this.bootstrap = bootstrap;
            this.topics = topics;
            this.showLimit = showLimit;
            this.outputsOut = outputsOut;
        }

        @Override
        public void run() {
            Map<String, Object> props = new HashMap<>();
            props.put("bootstrap.servers", bootstrap);
            props.put("group.id", "warden-demo-watcher");
            props.put("auto.offset.reset", "earliest");
            props.put("isolation.level", "read_committed");
            props.put("enable.auto.commit", "false");
            try (KafkaConsumer<byte[], byte[]> consumer =
                            new KafkaConsumer<>(
                                    props,
                                    new ByteArrayDeserializer(),
                                    new ByteArrayDeserializer());
                    PrintWriter file =
                            outputsOut == null
                                    ? null
                                    : new PrintWriter(
                                            Files.newBufferedWriter(
                                                    outputsOut, StandardCharsets.UTF_8))) {
                consumer.subscribe(
                        List.of(
                                topics.alerts(),
                                topics.decisions(),
                                topics.deadLetter(),
                                topics.scores(),
                                topics.drift(),
                                topics.performance()));
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        lastRecordNanos.set(System.nanoTime());
                        handle(r, file);
                    }
                }
            } catch (IOException e) {
                out.println("  [?] cannot write " + outputsOut + ": " + e);
            }
        }

        private void handle(ConsumerRecord<byte[], byte[]> r, PrintWriter file) {
            SpecificRecord value;
            try {
                value = AvroCodec.standard().decodeAny(r.value());
            } catch (CodecException e) {
                out.println("  [?] undecodable output on " + r.topic() + ": " + e.getMessage());
                return;
            }
            if (OutputRecords.add(outputs, value) && file != null) {
                file.println(JsonCodec.standard().toJson(value));
            }
            if (value instanceof ScoreRecord) {
                scored.incrementAndGet();
            } else if (value instanceof DriftReport d) {
                driftReports.incrementAndGet();
                if (d.getDrifted()) {
                    driftedWindows.incrementAndGet();
                }
                out.printf(
                        Locale.ROOT,
                        "  [DRIFT REPORT] %s [%s, %s) %,d rows: %s%n",
                        d.getModelName(),
                        d.getWindow().getStart(),
                        d.getWindow().getEnd(),
                        d.getSampleCount(),
                        d.getDrifted() ? "DRIFTED " + driftedNames(d) : "no drift");
            } else if (value instanceof PerformanceReport pr) {
                performance(pr);
            } else if (value instanceof Alert a && a.getKind() == AlertKind.PERFORMANCE) {
                performanceAlerts.add(windowAlert(a));
            } else if (value instanceof Alert a && SequentialAlerts.isSequential(a)) {
                sequential(a);
            } else if (value instanceof Alert a && a.getKind() == AlertKind.DRIFT) {
                driftAlerts.add(windowAlert(a));
            } else if (value instanceof Alert a && a.getSubject().getType() == SubjectType.CLIENT) {
                String client = a.getSubject().getId();
                boolean attacker =
                        client.equals(DemoTraffic.EXTRACTION_CLIENT)
                                || client.equals(DemoTraffic.PROBE_CLIENT);
                if (!attacker) {
                    falseAttackAlerts.incrementAndGet();
                }
                String line =
                        String.format(
                                Locale.ROOT,
                                "%s %s (%s): %s",
                                a.getKind(),
                                client,
                                client.equals(DemoTraffic.EXTRACTION_CLIENT)
                                        ? "the extraction client"
                                        : client.equals(DemoTraffic.PROBE_CLIENT)
                                                ? "the prober"
                                                : "a benign client",
                                a.getSummary());
                attackAlerts.add(line);
                out.println("  [ATTACK] " + line);
            } else if (value instanceof Alert a
                    && a.getSubject().getType() == SubjectType.FEEDBACK_RECORD) {
                // Counted by their QUARANTINE decisions.
            } else if (value instanceof Alert a
                    && a.getSubject().getType() == SubjectType.CONTRIBUTOR) {
                String line = a.getKind() + " " + a.getSubject().getId() + ": " + a.getSummary();
                poisoningAlerts.add(line);
                out.println("  [POISONING] " + line);
            } else if (value instanceof QuarantineDecision d
                    && d.getTarget().getType() == TargetType.FEEDBACK_RECORD) {
                String id = d.getTarget().getId();
                String request = id.substring(id.indexOf('-') + 1);
                if (d.getAction() == DecisionAction.QUARANTINE
                        && !poisonedRecords.contains(id)
                        && (drifted.contains(request) || truth.get(request) == Truth.AMBIGUOUS)) {
                    honestUnusualQuarantined.incrementAndGet();
                }
                if (d.getAction() == DecisionAction.QUARANTINE) {
                    (!poisonedRecords.contains(id)
                                    ? honestQuarantined
                                    : id.startsWith(DemoPoisoners.BACKDOOR_PREFIX)
                                            ? backdoorQuarantined
                                            : flippedQuarantined)
                            .incrementAndGet();
                }
            } else if (value instanceof QuarantineDecision d) {
                String line =
                        String.format(
                                Locale.ROOT,
                                "%s %s %s%s",
                                d.getAction(),
                                d.getTarget().getType(),
                                d.getTarget().getId(),
                                d.getExpiresAt() == null ? "" : " until " + d.getExpiresAt());
                decisions.add(line);
                out.println("  [DECISION] " + line);
            } else if (value instanceof Alert a) {
                alerts.incrementAndGet();
                Truth t = truth.get(a.getSubject().getId());
                if (t == Truth.AMBIGUOUS) {
                    truePositives.incrementAndGet();
                } else if (t == Truth.EXTRACTION || t == Truth.PROBE) {
                    // An attacker's query flagged per request: neither a hit nor a false alarm
                    // of the confidence detector, whose target is ambiguous inputs.
                } else if (!drifted.contains(a.getSubject().getId())) {
                    // A drifted benign request may honestly be an outlier; only the rest count.
                    falsePositives.incrementAndGet();
                }
                if (shownAlerts++ < showLimit) {
                    out.printf(
                            Locale.ROOT,
                            "  [ALERT %s] %s %s %s: %s  (truth: %s)%n",
                            a.getSeverity(),
                            a.getKind(),
                            a.getSubject().getId(),
                            a.getEvidence().getDetails().getOrDefault("client_id", "-"),
                            a.getSummary(),
                            t);
                } else if (shownAlerts == showLimit + 1) {
                    out.println("  ... (more alerts counted, not printed)");
                }
            } else if (value instanceof DeadLetter d
                    && d.getSource() != null
                    && topics.feedback().equals(d.getSource().getTopic())) {
                labelDeadLetters.incrementAndGet();
                out.printf(
                        Locale.ROOT,
                        "  [DEAD LETTER %s] label for %s: %s%n",
                        d.getReasonCode(),
                        d.getRequestId(),
                        d.getReason());
            } else if (value instanceof DeadLetter d) {
                deadLetters
                        .computeIfAbsent(d.getReasonCode(), k -> new AtomicLong())
                        .incrementAndGet();
                if (shownDead++ < showLimit) {
                    out.printf(
                            Locale.ROOT,
                            "  [DEAD LETTER %s] %s: %s%n",
                            d.getReasonCode(),
                            d.getRequestId() == null ? source(d) : d.getRequestId(),
                            d.getReason());
                }
            }
        }

        /** Prints an alert about a window (drift, performance) and returns its summary line. */
        private String windowAlert(Alert a) {
            String line =
                    String.format(
                            Locale.ROOT,
                            "%s %s (window %s to %s)",
                            a.getSeverity(),
                            a.getSummary(),
                            a.getWindow().getStart(),
                            a.getWindow().getEnd());
            out.println("  [ALERT " + line + "]");
            return line;
        }

        /** A window's realised performance: printed, and its labels counted. */
        private void performance(PerformanceReport r) {
            labelsCounted.addAndGet(r.getLabelled());
            if (r.getDegraded()) {
                degradedWindows.incrementAndGet();
            }
            double floor = r.getReferenceAccuracy() - r.getMaxDrop();
            String verdict;
            if (!r.getJudged()) {
                verdict = "too few labels to judge";
            } else if (r.getDegraded()) {
                verdict =
                        String.format(
                                Locale.ROOT,
                                "DEGRADED below %.3f (p = %.2g)",
                                floor,
                                r.getPValue());
            } else if (r.getAccuracy() < floor) {
                verdict =
                        String.format(
                                Locale.ROOT,
                                "below %.3f, but not significantly (p = %.2g)",
                                floor,
                                r.getPValue());
            } else {
                verdict = String.format(Locale.ROOT, "within tolerance (floor %.3f)", floor);
            }
            String line =
                    r.getAccuracy() == null
                            ? String.format(
                                    Locale.ROOT,
                                    "[%s, %s) %,d predictions, no labels",
                                    r.getWindow().getStart(),
                                    r.getWindow().getEnd(),
                                    r.getPredictions())
                            : String.format(
                                    Locale.ROOT,
                                    "[%s, %s) accuracy %.3f (95%% CI %.3f-%.3f) on %,d labels of"
                                            + " %,d predictions, ECE %.3f: %s",
                                    r.getWindow().getStart(),
                                    r.getWindow().getEnd(),
                                    r.getAccuracy(),
                                    r.getAccuracyLower(),
                                    r.getAccuracyUpper(),
                                    r.getLabelled(),
                                    r.getPredictions(),
                                    r.getExpectedCalibrationError(),
                                    verdict);
            performanceReports.add(line);
            out.println("  [PERFORMANCE] " + r.getModelName() + " " + line);
        }

        /** Numbers the rows as the job sees them: requests that are scored, in played order. */
        void played(Planned p, long request, DemoTraffic.Drift drift) {
            if (p.truth() != Truth.BENIGN
                    && p.truth() != Truth.AMBIGUOUS
                    && p.truth() != Truth.EXTRACTION
                    && p.truth() != Truth.PROBE) {
                return;
            }
            long row = rows.getAndIncrement();
            rowOf.put(p.requestId(), row);
            if (request >= drift.from()) {
                driftStartRow.compareAndSet(-1, row);
            }
            if (request >= drift.to()) {
                driftEndRow.compareAndSet(-1, row);
            }
        }

        /**
         * A sequential alarm: its detection delay in rows and in seconds of event time after the
         * planned drift began (or ended), and how long after its row it was shown.
         */
        private void sequential(Alert a) {
            Map<String, String> details = a.getEvidence().getDetails();
            String request =
                    a.getEvidence().getRequestIds().isEmpty()
                            ? null
                            : a.getEvidence().getRequestIds().get(0);
            Long row = request == null ? null : rowOf.get(request);
            long start = driftStartRow.get();
            long end = driftEndRow.get();
            String when;
            if (row == null || start < 0 || row < start) {
                sequentialFalseAlarms.incrementAndGet();
                when = "before the drift began: a false alarm";
            } else if (end >= 0 && row >= end) {
                when =
                        String.format(
                                Locale.ROOT,
                                "%,d rows (%.2f s of event time) after the drift ended",
                                row - end,
                                seconds(driftEnd, a.getEventTime()));
            } else {
                when =
                        String.format(
                                Locale.ROOT,
                                "%,d rows (%.2f s of event time) after the drift began",
                                row - start,
                                seconds(driftStart, a.getEventTime()));
            }
            String moved = "increase".equals(details.get("direction")) ? "rose" : "fell";
            String change =
                    details.containsKey("mean_before")
                            ? moved
                                    + " from "
                                    + shortNumber(details.get("mean_before"))
                                    + " to "
                                    + shortNumber(details.get("mean_after"))
                            : moved
                                    + " (Page-Hinkley statistic "
                                    + shortNumber(details.get("statistic"))
                                    + ")";
            String line =
                    String.format(
                            Locale.ROOT,
                            "%s %s: %s %s; %s",
                            a.getSeverity(),
                            a.getScores().get(0).getDetector(),
                            details.get("signal"),
                            change,
                            when);
            sequentialAlarms.add(line);
            out.printf(
                    Locale.ROOT,
                    "  [SEQUENTIAL ALARM %s] (shown %.1f s after its row: join wait + watermark +"
                            + " checkpoint)%n",
                    line,
                    seconds(a.getEventTime(), Instant.now()));
        }

        private static double seconds(Instant from, Instant to) {
            return from == null ? Double.NaN : Duration.between(from, to).toMillis() / 1000.0;
        }

        private static String shortNumber(String value) {
            if (value == null) {
                return "?";
            }
            return String.format(Locale.ROOT, "%.2f", Double.parseDouble(value));
        }

        private String driftedNames(DriftReport d) {
            List<String> names = new ArrayList<>();
            d.getFeatures().stream()
                    .filter(f -> f.getDrifted())
                    .forEach(f -> names.add(f.getFeature()));
            d.getOverall().stream()
                    .filter(x -> x.getDrifted())
                    .forEach(x -> names.add(x.getName()));
            return names.toString();
        }

        private String source(DeadLetter d) {
            return d.getSource() == null
                    ? "?"
                    : d.getSource().getTopic()
                            + "/"
                            + d.getSource().getPartition()
                            + "@"
                            + d.getSource().getOffset();
        }

        long deadLetterTotal() {
            return deadLetters.values().stream().mapToLong(AtomicLong::get).sum();
        }

        Map<DeadLetterReason, Long> deadLetterCounts() {
            Map<DeadLetterReason, Long> m = new EnumMap<>(DeadLetterReason.class);
            deadLetters.forEach((k, v) -> m.put(k, v.get()));
            return m;
        }

        /** Waits until no output arrived for {@code quiet}, at most {@code max}. */
        void awaitQuiet(Duration quiet, Duration max) throws InterruptedException {
            long deadline = System.nanoTime() + max.toNanos();
            while (System.nanoTime() < deadline
                    && System.nanoTime() - lastRecordNanos.get() < quiet.toNanos()) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }

        void stop() {
            running.set(false);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(paths);
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a temp folder left behind is not worth failing the demo for
        }
    }
}
