package io.warden.jobs.cli;

import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ProfileSettings;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.Durations;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.profile.ProfileConfig;
import io.warden.jobs.profile.ProfileInputException;
import io.warden.jobs.profile.ProfileRun;
import io.warden.jobs.profile.ProfileSummary;
import io.warden.jobs.profile.ProfileTarget;
import io.warden.jobs.profile.RecordType;
import io.warden.jobs.profile.ReferenceInput;
import io.warden.jobs.profile.ReferenceInputs;
import io.warden.jobs.profile.ReferenceProfiler;
import io.warden.schemas.codec.InboundContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code warden profile}: the reading and building is {@link io.warden.jobs.profile}'s. */
@Command(
        name = "profile",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Builds a model's reference profile file (what the drift and confidence detectors"
                    + " compare traffic with) from reference data: a file of inference events or"
                    + " requests (JSON Lines, Avro container file) or a CSV with a column per"
                    + " feature, or an event-time range of a topic. The features and classes are"
                    + " the model's in the config.",
            "Every record goes through the monitor job's validation: invalid ones are skipped and"
                    + " counted by reason. Prints the profile's id, SHA-256 and contents, and the"
                    + " lines to put in the model's config entry. The same input and options give"
                    + " the same file (pass --created).",
            "Exit codes: 0 written, 1 unreadable input (a missing CSV column, a missing topic) or"
                    + " more invalid records than --max-invalid-share, 2 wrong usage (incl. a model"
                    + " the config does not have, a missing input file), 3 a broken config."
        })
final class ProfileCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Option(
            names = {"-m", "--model"},
            paramLabel = "NAME",
            required = true,
            description = "The model, by its name in the config (required).")
    String model;

    @Option(
            names = "--model-version",
            paramLabel = "VERSION",
            description =
                    "Profile this version only (default: what the model's config entry covers).")
    String modelVersion;

    @Option(
            names = {"-i", "--input"},
            paramLabel = "FILE",
            description =
                    "Reference data: .jsonl (warden JSON or OIP v2; .gz too), .avro (container"
                            + " file) or .csv (.csv.gz too).")
    Path input;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            converter = FormatConverter.class,
            description = "jsonl, avro or csv (default: from the file name).")
    ReferenceInputs.Format format;

    @Option(
            names = "--type",
            paramLabel = "TYPE",
            converter = RecordTypeConverter.class,
            description =
                    "event or request: what a JSONL or Avro file or a topic holds (default: from"
                            + " the file's content or the topic's role).")
    RecordType type;

    @Option(
            names = "--probability-columns",
            split = ",",
            paramLabel = "COLUMN",
            description =
                    "CSV: the model-output columns, in the config's class order (default: columns"
                            + " p_<class> if the file has them). They hold what output.type says:"
                            + " probabilities or logits.")
    List<String> probabilityColumns;

    @Option(
            names = {"-t", "--topic"},
            paramLabel = "TOPIC",
            description =
                    "Read a topic instead of a file: a role (events, requests) or a name; requests"
                            + " are joined with the responses topic's records by request id.")
    String topic;

    @Option(
            names = "--from",
            converter = InstantConverter.class,
            paramLabel = "TIME",
            description = "With --topic: start of the event-time range, inclusive (ISO-8601).")
    Instant from;

    @Option(
            names = "--to",
            converter = InstantConverter.class,
            paramLabel = "TIME",
            description = "With --topic: end of the event-time range, exclusive (ISO-8601).")
    Instant to;

    @Option(
            names = "--time-margin",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description =
                    "With --topic: how far records may be out of event-time order, and Kafka"
                            + " timestamps earlier than event times; reading starts at the offsets"
                            + " of from - margin and a partition ends when its event time reaches"
                            + " to + margin (default: the config's input.max-out-of-orderness).")
    Duration timeMargin;

    @Option(
            names = "--responses-topic",
            paramLabel = "TOPIC",
            description =
                    "With a requests topic: the responses to join (default: the config's"
                            + " topics.responses).")
    String responsesTopic;

    @Option(
            names = "--requests-only",
            description =
                    "With a requests topic: profile the requests' features without joining"
                            + " responses (a profile without predictions).")
    boolean requestsOnly;

    @Option(
            names = "--max-responses",
            paramLabel = "N",
            defaultValue = "2000000",
            description =
                    "With a requests topic: the most responses held in memory for the join"
                            + " (default ${DEFAULT-VALUE}); more fail the command.")
    long maxResponses;

    @Option(
            names = {"-o", "--out"},
            required = true,
            paramLabel = "FILE",
            description = "The profile file to write (replaced if it exists).")
    Path out;

    @Option(
            names = "--id",
            paramLabel = "ID",
            description = "The profile's id (default: sha256:<16 hex digits> of its content).")
    String id;

    @Option(
            names = "--created",
            converter = InstantConverter.class,
            paramLabel = "TIME",
            description = "The profile's creation time, ISO-8601 (default: now).")
    Instant created;

    @Option(
            names = "--kll-k",
            paramLabel = "K",
            defaultValue = "" + ProfileSettings.DEFAULT_KLL_K,
            description = "Quantile sketch accuracy k (default ${DEFAULT-VALUE}).")
    int kllK;

    @Option(
            names = "--bins",
            paramLabel = "B",
            defaultValue = "" + ProfileSettings.DEFAULT_BINS,
            description = "Equal-frequency bins per feature (default ${DEFAULT-VALUE}).")
    int bins;

    @Option(
            names = "--seed",
            paramLabel = "SEED",
            defaultValue = "" + ProfileSettings.DEFAULT_SEED,
            description = "Seed of the profile's samples and sketches (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--max-invalid-share",
            paramLabel = "SHARE",
            defaultValue = "0.01",
            description =
                    "Fail, writing nothing, if a larger share of the records is skipped as"
                            + " invalid: records of the model, and records that do not decode"
                            + " (default ${DEFAULT-VALUE}). Records of other models do not count.")
    double maxInvalidShare;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String usage = checkUsage();
        if (usage != null) {
            err.println("warden profile: " + usage);
            return WardenCli.EXIT_USAGE;
        }
        ProfileSettings settings;
        try {
            settings = ProfileSettings.defaults().withKllK(kllK).withBins(bins).withSeed(seed);
        } catch (IllegalArgumentException e) {
            err.println("warden profile: " + e.getMessage());
            return WardenCli.EXIT_USAGE;
        }
        WardenConfig config = ProfileConfig.load(kafka.config);
        kafka.useConfig(config); // its Kafka settings and topics, without the profile checks
        ProfileTarget target;
        try {
            target = ProfileTarget.select(config, model, modelVersion);
        } catch (IllegalArgumentException e) {
            err.println("warden profile: " + e.getMessage());
            return WardenCli.EXIT_USAGE;
        }
        Instant createdAt =
                created != null ? created : Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ReferenceInput opened;
        try {
            opened = open(config, target);
        } catch (IllegalArgumentException e) {
            err.println("warden profile: " + e.getMessage());
            return WardenCli.EXIT_USAGE;
        } catch (ProfileInputException e) {
            err.println("warden profile: " + e.getMessage());
            return WardenCli.EXIT_FAILURE;
        }
        try (ReferenceInput in = opened) {
            long[] read = new long[1];
            Progress progress =
                    new Progress(err, "records of " + in.description(), in.expectedRecords());
            ProfileRun run;
            try {
                run =
                        ReferenceProfiler.run(
                                in,
                                target,
                                settings,
                                n -> {
                                    read[0] = n;
                                    progress.update(n);
                                });
            } catch (RuntimeException | IOException e) {
                progress.clear();
                throw e;
            }
            progress.finish(read[0]);
            return finish(run, createdAt);
        } catch (ProfileInputException e) {
            err.println("warden profile: " + e.getMessage());
            return WardenCli.EXIT_FAILURE;
        } catch (IOException e) {
            err.println(
                    "warden profile: cannot read "
                            + (input != null ? input : "topic " + topic)
                            + ": "
                            + e);
            return WardenCli.EXIT_FAILURE;
        }
    }

    /** What is wrong with the options alone, or null. */
    private String checkUsage() {
        if (kafka.config == null) {
            return "give --config: the model's features and classes come from it";
        }
        if ((input == null) == (topic == null)) {
            return "give exactly one of --input FILE and --topic TOPIC";
        }
        if (input != null) {
            if (from != null
                    || to != null
                    || timeMargin != null
                    || responsesTopic != null
                    || requestsOnly) {
                return "--from, --to, --time-margin, --responses-topic and --requests-only apply"
                        + " to --topic only";
            }
            if (!Files.isRegularFile(input)) {
                return "file not found: " + input;
            }
        } else {
            if (from == null || to == null) {
                return "--topic needs --from and --to (an event-time range)";
            }
            if (!from.isBefore(to)) {
                return "--from must be before --to";
            }
            if (format != null || probabilityColumns != null) {
                return "--format and --probability-columns apply to --input only";
            }
            if (timeMargin != null && timeMargin.isNegative()) {
                return "--time-margin must not be negative";
            }
            if (maxResponses < 1) {
                return "--max-responses must be at least 1";
            }
        }
        if (!(maxInvalidShare >= 0 && maxInvalidShare <= 1)) {
            return "--max-invalid-share must be in [0, 1]";
        }
        if (id != null && id.isBlank()) {
            return "--id must not be blank";
        }
        return null;
    }

    private ReferenceInput open(WardenConfig config, ProfileTarget target) throws IOException {
        if (input != null) {
            return ReferenceInputs.file(input, format, type, target, probabilityColumns);
        }
        ProduceCommand.RecordType role = ProduceCommand.typeOf(topic, config.topics());
        RecordType recordType = type;
        if (recordType == null) {
            if (role == ProduceCommand.RecordType.event) {
                recordType = RecordType.EVENT;
            } else if (role == ProduceCommand.RecordType.request) {
                recordType = RecordType.REQUEST;
            } else {
                throw new IllegalArgumentException(
                        "topic '"
                                + topic
                                + "' is not one of events or requests (by role or configured"
                                + " name): give --type event or --type request");
            }
        }
        if (recordType != RecordType.REQUEST && (requestsOnly || responsesTopic != null)) {
            throw new IllegalArgumentException(
                    "--requests-only and --responses-topic apply to a topic of requests");
        }
        String join = null;
        if (recordType == RecordType.REQUEST && !requestsOnly) {
            join =
                    responsesTopic != null
                            ? kafka.topic(responsesTopic)
                            : config.topics().responses();
        }
        String defaultModel = config.models().size() == 1 ? config.models().get(0).name() : null;
        return ReferenceInputs.topic(
                kafka.clientProperties(Map.of()),
                new ReferenceInputs.TopicRange(
                        kafka.topic(topic),
                        recordType,
                        join,
                        from,
                        to,
                        timeMargin != null ? timeMargin : config.input().maxOutOfOrderness(),
                        config.input().joinTimeout(),
                        new InboundContext(
                                config.input().format(),
                                defaultModel,
                                null,
                                InboundContext.NO_TIMESTAMP),
                        maxResponses),
                target);
    }

    /** Checks the counts, writes the profile and prints what it holds. */
    private int finish(ProfileRun run, Instant createdAt) {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String where = input != null ? input.toString() : "topic " + kafka.topic(topic);
        if (run.used() == 0) {
            err.println(
                    "warden profile: no valid records of model "
                            + run.target().displayName()
                            + " in "
                            + where
                            + ": "
                            + ProfileSummary.records(run));
            printExamples(err, run);
            run.notes().forEach(n -> err.println("  " + n));
            return WardenCli.EXIT_FAILURE;
        }
        if (run.invalidShare() > maxInvalidShare) {
            err.println(
                    String.format(
                            Locale.ROOT,
                            "warden profile: %,d of %,d records of model %s in %s are invalid,"
                                    + " more than --max-invalid-share %s: %s",
                            run.skippedTotal(),
                            run.skippedTotal() + run.used(),
                            run.target().displayName(),
                            where,
                            maxInvalidShare,
                            ProfileSummary.records(run)));
            printExamples(err, run);
            err.println("  no profile written");
            return WardenCli.EXIT_FAILURE;
        }
        ReferenceProfile profile = run.build(id, createdAt);
        String sha256;
        try {
            sha256 = write(profile);
        } catch (IOException e) {
            err.println("warden profile: cannot write " + out + ": " + e);
            return WardenCli.EXIT_FAILURE;
        }
        o.println("warden profile: wrote " + out);
        String createdNote =
                created != null
                        ? ""
                        : " (now; pass --created " + createdAt + " to rebuild the same bytes)";
        ProfileSummary.describe(run, profile, sha256, createdNote).forEach(o::println);
        if (!run.examples().isEmpty()) {
            o.println("  skipped, e.g.:");
            run.examples().forEach(e -> o.println("    " + e));
        }
        run.notes().forEach(n -> o.println("  " + n));
        o.println();
        o.println(
                "Put these lines in the entry of model "
                        + run.target().displayName()
                        + " in "
                        + kafka.config
                        + ":");
        ProfileSummary.configSnippet(out, kafka.config, sha256).forEach(l -> o.println("    " + l));
        o.flush();
        return 0;
    }

    private static void printExamples(PrintWriter err, ProfileRun run) {
        if (!run.examples().isEmpty()) {
            err.println("  first skipped records:");
            run.examples().forEach(e -> err.println("    " + e));
        }
    }

    /** Writes next to the target, then moves it in place: no half-written profile is left. */
    private String write(ReferenceProfile profile) throws IOException {
        Path target = out.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        String sha256 = ProfileIo.write(profile, tmp);
        try {
            Files.move(
                    tmp,
                    target,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return sha256;
    }

    /** ISO-8601 times: {@code 2026-11-25T10:00:00Z} or with an offset. */
    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                try {
                    return OffsetDateTime.parse(value).toInstant();
                } catch (DateTimeParseException e2) {
                    throw new TypeConversionException(
                            "'" + value + "' is not an ISO-8601 time, e.g. 2026-11-25T10:00:00Z");
                }
            }
        }
    }

    /** {@code jsonl}, {@code avro} or {@code csv}, in any case. */
    static final class FormatConverter implements ITypeConverter<ReferenceInputs.Format> {
        @Override
        public ReferenceInputs.Format convert(String value) {
            try {
                return ReferenceInputs.Format.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(
                        "'" + value + "' is not a format: jsonl, avro or csv");
            }
        }
    }

    /** {@code event} or {@code request}, in any case. */
    static final class RecordTypeConverter implements ITypeConverter<RecordType> {
        @Override
        public RecordType convert(String value) {
            try {
                return RecordType.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(
                        "'" + value + "' is not a record type: event or request");
            }
        }
    }

    /** Durations as in the config: {@code 5s}, {@code 2m}, {@code PT30S}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
