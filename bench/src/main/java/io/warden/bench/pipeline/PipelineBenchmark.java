package io.warden.bench.pipeline;

import io.warden.bench.pipeline.BenchInput.Expected;
import io.warden.bench.pipeline.BenchInput.Formats;
import io.warden.bench.pipeline.BenchInput.Produced;
import io.warden.bench.pipeline.OutputReader.Contents;
import io.warden.jobs.config.Durations;
import io.warden.jobs.config.JobSettings;
import io.warden.jobs.config.KafkaSettings;
import io.warden.jobs.config.KafkaSettings.Delivery;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.BuiltinDetector;
import io.warden.jobs.config.ModelSpec.EnsembleSettings;
import io.warden.jobs.config.ModelSpec.ExtractionSettings;
import io.warden.jobs.config.ModelSpec.OnnxDetectorSettings;
import io.warden.jobs.config.ModelSpec.QueryAttackSettings;
import io.warden.jobs.config.TopicSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.demo.Demo;
import io.warden.jobs.embedded.EmbeddedKafkaCluster;
import io.warden.jobs.monitor.Ingested;
import io.warden.jobs.monitor.MonitorJob;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.CodecException;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;

/**
 * End-to-end throughput of the monitor job (Kafka to Kafka) next to a pass-through job with the
 * same source and sinks and no detectors ({@link PassThroughJob}), measured in the same run on the
 * same input. Everything runs in this JVM: an embedded Kafka broker, one Flink MiniCluster, the
 * input producer and the output readers.
 *
 * <ol>
 *   <li>Produce the input once ({@link BenchInput}): N requests and their responses.
 *   <li>Run each job once to warm up, then alternate them (monitor, pass-through, monitor, ...),
 *       each run a bounded job over exactly that input, with a fresh consumer group, fresh output
 *       topics and fresh transactional ids.
 *   <li>Time each run from submission until the job has finished, which for a bounded job is after
 *       its final checkpoint committed the sinks' last transactions.
 *   <li>Read every output topic back and check it holds exactly the expected records (by their
 *       keys, see {@link KeyDigest}): a run that lost or duplicated a record fails the benchmark.
 * </ol>
 *
 * <p>Usage: {@code bench/run-pipeline-benchmark.sh [--requests N] [--parallelism P] ...}; {@code
 * --help} lists the options. It prints the results as markdown tables. It is never run by the
 * build.
 */
public final class PipelineBenchmark {

    /** The two jobs compared. */
    public enum Job {
        MONITOR("monitor"),
        PASS_THROUGH("pass-through");

        final String id;

        Job(String id) {
            this.id = id;
        }
    }

    /**
     * What to run.
     *
     * @param requests N: requests produced (each with its response, some defective)
     * @param parallelism of both jobs; also the MiniCluster's slots
     * @param partitions of each input and output topic (at least the parallelism)
     * @param delivery the sinks' guarantee
     * @param checkpointInterval of both jobs
     * @param runs measured runs of each job
     * @param warmups unmeasured runs of each job first
     * @param formats the input's wire formats
     * @param seed of the traffic
     * @param calibrate also time a single-threaded consumer, with and without decoding
     * @param profile where to write a CPU profile of each measured run ({@link CpuProfile}), or
     *     null for none
     */
    public record Options(
            int requests,
            int parallelism,
            int partitions,
            Delivery delivery,
            Duration checkpointInterval,
            int runs,
            int warmups,
            Formats formats,
            long seed,
            boolean calibrate,
            Path profile,
            boolean attackDetectors) {

        /** Options with the demo config's detectors only. */
        public Options(
                int requests,
                int parallelism,
                int partitions,
                Delivery delivery,
                Duration checkpointInterval,
                int runs,
                int warmups,
                Formats formats,
                long seed,
                boolean calibrate,
                Path profile) {
            this(
                    requests,
                    parallelism,
                    partitions,
                    delivery,
                    checkpointInterval,
                    runs,
                    warmups,
                    formats,
                    seed,
                    calibrate,
                    profile,
                    false);
        }

        public Options {
            if (requests < 1 || parallelism < 1 || runs < 1 || warmups < 0) {
                throw new IllegalArgumentException(
                        "requests, parallelism and runs must be positive, warm-ups not negative");
            }
            if (partitions < parallelism) {
                throw new IllegalArgumentException(
                        "partitions ("
                                + partitions
                                + ") must be at least the parallelism ("
                                + parallelism
                                + "), or some source readers would idle");
            }
        }

        public static Options defaults() {
            return new Options(
                    300_000,
                    2,
                    2,
                    Delivery.EXACTLY_ONCE,
                    Duration.ofSeconds(1),
                    3,
                    1,
                    Formats.MIXED,
                    42,
                    true,
                    null);
        }

        static final String USAGE =
                String.join(
                        "\n",
                        "Usage: run-pipeline-benchmark.sh [options]",
                        "  --requests N             requests to produce, each with its response"
                                + " (default 300000)",
                        "  --parallelism P          parallelism of both jobs (default 2)",
                        "  --partitions K           partitions per topic (default: parallelism)",
                        "  --delivery D             exactly-once (default) | at-least-once",
                        "  --checkpoint-interval T  e.g. 1s (default), 500ms, 10s",
                        "  --runs R                 measured runs of each job (default 3)",
                        "  --warmups W              warm-up runs of each job (default 1)",
                        "  --formats F              mixed (default: 70% Avro, 30% JSON) | avro",
                        "  --seed S                 traffic seed (default 42)",
                        "  --no-calibration         skip the single-threaded consumer passes",
                        "  --profile DIR            write a CPU profile (JFR) of each measured run"
                                + " to DIR and sum it up",
                        "  --attack-detectors       also run the built-in PCA and Mahalanobis ONNX"
                                + " detectors (as an evasion ensemble), extraction and"
                                + " query-attack detection per client",
                        "  --help                   this text");

        /** Parses {@code --name value} options over the defaults. */
        public static Options parse(String... args) {
            Options d = defaults();
            int requests = d.requests;
            int parallelism = d.parallelism;
            Integer partitions = null;
            Delivery delivery = d.delivery;
            Duration interval = d.checkpointInterval;
            int runs = d.runs;
            int warmups = d.warmups;
            Formats formats = d.formats;
            long seed = d.seed;
            boolean calibrate = d.calibrate;
            Path profile = d.profile;
            boolean attackDetectors = d.attackDetectors;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--no-calibration")) {
                    calibrate = false;
                    continue;
                }
                if (name.equals("--attack-detectors")) {
                    attackDetectors = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("unknown option or missing value: " + name);
                }
                String v = args[++i];
                switch (name) {
                    case "--requests" -> requests = Integer.parseInt(v.replace("_", ""));
                    case "--parallelism" -> parallelism = Integer.parseInt(v);
                    case "--partitions" -> partitions = Integer.parseInt(v);
                    case "--delivery" ->
                            delivery =
                                    switch (v) {
                                        case "exactly-once" -> Delivery.EXACTLY_ONCE;
                                        case "at-least-once" -> Delivery.AT_LEAST_ONCE;
                                        default ->
                                                throw new IllegalArgumentException(
                                                        "--delivery: exactly-once or"
                                                                + " at-least-once, not "
                                                                + v);
                                    };
                    case "--checkpoint-interval" -> interval = Durations.parse(v);
                    case "--runs" -> runs = Integer.parseInt(v);
                    case "--warmups" -> warmups = Integer.parseInt(v);
                    case "--formats" -> formats = Formats.valueOf(v.toUpperCase(Locale.ROOT));
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--profile" -> profile = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option: " + name);
                }
            }
            return new Options(
                    requests,
                    parallelism,
                    partitions == null ? parallelism : partitions,
                    delivery,
                    interval,
                    runs,
                    warmups,
                    formats,
                    seed,
                    calibrate,
                    profile,
                    attackDetectors);
        }
    }

    /** One run of one job, checked. */
    public record RunResult(
            Job job,
            int index,
            boolean warmup,
            long inputRecords,
            int requests,
            long wallNanos,
            long cpuNanos,
            long netRuntimeMillis,
            SharedMiniCluster.Checkpoints checkpoints,
            Contents scores,
            Contents deadLetters,
            Contents alerts,
            long peakHeapAfterGc) {

        public double seconds() {
            return wallNanos / 1e9;
        }

        public double recordsPerSecond() {
            return inputRecords / seconds();
        }

        /**
         * CPU time of the whole process (broker, MiniCluster, job, garbage collector) per input
         * record, in microseconds: less disturbed than wall time by other processes on the machine.
         */
        public double cpuMicrosPerRecord() {
            return cpuNanos / 1e3 / inputRecords;
        }

        public double requestsPerSecond() {
            return requests / seconds();
        }

        public long outputRecords() {
            return scores.records() + deadLetters.records() + alerts.records();
        }

        /**
         * Input records this run's output accounts for: the monitor turns two records into one
         * score and every other record into a dead letter; the pass-through job one record into one
         * output.
         */
        public long accountedInput() {
            return switch (job) {
                case MONITOR -> 2 * scores.records() + deadLetters.records();
                case PASS_THROUGH -> scores.records() + deadLetters.records();
            };
        }
    }

    /** Everything measured. */
    public record Report(
            Options options,
            Produced input,
            List<Calibration.Pass> calibration,
            List<RunResult> runs,
            long peakHeapAfterGc,
            long peakResidentSetSize) {

        public List<RunResult> measured(Job job) {
            return runs.stream().filter(r -> r.job() == job && !r.warmup()).toList();
        }

        /**
         * Median CPU per record of the pass-through job over that of the monitor: what {@link
         * #ratio()} would be if both were CPU-bound on an otherwise idle machine.
         */
        public double cpuRatio() {
            return median(measured(Job.PASS_THROUGH), RunResult::cpuMicrosPerRecord)
                    / median(measured(Job.MONITOR), RunResult::cpuMicrosPerRecord);
        }

        /** Median records per second of the monitor over that of the pass-through job. */
        public double ratio() {
            return median(measured(Job.MONITOR), RunResult::recordsPerSecond)
                    / median(measured(Job.PASS_THROUGH), RunResult::recordsPerSecond);
        }
    }

    private static final String REQUESTS_TOPIC = "bench.requests";
    private static final String RESPONSES_TOPIC = "bench.responses";

    private final Options options;
    private final PrintStream out;

    public PipelineBenchmark(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        int status = 0;
        try {
            new PipelineBenchmark(options, System.out).run();
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        // Flink and Kafka leave non-daemon threads behind after closing.
        System.exit(status);
    }

    public Report run() throws Exception {
        Path work = Files.createTempDirectory("warden-bench-");
        if (options.profile() != null) {
            Files.createDirectories(options.profile());
        }
        try (HeapWatcher heap = new HeapWatcher()) {
            printMachine();
            out.println("Starting an embedded Kafka broker and a Flink MiniCluster ...");
            try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start();
                    SharedMiniCluster flink =
                            SharedMiniCluster.start(
                                    options.parallelism(), work.resolve("checkpoints"))) {
                WardenConfig base = Demo.demoConfig(work, kafka.bootstrapServers());
                kafka.createTopics(options.partitions(), REQUESTS_TOPIC, RESPONSES_TOPIC);
                out.printf(
                        Locale.ROOT,
                        "Producing %,d requests with their responses (%s formats) ...%n",
                        options.requests(),
                        options.formats().name().toLowerCase(Locale.ROOT));
                Produced input =
                        BenchInput.produce(
                                kafka.clientProperties(),
                                config(base, "input", "input"),
                                options.requests(),
                                options.seed(),
                                options.formats());
                printInput(input);

                List<Calibration.Pass> calibration = List.of();
                if (options.calibrate()) {
                    calibration =
                            Calibration.run(
                                    kafka.clientProperties(),
                                    config(base, "calibration", "calibration"),
                                    input.records());
                    for (Calibration.Pass p : calibration) {
                        out.printf(
                                Locale.ROOT,
                                "  single thread, %s: %,.0f records/s, %.2f µs CPU/record (%,d"
                                        + " records in %.2f s; one topic read up to %,d records"
                                        + " ahead of the other)%n",
                                p.what(),
                                p.recordsPerSecond(),
                                p.cpuMicrosPerRecord(),
                                p.records(),
                                p.nanos() / 1e9,
                                p.maxTopicLead());
                    }
                }

                List<RunResult> runs = new ArrayList<>();
                int index = 0;
                for (int w = 0; w < options.warmups(); w++) {
                    for (Job job : Job.values()) {
                        runs.add(runOnce(kafka, flink, heap, base, input, job, ++index, true));
                    }
                }
                for (int r = 0; r < options.runs(); r++) {
                    for (Job job : Job.values()) {
                        runs.add(runOnce(kafka, flink, heap, base, input, job, ++index, false));
                    }
                }
                Report report =
                        new Report(
                                options,
                                input,
                                calibration,
                                runs,
                                heap.peakAfterGc(),
                                HeapWatcher.peakResidentSetSize());
                printReport(report);
                return report;
            }
        } finally {
            deleteRecursively(work);
        }
    }

    private RunResult runOnce(
            EmbeddedKafkaCluster kafka,
            SharedMiniCluster flink,
            HeapWatcher heap,
            WardenConfig base,
            Produced input,
            Job job,
            int index,
            boolean warmup)
            throws Exception {
        String run = String.format(Locale.ROOT, "r%02d-%s", index, job.id);
        WardenConfig config = config(base, run, job.id);
        TopicSettings t = config.topics();
        kafka.createTopics(
                options.partitions(),
                t.scores(),
                t.deadLetter(),
                t.alerts(),
                t.drift(),
                t.feedback(),
                t.performance());

        StreamExecutionEnvironment env = flink.newEnvironment();
        MonitorJob.configure(env, config);
        DataStream<Ingested> source = MonitorJob.kafkaInput(env, config, true);
        MonitorJob.Outputs outputs = MonitorJob.kafkaOutputs(config);
        switch (job) {
            case MONITOR -> MonitorJob.build(config, source, outputs);
            case PASS_THROUGH -> PassThroughJob.build(source, outputs);
        }

        System.gc();
        heap.resetRunPeak();
        CpuProfile profile =
                options.profile() == null || warmup
                        ? null
                        : CpuProfile.start(options.profile().resolve(run + ".jfr"));
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        JobClient client = env.executeAsync(config.job().name());
        JobExecutionResult result = client.getJobExecutionResult().get();
        long wall = System.nanoTime() - start;
        long cpuNanos = processCpuNanos() - cpuStart;
        CpuProfile.Summary samples = profile == null ? null : profile.stop();
        SharedMiniCluster.Checkpoints checkpoints = flink.checkpoints(client.getJobID());

        Map<String, Object> props = kafka.clientProperties();
        Contents scores = OutputReader.read(props, t.scores());
        Contents dead = OutputReader.read(props, t.deadLetter());
        Contents alerts = OutputReader.read(props, t.alerts(), PipelineBenchmark::confidenceAlert);
        RunResult r =
                new RunResult(
                        job,
                        index,
                        warmup,
                        input.records(),
                        input.requests(),
                        wall,
                        cpuNanos,
                        result.getNetRuntime(),
                        checkpoints,
                        scores,
                        dead,
                        alerts,
                        heap.runPeakAfterGc());
        verify(r, job == Job.MONITOR ? input.monitor() : input.passThrough());
        try (Admin admin = Admin.create(props)) {
            admin.deleteTopics(List.of(t.scores(), t.deadLetter(), t.alerts())).all().get();
        }
        out.printf(
                Locale.ROOT,
                "  %s %-12s %6.2f s  %,9.0f records/s  %,9.0f requests/s  CPU %.1f µs/record"
                        + "  out: %,d scores, %,d"
                        + " dead letters, %,d confidence alerts (all as expected), %,d other"
                        + " alerts  %d checkpoints (state <="
                        + " %.1f MB, <= %,d ms)  heap after GC <= %,d MB, GC %.1f s  load %s%n",
                warmup ? "warm-up " : String.format(Locale.ROOT, "run %2d  ", index),
                job.id,
                r.seconds(),
                r.recordsPerSecond(),
                r.requestsPerSecond(),
                r.cpuMicrosPerRecord(),
                scores.records(),
                dead.records(),
                alerts.records(),
                alerts.unchecked(),
                checkpoints.completed(),
                checkpoints.maxStateBytes() / 1e6,
                checkpoints.maxDurationMillis(),
                r.peakHeapAfterGc() >> 20,
                heap.runCollectionMillis() / 1000.0,
                loadAverage());
        if (samples != null) {
            out.println(samples.describe());
        }
        return r;
    }

    /**
     * Whether an alert record is a confidence-anomaly alert, the kind whose every instance the
     * benchmark works out from the traffic's truth; drift alerts (windowed and sequential) are
     * counted, not checked.
     */
    static boolean confidenceAlert(byte[] value) {
        try {
            return AvroCodec.standard().decode(value, Alert.class).getKind()
                    == AlertKind.CONFIDENCE_ANOMALY;
        } catch (CodecException e) {
            throw new IllegalStateException("undecodable alert", e);
        }
    }

    /** Fails the benchmark unless the run wrote exactly what its job must write. */
    static void verify(RunResult r, Expected expected) {
        List<String> problems = new ArrayList<>();
        check(problems, "scores", r.scores(), expected.scores());
        check(problems, "dead letters", r.deadLetters(), expected.deadLetters());
        check(problems, "alerts", r.alerts(), expected.alerts());
        if (r.accountedInput() != r.inputRecords()) {
            problems.add(
                    "the outputs account for "
                            + r.accountedInput()
                            + " input records, not "
                            + r.inputRecords());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "run " + r.index() + " (" + r.job().id + ") is wrong: " + problems);
        }
    }

    private static void check(
            List<String> problems, String what, Contents actual, KeyDigest expected) {
        if (!actual.keys().equals(expected)) {
            problems.add(what + ": expected " + expected + ", found " + actual.keys());
        }
    }

    /** The example config pointed at this run's topics, group and transactional ids. */
    private WardenConfig config(WardenConfig base, String run, String jobName) {
        KafkaSettings k = base.kafka();
        KafkaSettings kafka =
                new KafkaSettings(
                        k.bootstrapServers(),
                        "bench-" + run,
                        KafkaSettings.StartingOffsets.EARLIEST,
                        options.delivery(),
                        "bench-" + run,
                        k.properties());
        TopicSettings topics =
                new TopicSettings(
                        REQUESTS_TOPIC,
                        RESPONSES_TOPIC,
                        "bench.events",
                        run + ".feedback",
                        run + ".alerts",
                        run + ".decisions",
                        run + ".drift",
                        run + ".performance",
                        run + ".scores",
                        run + ".deadletter");
        JobSettings job =
                new JobSettings(
                        "warden-bench-" + jobName,
                        options.parallelism(),
                        options.checkpointInterval(),
                        null,
                        true);
        List<ModelSpec> models = base.models();
        if (options.attackDetectors()) {
            models = models.stream().map(PipelineBenchmark::withAttackDetectors).toList();
        }
        return new WardenConfig(kafka, topics, base.input(), job, models);
    }

    /**
     * A model with the attack detectors on as well: the built-in PCA and Mahalanobis ONNX detectors
     * as an evasion ensemble (alpha 0.001), extraction (PRADA and signals, defaults) and
     * nearest-neighbour query-attack detection per client (fixed threshold 0.3).
     */
    static ModelSpec withAttackDetectors(ModelSpec m) {
        List<OnnxDetectorSettings> builtins = new ArrayList<>();
        for (BuiltinDetector b : BuiltinDetector.values()) {
            builtins.add(
                    new OnnxDetectorSettings(
                            b.name().toLowerCase(Locale.ROOT),
                            b,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null));
        }
        return new ModelSpec(
                m.name(),
                m.version(),
                m.profile(),
                m.profileSha256(),
                m.features(),
                m.output(),
                m.detectors()
                        .withOnnx(builtins)
                        .withEvasionEnsemble(new EnsembleSettings(null, 0.001, null))
                        .withExtraction(
                                new ExtractionSettings(
                                        null, null, null, null, null, null, null, null, null, null,
                                        null, null, null, null))
                        .withQueryAttack(new QueryAttackSettings(10, 100, null, 0.3, null, null)),
                m.servedModel());
    }

    private void printMachine() {
        String cpu = "unknown";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu =
                    lines.filter(l -> l.startsWith("model name"))
                            .map(l -> l.substring(l.indexOf(':') + 1).trim())
                            .findFirst()
                            .orElse(cpu);
        } catch (IOException e) {
            // not Linux
        }
        out.printf(
                Locale.ROOT,
                "Machine: %d CPUs (%s), Java %s (%s), max heap %,d MB, GC %s, load %s%n",
                Runtime.getRuntime().availableProcessors(),
                cpu,
                System.getProperty("java.version"),
                System.getProperty("java.vm.name"),
                HeapWatcher.maxHeap() >> 20,
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName)
                        .collect(Collectors.joining(" + ")),
                loadAverage());
    }

    private void printInput(Produced in) {
        out.printf(
                Locale.ROOT,
                "  %,d records (%,d requests, %,d responses) in %.1f s; truth %s%n",
                in.records(),
                in.requestRecords(),
                in.responseRecords(),
                in.produceTime().toNanos() / 1e9,
                in.truths());
        out.printf(
                Locale.ROOT,
                "  mean record size (key + value): requests %.0f B, responses %.0f B;"
                        + " %,d Avro, %,d JSON, %,d undecodable%n",
                (double) in.requestBytes() / in.requestRecords(),
                (double) in.responseBytes() / in.responseRecords(),
                in.avroRecords(),
                in.jsonRecords(),
                in.records() - in.avroRecords() - in.jsonRecords());
        out.printf(
                Locale.ROOT,
                "  expected output: monitor %,d scores, %,d dead letters, %,d alerts;"
                        + " pass-through %,d scores, %,d dead letters%n",
                in.monitor().scores().count(),
                in.monitor().deadLetters().count(),
                in.monitor().alerts().count(),
                in.passThrough().scores().count(),
                in.passThrough().deadLetters().count());
    }

    private void printReport(Report report) {
        Options o = report.options();
        Produced in = report.input();
        out.println();
        out.printf(
                Locale.ROOT,
                "N = %,d requests = %,d input records (%s formats), %d partitions per topic,"
                        + " parallelism %d, checkpoints every %s, %s, %d warm-up + %d measured"
                        + " runs of each job, alternating%n%n",
                o.requests(),
                in.records(),
                o.formats().name().toLowerCase(Locale.ROOT),
                o.partitions(),
                o.parallelism(),
                Durations.format(o.checkpointInterval()),
                o.delivery() == Delivery.EXACTLY_ONCE ? "exactly-once" : "at-least-once",
                o.warmups(),
                o.runs());

        out.println(
                "| job | time per run, s: median (min–max) | input records/s: median (min–max)"
                        + " | requests/s: median | process CPU per input record, µs: median"
                        + " (min–max) | output records per run (mean bytes) | checkpoints per run"
                        + " (largest state, MB) |");
        out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Job job : Job.values()) {
            List<RunResult> runs = report.measured(job);
            RunResult any = runs.get(0);
            long outBytes = any.scores().bytes() + any.deadLetters().bytes() + any.alerts().bytes();
            out.printf(
                    Locale.ROOT,
                    "| %s | %.1f (%.1f–%.1f) | %,.0f (%,.0f–%,.0f) | %,.0f | %.1f (%.1f–%.1f) |"
                            + " %,d (%.0f B) | %s |%n",
                    job.id,
                    median(runs, RunResult::seconds),
                    min(runs, RunResult::seconds),
                    max(runs, RunResult::seconds),
                    median(runs, RunResult::recordsPerSecond),
                    min(runs, RunResult::recordsPerSecond),
                    max(runs, RunResult::recordsPerSecond),
                    median(runs, RunResult::requestsPerSecond),
                    median(runs, RunResult::cpuMicrosPerRecord),
                    min(runs, RunResult::cpuMicrosPerRecord),
                    max(runs, RunResult::cpuMicrosPerRecord),
                    any.outputRecords(),
                    (double) outBytes / any.outputRecords(),
                    runs.stream()
                            .map(
                                    r ->
                                            String.format(
                                                    Locale.ROOT,
                                                    "%d (%.1f)",
                                                    r.checkpoints().completed(),
                                                    r.checkpoints().maxStateBytes() / 1e6))
                            .collect(Collectors.joining(", ")));
        }
        out.printf(
                Locale.ROOT,
                "%nmonitor / pass-through (median records/s): %.2f; pass-through / monitor (median"
                        + " process CPU per record): %.2f%n",
                report.ratio(),
                report.cpuRatio());
        out.printf(
                Locale.ROOT,
                "peak heap after GC: %,d MB (max heap %,d MB); peak resident set: %,d MB;"
                        + " broker, MiniCluster, jobs, producer and readers in one JVM; load %s%n",
                report.peakHeapAfterGc() >> 20,
                HeapWatcher.maxHeap() >> 20,
                report.peakResidentSetSize() >> 20,
                loadAverage());
    }

    static double median(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static double min(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        return runs.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    private static double max(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        return runs.stream().mapToDouble(f).max().orElse(Double.NaN);
    }

    /** CPU time used by this process so far (all its threads), in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The 1, 5 and 15 minute load averages, from {@code /proc/loadavg}. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "unknown";
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder left behind is no reason to fail the benchmark
        }
    }
}
