package io.warden.jobs.cli;

import static io.warden.jobs.profile.ReferenceData.CHURN;
import static io.warden.jobs.profile.ReferenceData.CLASSES;
import static io.warden.jobs.profile.ReferenceData.DIGITS;
import static io.warden.jobs.profile.ReferenceData.DIGIT_CLASSES;
import static io.warden.jobs.profile.ReferenceData.FEATURES;
import static io.warden.jobs.profile.ReferenceData.PIXELS;
import static io.warden.jobs.profile.ReferenceData.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.profile.ProfileFile;
import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ProfileSettings;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ConfigLoader;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.monitor.ModelCatalog;
import io.warden.jobs.profile.ReferenceData;
import io.warden.jobs.profile.ReferenceData.Row;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.codec.OpenInferenceProtocolCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden profile} on reference files, in-process. */
class ProfileCommandTest {
    private static final String CREATED = "2026-11-25T00:00:00Z";
    private static final Pattern SHA_LINE = Pattern.compile("profile-sha256: ([0-9a-f]{64})");

    @TempDir Path dir;

    private Path config;

    @BeforeEach
    void writeConfig() throws Exception {
        config = ReferenceData.writeConfig(dir);
    }

    private Cli.Result profile(String... args) {
        List<String> all =
                new ArrayList<>(
                        List.of("profile", "--config", config.toString(), "--created", CREATED));
        all.addAll(List.of(args));
        return Cli.run(all);
    }

    /** What ProfileBuilder makes of the rows directly, with the written profile's metadata. */
    private static ReferenceProfile direct(
            List<String> features,
            List<String> classes,
            List<Row> rows,
            boolean logits,
            ReferenceProfile written) {
        return ReferenceData.expected(
                features, classes, rows, logits, ProfileSettings.defaults(), written.metadata());
    }

    private static void assertSameProfileAndBytes(ReferenceProfile expected, Path written)
            throws Exception {
        assertThat(ProfileIo.read(written).profile()).isEqualTo(expected);
        assertThat(Files.readAllBytes(written)).isEqualTo(ProfileIo.toBytes(expected));
    }

    @Test
    void shouldProfileJsonLinesOfEventsLikeTheBuilderOnTheSameRows() throws Exception {
        List<Row> rows = ReferenceData.churnRows(500, 1);
        Path input = ReferenceData.jsonl(dir.resolve("ref.jsonl"), ReferenceData.events(rows));
        Path out = dir.resolve("churn.profile.json");

        Cli.Result result =
                profile("--model", CHURN, "--input", input.toString(), "--out", out.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        ReferenceProfile written = ProfileIo.read(out).profile();
        assertSameProfileAndBytes(direct(FEATURES, CLASSES, rows, false, written), out);
        assertThat(written.source()).isEqualTo("ref.jsonl (JSON Lines of inference events)");
        assertThat(written.created()).hasToString(CREATED);
        assertThat(result.err()).contains("500/500 records of ref.jsonl");
    }

    @Test
    void shouldProfileAnAvroContainerFileLikeTheBuilderOnTheSameRows() throws Exception {
        List<Row> rows = ReferenceData.churnRows(300, 2);
        Path input =
                ReferenceData.avro(
                        dir.resolve("ref.avro"), InferenceEvent.class, ReferenceData.events(rows));
        Path out = dir.resolve("churn.profile.json");

        Cli.Result result =
                profile(
                        "--model",
                        CHURN,
                        "-i",
                        input.toString(),
                        "-o",
                        out.toString(),
                        "--id",
                        "churn-ref");

        assertThat(result.exitCode()).as("%s", result).isZero();
        ReferenceProfile written = ProfileIo.read(out).profile();
        assertThat(written.id()).isEqualTo("churn-ref");
        assertSameProfileAndBytes(direct(FEATURES, CLASSES, rows, false, written), out);
    }

    @Test
    void shouldProfileCsvByColumnNameLikeTheBuilderOnTheSameRows() throws Exception {
        List<Row> rows = ReferenceData.churnRows(400, 3);
        Path input = ReferenceData.csv(dir.resolve("ref.csv"), rows, true);
        Path out = dir.resolve("churn.profile.json");

        Cli.Result result = profile("--model", CHURN, "-i", input.toString(), "-o", out.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertSameProfileAndBytes(
                direct(FEATURES, CLASSES, rows, false, ProfileIo.read(out).profile()), out);
        assertThat(result.out()).contains("400 profiled, 0 skipped");
    }

    @Test
    void shouldTakeProbabilityColumnsByName() throws Exception {
        List<Row> rows = ReferenceData.churnRows(50, 4);
        Path input = ReferenceData.csv(dir.resolve("ref.csv"), rows, true);
        String renamed =
                Files.readString(input)
                        .replaceFirst("p_low,p_mid,p_high", "prob_low,prob_mid,prob_high");
        Files.writeString(input, renamed);
        Path out = dir.resolve("churn.profile.json");

        Cli.Result result =
                profile(
                        "--model",
                        CHURN,
                        "-i",
                        input.toString(),
                        "-o",
                        out.toString(),
                        "--probability-columns",
                        "prob_low,prob_mid,prob_high");

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertSameProfileAndBytes(
                direct(FEATURES, CLASSES, rows, false, ProfileIo.read(out).profile()), out);
    }

    @Test
    void shouldProfileRequestsWithoutPredictionsAndSaySo() throws Exception {
        List<Row> rows = ReferenceData.churnRows(200, 5);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            InferenceRequest r = ReferenceData.request("r-" + i, T0.plusMillis(i), rows.get(i));
            lines.add(
                    new String(
                            OpenInferenceProtocolCodec.standard().encodeRequest(r),
                            StandardCharsets.UTF_8));
        }
        Path input = Files.write(dir.resolve("requests.jsonl"), lines);
        Path out = dir.resolve("churn.profile.json");

        Cli.Result result = profile("--model", CHURN, "-i", input.toString(), "-o", out.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        ReferenceProfile written = ProfileIo.read(out).profile();
        assertThat(written.predictions()).isEmpty();
        assertSameProfileAndBytes(direct(FEATURES, List.of(), rows, false, written), out);
        assertThat(result.out()).contains("predictions  none: the input holds requests");
    }

    @Test
    void shouldTurnLogitsIntoProbabilitiesAndCountEveryRowOfABatch() throws Exception {
        List<Row> rows = ReferenceData.digitRows(90, 6);
        List<InferenceEvent> events = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += 3) {
            // Three rows per event: pixels [3, 2, 2], logits [3, 2].
            double[] x = new double[12];
            double[] logits = new double[6];
            for (int k = 0; k < 3; k++) {
                System.arraycopy(rows.get(i + k).features(), 0, x, 4 * k, 4);
                System.arraycopy(rows.get(i + k).outputs(), 0, logits, 2 * k, 2);
            }
            events.add(
                    ReferenceData.event(
                            "d-" + i,
                            T0,
                            DIGITS,
                            "pixels",
                            "logits",
                            List.of(3L, 2L, 2L),
                            List.of(3L, 2L),
                            new Row(x, logits)));
        }
        Path input = ReferenceData.jsonl(dir.resolve("digits.jsonl"), events);
        Path out = dir.resolve("digits.profile.json");

        Cli.Result result =
                profile("--model", DIGITS, "-i", input.toString(), "-o", out.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        ReferenceProfile written = ProfileIo.read(out).profile();
        assertThat(written.rows()).isEqualTo(90);
        assertThat(written.schema().numericFeatures()).isEqualTo(PIXELS);
        assertSameProfileAndBytes(direct(PIXELS, DIGIT_CLASSES, rows, true, written), out);
    }

    @Test
    void shouldPrintTheSummaryAndAConfigSnippetThatLoads() throws Exception {
        Path input =
                ReferenceData.csv(dir.resolve("ref.csv"), ReferenceData.churnRows(300, 7), true);
        Path out = dir.resolve("reference/churn.profile.json");

        Cli.Result result = profile("--model", CHURN, "-i", input.toString(), "-o", out.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        ProfileFile file = ProfileIo.read(out);
        Matcher sha = SHA_LINE.matcher(result.out());
        assertThat(sha.find()).as(result.out()).isTrue();
        assertThat(sha.group(1)).isEqualTo(file.sha256());
        assertThat(result.out())
                .contains("  id           " + file.profile().id())
                .contains("  sha256       " + file.sha256())
                .contains("  rows         300")
                .contains("  features     3 numeric: a, b, c")
                .contains("  missing      0% in every feature")
                .contains("predicted-class priors low ")
                .contains("  PCA          ")
                .contains("    profile: reference/churn.profile.json");
        assertThat(file.profile().id()).startsWith("sha256:");

        // The printed lines in the model's entry, with the detectors that need a profile on.
        Path used =
                ReferenceData.writeConfig(
                        dir,
                        "localhost:9092",
                        "ref",
                        "profile: reference/churn.profile.json\n"
                                + "profile-sha256: "
                                + sha.group(1)
                                + "\n"
                                + "detectors:\n"
                                + "  confidence: {alpha: 0.01}\n"
                                + "  drift: {window: 1m}\n");
        WardenConfig loaded = ConfigLoader.load(used);
        assertThat(loaded.model(CHURN, null).orElseThrow().profile())
                .isEqualTo(out.toAbsolutePath().normalize().toString());
        // ... and the monitor job builds its drift references and confidence detector from it.
        ModelCatalog catalog = ModelCatalog.from(loaded);
        assertThat(catalog.drift().isEmpty()).isFalse();
        assertThat(catalog.find(CHURN, null).confidenceProfileId()).isEqualTo(file.profile().id());
    }

    @Test
    void shouldWriteTheSameBytesForTheSameInputAndOptions() throws Exception {
        Path input =
                ReferenceData.csv(dir.resolve("ref.csv"), ReferenceData.churnRows(250, 8), true);
        Path first = dir.resolve("first.json");
        Path second = dir.resolve("second.json");

        Cli.Result a =
                profile(
                        "--model",
                        CHURN,
                        "-i",
                        input.toString(),
                        "-o",
                        first.toString(),
                        "--kll-k",
                        "64",
                        "--bins",
                        "5",
                        "--seed",
                        "11");
        Cli.Result b =
                profile(
                        "--model",
                        CHURN,
                        "-i",
                        input.toString(),
                        "-o",
                        second.toString(),
                        "--kll-k",
                        "64",
                        "--bins",
                        "5",
                        "--seed",
                        "11");

        assertThat(a.exitCode()).as("%s", a).isZero();
        assertThat(b.exitCode()).as("%s", b).isZero();
        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
        ReferenceProfile p = ProfileIo.read(first).profile();
        assertThat(p.settings().kllK()).isEqualTo(64);
        assertThat(p.settings().bins()).isEqualTo(5);
        assertThat(p.settings().seed()).isEqualTo(11);
    }

    @Test
    void shouldSayWhenCreatedIsNowAndHowToReproduceIt() throws Exception {
        Path input =
                ReferenceData.csv(dir.resolve("ref.csv"), ReferenceData.churnRows(20, 9), true);
        Path out = dir.resolve("p.json");

        Cli.Result result =
                Cli.run(
                        "profile",
                        "-c",
                        config.toString(),
                        "-m",
                        CHURN,
                        "-i",
                        input.toString(),
                        "-o",
                        out.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        String created = ProfileIo.read(out).profile().created().toString();
        assertThat(result.out())
                .contains("  created      " + created + " (now; pass --created " + created);
    }

    @Test
    void shouldSkipAndCountInvalidRowsWithinTheAllowedShare() throws Exception {
        List<Row> rows = ReferenceData.churnRows(200, 10);
        List<String> lines = new ArrayList<>(jsonLines(ReferenceData.events(rows)));
        lines.add(50, "{\"request_id\": \"broken\""); // line 51: not JSON
        InferenceEvent nan =
                ReferenceData.event(
                        "nan", T0, new Row(new double[] {1, Double.NaN, 2}, rows.get(0).outputs()));
        lines.add(100, jsonLines(List.of(nan)).get(0)); // line 101
        Path input = Files.write(dir.resolve("ref.jsonl"), lines);
        Path out = dir.resolve("p.json");

        Cli.Result result =
                profile(
                        "--model",
                        CHURN,
                        "-i",
                        input.toString(),
                        "-o",
                        out.toString(),
                        "--max-invalid-share",
                        "0.05");

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.out())
                .contains("200 profiled, 2 skipped (0.99%: UNDECODABLE 1, INVALID 1)")
                .contains("ref.jsonl line 51: UNDECODABLE")
                .contains("ref.jsonl line 101: INVALID inputs.input: 1 value(s) are NaN");
        assertSameProfileAndBytes(
                direct(FEATURES, CLASSES, rows, false, ProfileIo.read(out).profile()), out);
    }

    @Test
    void shouldFailWithTheReasonsWhenMoreRowsAreInvalidThanAllowed() throws Exception {
        List<Row> rows = ReferenceData.churnRows(50, 11);
        List<String> lines = new ArrayList<>(jsonLines(ReferenceData.events(rows)));
        InferenceEvent notSummingToOne =
                ReferenceData.event(
                        "bad-p", T0, new Row(rows.get(0).features(), new double[] {0.5, 0.5, 0.5}));
        lines.add(10, jsonLines(List.of(notSummingToOne)).get(0)); // line 11
        Path input = Files.write(dir.resolve("ref.jsonl"), lines);
        Path out = dir.resolve("p.json");

        Cli.Result result = profile("--model", CHURN, "-i", input.toString(), "-o", out.toString());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(WardenCli.EXIT_FAILURE);
        assertThat(result.err())
                .contains(
                        "1 of 51 records of model churn in "
                                + input
                                + " are invalid, more than --max-invalid-share 0.01")
                .contains("ref.jsonl line 11: INVALID outputs.probabilities: row 0 sums to 1.50000")
                .contains("no profile written");
        assertThat(out).doesNotExist();
    }

    @Test
    void shouldNameTheLineAndColumnOfABadCsvNumber() throws Exception {
        Path input = dir.resolve("ref.csv");
        Files.writeString(input, "a,b,c\n1,2,3\n4,x5,6\n7,8,9\n");

        Cli.Result result =
                profile(
                        "--model",
                        CHURN,
                        "-i",
                        input.toString(),
                        "-o",
                        dir.resolve("p.json").toString());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(WardenCli.EXIT_FAILURE);
        assertThat(result.err())
                .contains("ref.csv line 3: UNDECODABLE column b (#2): 'x5' is not a number");
    }

    @Test
    void shouldFailNamingAFeatureColumnTheCsvLacks() throws Exception {
        Path input = dir.resolve("ref.csv");
        Files.writeString(input, "a,c,label\n1,3,x\n");

        Cli.Result result =
                profile(
                        "--model",
                        CHURN,
                        "-i",
                        input.toString(),
                        "-o",
                        dir.resolve("p.json").toString());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(WardenCli.EXIT_FAILURE);
        assertThat(result.err())
                .contains("no column for feature(s) [b] of model churn")
                .contains("the header has [a, c, label]");
    }

    @Test
    void shouldExitWith2ForAModelTheConfigDoesNotHave() throws Exception {
        Path input =
                ReferenceData.csv(dir.resolve("ref.csv"), ReferenceData.churnRows(5, 12), true);

        Cli.Result result =
                profile(
                        "--model",
                        "fraud",
                        "-i",
                        input.toString(),
                        "-o",
                        dir.resolve("p.json").toString());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(result.err())
                .contains("model 'fraud' is not configured (configured: [digits, churn])");
    }

    @Test
    void shouldExitWith2ForMissingInputOrWrongOptions() throws Exception {
        String out = dir.resolve("p.json").toString();

        Cli.Result missing =
                profile("-m", CHURN, "-i", dir.resolve("nope.csv").toString(), "-o", out);
        assertThat(missing.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(missing.err()).contains("file not found").contains("nope.csv");

        Cli.Result neither = profile("-m", CHURN, "-o", out);
        assertThat(neither.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(neither.err()).contains("give exactly one of --input FILE and --topic TOPIC");

        Cli.Result noRange = profile("-m", CHURN, "-t", "events", "-o", out);
        assertThat(noRange.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(noRange.err()).contains("--topic needs --from and --to");

        Cli.Result badTime =
                profile(
                        "-m",
                        CHURN,
                        "-t",
                        "events",
                        "--from",
                        "yesterday",
                        "--to",
                        CREATED,
                        "-o",
                        out);
        assertThat(badTime.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(badTime.err()).contains("'yesterday' is not an ISO-8601 time");

        Path txt = Files.writeString(dir.resolve("ref.txt"), "a,b,c\n1,2,3\n");
        Cli.Result unknownFormat = profile("-m", CHURN, "-i", txt.toString(), "-o", out);
        assertThat(unknownFormat.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(unknownFormat.err()).contains("give --format");
        Cli.Result asCsv = profile("-m", CHURN, "-i", txt.toString(), "-o", out, "--format", "csv");
        assertThat(asCsv.exitCode()).as("%s", asCsv).isZero();
        Cli.Result badFormat =
                profile("-m", CHURN, "-i", txt.toString(), "-o", out, "--format", "xml");
        assertThat(badFormat.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(badFormat.err()).contains("'xml' is not a format: jsonl, avro or csv");
        Cli.Result typeForCsv =
                profile(
                        "-m",
                        CHURN,
                        "-i",
                        txt.toString(),
                        "-o",
                        out,
                        "--format",
                        "csv",
                        "--type",
                        "event");
        assertThat(typeForCsv.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(typeForCsv.err()).contains("--type does not apply to CSV files");

        Cli.Result noConfig = Cli.run("profile", "-m", CHURN, "-i", txt.toString(), "-o", out);
        assertThat(noConfig.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(noConfig.err()).contains("give --config");
    }

    @Test
    void shouldExitWith3ForABrokenConfig() throws Exception {
        Files.writeString(
                config, Files.readString(config).replace("names: [a, b, c]", "nams: [a, b, c]"));
        Path input =
                ReferenceData.csv(dir.resolve("ref.csv"), ReferenceData.churnRows(5, 13), true);

        Cli.Result result =
                profile(
                        "--model",
                        CHURN,
                        "-i",
                        input.toString(),
                        "-o",
                        dir.resolve("p.json").toString());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(WardenCli.EXIT_CONFIG);
        assertThat(result.err()).contains("models[1].features").contains("unknown key 'nams'");
    }

    @Test
    void shouldRebuildAProfileTheConfigPinsWithAnOldHash() throws Exception {
        Path input =
                ReferenceData.csv(dir.resolve("ref.csv"), ReferenceData.churnRows(30, 14), true);
        // The config names the profile about to be built (it does not exist yet) and pins a
        // hash it will not have: both are what `warden profile` leaves to `warden run`.
        config =
                ReferenceData.writeConfig(
                        dir,
                        "localhost:9092",
                        "ref",
                        "profile: reference/churn.profile.json\n"
                                + "profile-sha256: "
                                + "0".repeat(64)
                                + "\n"
                                + "detectors:\n  drift: {window: 1m}\n");

        Cli.Result result =
                profile(
                        "--model",
                        CHURN,
                        "-i",
                        input.toString(),
                        "-o",
                        dir.resolve("reference/churn.profile.json").toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
    }

    private static List<String> jsonLines(List<InferenceEvent> events) throws Exception {
        Path tmp = Files.createTempFile("events", ".jsonl");
        try {
            ReferenceData.jsonl(tmp, events);
            return Files.readAllLines(tmp);
        } finally {
            Files.delete(tmp);
        }
    }
}
