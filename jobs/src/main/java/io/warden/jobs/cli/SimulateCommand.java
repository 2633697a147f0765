package io.warden.jobs.cli;

import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.onnx.OnnxScorer;
import io.warden.detectors.profile.ProfileBuilder;
import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ProfileMetadata;
import io.warden.detectors.profile.ProfileSchema;
import io.warden.detectors.profile.ProfileSettings;
import io.warden.jobs.demo.DemoTraffic;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.JsonCodec;
import io.warden.simulator.data.Dataset;
import io.warden.simulator.model.ServedModel;
import io.warden.simulator.model.ServedModels;
import io.warden.simulator.traffic.DriftKind;
import io.warden.simulator.traffic.Efficacy;
import io.warden.simulator.traffic.SimulatedFeedback;
import io.warden.simulator.traffic.SimulatedRequest;
import io.warden.simulator.traffic.Simulation;
import io.warden.simulator.traffic.SimulationSettings;
import io.warden.simulator.traffic.SimulationSettings.Attack;
import io.warden.simulator.traffic.Simulator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code warden simulate}. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            "Generates traffic with known truth against a served model (the digits or the"
                    + " breast-cancer MLP, scored by ONNX Runtime): benign clients, a drift"
                    + " segment, and real attacks on the real model: FGSM/PGD evasion,"
                    + " HopSkipJump queries, random and Jacobian-augmentation extraction, label"
                    + " flipping and backdoor poisoning of the feedback stream.",
            "Writes to --out: requests, responses and feedback (JSON Lines or Avro container"
                    + " files, for `warden produce`; or straight to the topics with --kafka),"
                    + " truth.jsonl (for `warden evaluate`), summary.txt (how often each attack"
                    + " fooled or copied the model), and a warden.yaml with the model's ONNX file,"
                    + " a reference profile of its training split, the split as trusted labels for"
                    + " poisoning detection, and policy rules.",
            "Exit codes: 0 written, 1 a failure while writing or sending, 2 wrong usage."
        })
final class SimulateCommand implements Callable<Integer> {

    /**
     * The served models by their short name, with their test accuracy (docs/served-models.md), the
     * reference accuracy of the performance and poisoning detectors.
     */
    enum ModelChoice {
        digits(ServedModels.DIGITS, 0.9778),
        breast_cancer(ServedModels.BREAST_CANCER, 0.9718);

        final ServedModel served;
        final double referenceAccuracy;

        ModelChoice(ServedModel served, double referenceAccuracy) {
            this.served = served;
            this.referenceAccuracy = referenceAccuracy;
        }
    }

    /** The attacks by their option name. */
    enum AttackChoice {
        evasion(Attack.EVASION),
        query(Attack.QUERY),
        extraction(Attack.EXTRACTION),
        poisoning(Attack.POISONING),
        none(null);

        final Attack attack;

        AttackChoice(Attack attack) {
            this.attack = attack;
        }
    }

    /** The file format of the traffic. */
    enum Format {
        jsonl,
        avro
    }

    /** File names in --out. */
    static final String TRUTH = "truth.jsonl";

    static final String SUMMARY = "summary.txt";
    static final String CONFIG = "warden.yaml";

    @Spec CommandSpec spec;

    @Option(
            names = "--model",
            defaultValue = "digits",
            converter = ModelConverter.class,
            description = "digits or breast-cancer. Default ${DEFAULT-VALUE}.")
    ModelChoice model;

    @Option(
            names = {"-o", "--out"},
            required = true,
            description = "Folder for the truth, summary and config (and the traffic files).")
    Path out;

    @Option(
            names = {"-n", "--requests"},
            defaultValue = "5000",
            description = "Benign requests (the attacks' come on top). Default ${DEFAULT-VALUE}.")
    int requests;

    @Option(
            names = "--clients",
            defaultValue = "50",
            description = "Benign clients. Default ${DEFAULT-VALUE}.")
    int clients;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description =
                    "Seeds everything: the same seed, the same files. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--rate",
            defaultValue = "10",
            description =
                    "Benign requests per second of event time (not of wall-clock time; `warden"
                            + " produce --rate` paces sending). Default ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--start",
            defaultValue = SimulationSettings.DEFAULT_START,
            description = "Event time of the timeline's start. Default ${DEFAULT-VALUE}.")
    Instant start;

    @Option(
            names = "--drift",
            defaultValue = "noise",
            converter = DriftConverter.class,
            description =
                    "The drift segment's shift: none, noise, brightness, scale or prior. Default"
                            + " ${DEFAULT-VALUE}.")
    DriftKind drift;

    @Option(
            names = "--attacks",
            split = ",",
            defaultValue = "evasion,query,extraction,poisoning",
            description =
                    "Which attacks run: evasion, query, extraction, poisoning, or none. Default"
                            + " ${DEFAULT-VALUE}.")
    List<AttackChoice> attacks;

    @Option(
            names = "--query-budget",
            defaultValue = "2500",
            description = "HopSkipJump's queries per attacked row. Default ${DEFAULT-VALUE}.")
    int queryBudget;

    @Option(
            names = "--format",
            defaultValue = "jsonl",
            description = "Traffic files: jsonl (warden JSON) or avro (container files).")
    Format format;

    @Option(
            names = "--kafka",
            description =
                    "Send requests, responses and feedback to the topics of the Kafka options"
                            + " (Avro single-object) instead of writing them to files.")
    boolean toKafka;

    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        if (requests < 1 || clients < 1 || queryBudget < 1 || !(rate > 0)) {
            err.println(
                    "warden simulate: --requests, --clients, --query-budget, --rate must be > 0");
            return WardenCli.EXIT_USAGE;
        }
        EnumSet<Attack> chosen = EnumSet.noneOf(Attack.class);
        attacks.stream().filter(a -> a.attack != null).forEach(a -> chosen.add(a.attack));
        ServedModel served = model.served;
        SimulationSettings settings =
                SimulationSettings.defaults(served, seed)
                        .with(start, requests, clients, rate, drift, chosen, queryBudget);
        Files.createDirectories(out);
        ModelFile modelFile = served.writeTo(out.resolve(served.fileName()));
        Simulation simulation;
        try (OnnxScorer scorer = new OnnxScorer(modelFile, served.scorerSettings())) {
            err.println("warden simulate: generating traffic for " + served.name() + " ...");
            simulation = Simulator.run(settings, scorer);
            writeProfile(served, scorer);
        }
        Path trusted = writeTrustedLabels(served);
        List<InferenceRequest> requestRecords = map(simulation.requests(), this::request);
        List<InferenceResponse> responseRecords = map(simulation.requests(), this::response);
        List<FeedbackRecord> feedbackRecords = map(simulation.feedback(), this::feedback);
        if (toKafka) {
            send(requestRecords, responseRecords, feedbackRecords, err);
        } else {
            write("requests", requestRecords, InferenceRequest.class);
            write("responses", responseRecords, InferenceResponse.class);
            write("feedback", feedbackRecords, FeedbackRecord.class);
        }
        Files.write(out.resolve(TRUTH), simulation.truthLines(), StandardCharsets.UTF_8);
        List<String> summary = summary(simulation);
        Files.write(out.resolve(SUMMARY), summary, StandardCharsets.UTF_8);
        Files.writeString(
                out.resolve(CONFIG),
                config(
                        model,
                        modelFile,
                        trusted.getFileName().toString(),
                        ModelFile.sha256Of(trusted)),
                StandardCharsets.UTF_8);
        summary.forEach(stdout::println);
        stdout.flush();
        return 0;
    }

    /** The summary: what was generated and each attack's efficacy. */
    static List<String> summary(Simulation simulation) {
        List<String> lines = new ArrayList<>();
        SimulationSettings s = simulation.settings();
        lines.add(
                String.format(
                        Locale.ROOT,
                        "%s, seed %d: %d requests (%d benign from %d clients), %d feedback"
                                + " records, %d truth entries; drift %s",
                        simulation.modelName(),
                        s.seed(),
                        simulation.requests().size(),
                        s.benignRequests(),
                        s.benignClients(),
                        simulation.feedback().size(),
                        simulation.truth().size(),
                        s.drift().segment()));
        for (Efficacy e : simulation.efficacy()) {
            lines.add(e.describe());
        }
        return lines;
    }

    private static <T, R> List<R> map(List<T> values, Function<T, R> f) {
        return values.stream().map(f).toList();
    }

    private InferenceRequest request(SimulatedRequest r) {
        return InferenceRequest.newBuilder()
                .setRequestId(r.requestId())
                .setEventTime(r.time())
                .setModelName(model.served.name())
                .setModelVersion(Simulator.MODEL_VERSION)
                .setClientId(r.clientId())
                .setAttributes(Map.of())
                .setInputs(List.of(DemoTraffic.tensor(ServedModel.INPUT, r.features())))
                .build();
    }

    private InferenceResponse response(SimulatedRequest r) {
        return InferenceResponse.newBuilder()
                .setRequestId(r.requestId())
                .setEventTime(r.responseTime())
                .setModelName(model.served.name())
                .setModelVersion(Simulator.MODEL_VERSION)
                .setOutputs(List.of(DemoTraffic.tensor(ServedModel.OUTPUT, r.probabilities())))
                .setLatencyMs((double) r.latencyMs())
                .setAttributes(Map.of())
                .build();
    }

    private FeedbackRecord feedback(SimulatedFeedback f) {
        return FeedbackRecord.newBuilder()
                .setFeedbackId(f.feedbackId())
                .setEventTime(f.time())
                .setModelName(model.served.name())
                .setModelVersion(Simulator.MODEL_VERSION)
                .setRequestId(f.requestId())
                .setContributorId(f.contributorId())
                .setLabel(f.label())
                .setFeatures(
                        f.features() == null
                                ? List.of()
                                : List.of(DemoTraffic.tensor(ServedModel.INPUT, f.features())))
                .setAttributes(Map.of())
                .build();
    }

    private <T extends SpecificRecord> void write(String name, List<T> records, Class<T> type)
            throws IOException {
        if (format == Format.avro) {
            try (DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<>(type))) {
                writer.create(
                        SpecificData.get().getSchema(type), out.resolve(name + ".avro").toFile());
                for (T r : records) {
                    writer.append(r);
                }
            }
            return;
        }
        try (BufferedWriter w =
                Files.newBufferedWriter(out.resolve(name + ".jsonl"), StandardCharsets.UTF_8)) {
            for (T r : records) {
                w.write(new String(JsonCodec.standard().encode(r), StandardCharsets.UTF_8));
                w.newLine();
            }
        }
    }

    private void send(
            List<InferenceRequest> requestRecords,
            List<InferenceResponse> responseRecords,
            List<FeedbackRecord> feedbackRecords,
            PrintWriter err) {
        try (CheckedProducer producer = CheckedProducer.create(kafka.clientProperties())) {
            for (InferenceRequest r : requestRecords) {
                producer.send(
                        kafka.topic("requests"),
                        key(r.getRequestId()),
                        AvroCodec.standard().encode(r));
            }
            for (InferenceResponse r : responseRecords) {
                producer.send(
                        kafka.topic("responses"),
                        key(r.getRequestId()),
                        AvroCodec.standard().encode(r));
            }
            for (FeedbackRecord r : feedbackRecords) {
                producer.send(
                        kafka.topic("feedback"),
                        key(r.getFeedbackId()),
                        AvroCodec.standard().encode(r));
            }
            producer.flush();
        }
        err.println(
                "warden simulate: sent "
                        + requestRecords.size()
                        + " requests and responses and "
                        + feedbackRecords.size()
                        + " feedback records");
    }

    private static byte[] key(CharSequence id) {
        return id.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The reference profile of the model's training split, scored by ONNX Runtime. */
    private void writeProfile(ServedModel served, OnnxScorer scorer) throws IOException {
        Dataset train = served.split().train();
        float[][] scores = scorer.score(train.featuresAsFloats());
        ProfileBuilder builder =
                ProfileBuilder.create(
                        ProfileSchema.of(served.featureNames(), List.of(), served.classNames()),
                        ProfileSettings.defaults());
        for (int r = 0; r < train.size(); r++) {
            double[] p = new double[scores[r].length];
            for (int k = 0; k < p.length; k++) {
                p[k] = scores[r][k];
            }
            builder.add(train.row(r), null, p);
        }
        ProfileIo.write(
                builder.build(
                        new ProfileMetadata(
                                served.name() + "-train",
                                Instant.parse(SimulationSettings.DEFAULT_START),
                                served.name(),
                                Simulator.MODEL_VERSION,
                                "training split of " + served.datasetSource())),
                out.resolve(profileFile(served)));
    }

    static String profileFile(ServedModel served) {
        return served.name() + ".profile.json";
    }

    /**
     * The trusted labelled reference of the per-record poisoning detector: the model's training
     * split as CSV, a column per feature name and the class name in {@code label}.
     */
    private Path writeTrustedLabels(ServedModel served) throws IOException {
        Dataset train = served.split().train();
        Path file = out.resolve(served.name() + ".trusted.csv");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(String.join(",", served.featureNames()) + ",label");
            w.newLine();
            for (int r = 0; r < train.size(); r++) {
                StringBuilder line = new StringBuilder();
                for (double v : train.row(r)) {
                    line.append(v).append(',');
                }
                line.append(served.classNames().get(train.label(r)));
                w.write(line.toString());
                w.newLine();
            }
        }
        return file;
    }

    /**
     * A warden.yaml monitoring the served model with its profile and ONNX file, an evasion ensemble
     * (squeezing on digits, a built-in Mahalanobis detector) with evasion campaigns, performance
     * and poisoning detection on the feedback (each record against the trusted training split), and
     * policy rules: BLOCK extraction clients, THROTTLE decision-based probers, REVIEW poisoning
     * contributors, QUARANTINE poisoned feedback records.
     */
    private static String config(
            ModelChoice choice, ModelFile file, String trusted, String trustedSha256) {
        ServedModel served = choice.served;
        return String.join(
                "\n",
                "# Written by `warden simulate` for " + served.name() + "; paths relative to it.",
                "kafka:",
                "  bootstrap-servers: ${env:WARDEN_BOOTSTRAP:-localhost:9092}",
                "models:",
                "  - name: " + served.name(),
                "    profile: " + profileFile(served),
                "    features:",
                "      tensor: " + ServedModel.INPUT,
                "      names: [" + String.join(", ", served.featureNames()) + "]",
                "    output:",
                "      tensor: " + ServedModel.OUTPUT,
                "      type: probabilities",
                "      classes: [" + quoted(served.classNames()) + "]",
                "    detectors:",
                "      confidence: {enabled: true, alpha: 0.01}",
                "      drift: {window: 1m, min-samples: 100}",
                "      extraction: {alert-on: [prada]}",
                "      query-attack: {alpha: 0.01}",
                // Blacklight flags any re-sent input (every fingerprint hash seen before), which
                // benign traffic drawing rows from a finite data set does; at medium severity its
                // alerts stay for review but do not throttle (the k-NN query detector's do).
                "      blacklight: {severity: medium}",
                // Evasion: the served model on squeezed inputs (digits: 3-bit pixels) and a
                // Mahalanobis detector fitted from the profile, as one conformal ensemble; a
                // client with 5 flagged requests within 10 minutes is an evasion campaign.
                "      onnx:",
                "        - {name: mahalanobis, builtin: mahalanobis}",
                choice == ModelChoice.digits
                        ? "      squeezing: {squeezers: [{type: bit-depth, bits: 3, min: 0,"
                                + " max: 16}]}"
                        : "      # no squeezing: the breast-cancer features have no common scale",
                "      evasion-ensemble: {combination: fisher, alpha: 0.01}",
                "      evasion-campaign: {min-flagged: 5, window: 10m}",
                // Feedback arrives up to a minute after its request.
                "      performance: {reference-accuracy: "
                        + choice.referenceAccuracy
                        + ", window: 1m, label-wait: 2m}",
                "      poisoning:",
                "        records:",
                "          reference: " + trusted,
                "          reference-sha256: \"" + trustedSha256 + "\"",
                // Conformal p-values need 2 / alpha - 2 trusted rows per class: 98 at 0.02,
                // below the smallest class of either training split.
                "          alpha: 0.02",
                "    served-model:",
                "      model: " + served.fileName(),
                "      sha256: \"" + file.sha256() + "\"",
                "      input: " + ServedModel.INPUT,
                "      output: " + ServedModel.OUTPUT,
                "policy:",
                "  rules:",
                "    - {name: block-extraction, kinds: [extraction], subject: client,"
                        + " action: block}",
                "    - {name: throttle-query-attacks, kinds: [blackbox_query_attack],"
                        + " min-severity: high, subject: client, action: throttle}",
                "    - {name: review-poisoners, kinds: [poisoning], subject: contributor,"
                        + " action: review}",
                "    - {name: quarantine-poisoned-records, kinds: [poisoning],"
                        + " subject: feedback_record, action: quarantine}",
                "");
    }

    private static String quoted(List<String> values) {
        return String.join(", ", values.stream().map(v -> "\"" + v + "\"").toList());
    }

    /** Accepts {@code breast-cancer} for the enum constant {@code breast_cancer}. */
    static final class ModelConverter implements picocli.CommandLine.ITypeConverter<ModelChoice> {
        @Override
        public ModelChoice convert(String value) {
            return ModelChoice.valueOf(value.replace('-', '_'));
        }
    }

    /** Accepts lower-case drift names. */
    static final class DriftConverter implements picocli.CommandLine.ITypeConverter<DriftKind> {
        @Override
        public DriftKind convert(String value) {
            return DriftKind.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }
}
