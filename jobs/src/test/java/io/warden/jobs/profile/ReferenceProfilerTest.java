package io.warden.jobs.profile;

import static io.warden.jobs.profile.ReferenceData.CHURN;
import static io.warden.jobs.profile.ReferenceData.CLASSES;
import static io.warden.jobs.profile.ReferenceData.FEATURES;
import static io.warden.jobs.profile.ReferenceData.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.detectors.profile.ProfileSettings;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.profile.ReferenceData.Row;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading reference files and counting what happens to each record, without the command line. */
class ReferenceProfilerTest {
    private static final Instant CREATED = Instant.parse("2026-11-25T00:00:00Z");

    @TempDir Path dir;

    private ProfileTarget churn;

    @BeforeEach
    void loadConfig() throws Exception {
        churn =
                ProfileTarget.select(
                        ProfileConfig.load(ReferenceData.writeConfig(dir), Map.of()), CHURN, null);
    }

    private ProfileRun run(Path file) throws Exception {
        return run(file, null, null);
    }

    private ProfileRun run(Path file, RecordType type, List<String> probabilityColumns)
            throws Exception {
        try (ReferenceInput in =
                ReferenceInputs.file(file, null, type, churn, probabilityColumns)) {
            return ReferenceProfiler.run(in, churn, ProfileSettings.defaults(), n -> {});
        }
    }

    private static ReferenceProfile direct(List<String> classes, List<Row> rows, ProfileRun run) {
        ReferenceProfile built = run.build("id", CREATED);
        return ReferenceData.expected(
                FEATURES, classes, rows, false, ProfileSettings.defaults(), built.metadata());
    }

    @Test
    void shouldCountRecordsOfOtherModelsApartFromInvalidOnes() throws Exception {
        List<Row> rows = ReferenceData.churnRows(20, 1);
        List<InferenceEvent> events = new ArrayList<>(ReferenceData.events(rows));
        Row pixels = ReferenceData.digitRows(1, 2).get(0);
        for (int i = 0; i < 3; i++) {
            events.add(
                    i,
                    ReferenceData.event(
                            "d-" + i,
                            T0,
                            "digits",
                            "pixels",
                            "logits",
                            List.of(2L, 2L),
                            List.of(2L),
                            pixels));
        }
        InferenceEvent ghost = ReferenceData.event("g", T0, rows.get(0));
        ghost.setModelName("ghost");
        events.add(ghost);

        ProfileRun run = run(ReferenceData.jsonl(dir.resolve("mixed.jsonl"), events));

        assertThat(run.used()).isEqualTo(20);
        assertThat(run.skippedTotal()).isZero();
        assertThat(run.invalidShare()).isZero();
        assertThat(run.otherModels())
                .containsExactly(Map.entry("digits:1", 3L), Map.entry("ghost:1", 1L));
        assertThat(run.build("id", CREATED)).isEqualTo(direct(CLASSES, rows, run));
    }

    @Test
    void shouldSkipCsvRowsOfTheWrongWidthOrWithMissingValuesNamingTheirLines() throws Exception {
        Path csv =
                Files.writeString(
                        dir.resolve("ref.csv"),
                        "a,b,c\n1,2,3\n4,5\n\n6,,7\n8,nan,9\n10,11,-Inf\n12,13,14\n");

        ProfileRun run = run(csv);

        assertThat(run.used()).isEqualTo(2);
        assertThat(run.hasPredictions()).isFalse();
        assertThat(run.skipped())
                .containsExactly(
                        Map.entry(DeadLetterReason.UNDECODABLE, 1L),
                        Map.entry(DeadLetterReason.INVALID, 3L));
        assertThat(run.examples())
                .containsExactly(
                        "ref.csv line 3: UNDECODABLE 2 fields, but the header has 3 columns",
                        "ref.csv line 5: INVALID inputs.input: 1 value(s) are NaN or infinite"
                                + " (first at index 1)",
                        "ref.csv line 6: INVALID inputs.input: 1 value(s) are NaN or infinite"
                                + " (first at index 1)",
                        "ref.csv line 7: INVALID inputs.input: 1 value(s) are NaN or infinite"
                                + " (first at index 2)");
        assertThat(run.invalidShare()).isEqualTo(4.0 / 6);
        ReferenceProfile p = run.build(null, CREATED);
        assertThat(p.numeric("a").min()).isEqualTo(1.0);
        assertThat(p.numeric("a").max()).isEqualTo(12.0);
    }

    @Test
    void shouldRefuseCsvHeadersThatDoNotFitTheModel() throws Exception {
        Path partial =
                Files.writeString(
                        dir.resolve("partial.csv"), "a,b,c,p_low,p_high\n1,2,3,0.5,0.5\n");
        assertThatThrownBy(() -> run(partial))
                .isInstanceOf(ProfileInputException.class)
                .hasMessageContaining("has some but not all of the columns [p_low, p_mid, p_high]")
                .hasMessageContaining("(missing [p_mid])");

        Path repeated = Files.writeString(dir.resolve("repeated.csv"), "a,b,c,a\n1,2,3,4\n");
        assertThatThrownBy(() -> run(repeated))
                .isInstanceOf(ProfileInputException.class)
                .hasMessageContaining("names column(s) [a] more than once");

        Path ok = Files.writeString(dir.resolve("ok.csv"), "a,b,c,x,y\n1,2,3,0.5,0.5\n");
        assertThatThrownBy(() -> run(ok, null, List.of("x", "y")))
                .isInstanceOf(ProfileInputException.class)
                .hasMessageContaining(
                        "--probability-columns names 2 columns, but model churn has 3");
        assertThatThrownBy(() -> run(ok, null, List.of("x", "y", "z")))
                .isInstanceOf(ProfileInputException.class)
                .hasMessageContaining("no column(s) [z]");

        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        assertThatThrownBy(() -> run(empty))
                .isInstanceOf(ProfileInputException.class)
                .hasMessageContaining("is empty: a CSV header line is required");
    }

    @Test
    void shouldReadGzippedFilesLikePlainOnes() throws Exception {
        List<Row> rows = ReferenceData.churnRows(100, 3);
        Path csv = ReferenceData.csv(dir.resolve("ref.csv"), rows, true);
        Path jsonl = ReferenceData.jsonl(dir.resolve("ref.jsonl"), ReferenceData.events(rows));

        for (Path plain : List.of(csv, jsonl)) {
            Path gz = dir.resolve(plain.getFileName() + ".gz");
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
                out.write(Files.readAllBytes(plain));
            }
            ProfileRun run = run(gz);
            assertThat(run.used()).isEqualTo(100);
            assertThat(run.source()).startsWith(gz.getFileName().toString());
            assertThat(run.build("id", CREATED)).isEqualTo(direct(CLASSES, rows, run));
        }
    }

    @Test
    void shouldTellRequestsFromEventsAndProfileRequestsWithoutPredictions() throws Exception {
        List<Row> rows = ReferenceData.churnRows(30, 4);
        List<InferenceRequest> requests = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            requests.add(ReferenceData.request("r-" + i, T0, rows.get(i)));
        }

        ProfileRun fromJson = run(ReferenceData.jsonl(dir.resolve("requests.jsonl"), requests));
        ProfileRun fromAvro =
                run(
                        ReferenceData.avro(
                                dir.resolve("requests.avro"), InferenceRequest.class, requests));

        for (ProfileRun run : List.of(fromJson, fromAvro)) {
            assertThat(run.hasPredictions()).isFalse();
            ReferenceProfile p = run.build("id", CREATED);
            assertThat(p.predictions()).isEmpty();
            assertThat(p).isEqualTo(direct(List.of(), rows, run));
        }
        assertThat(fromAvro.source())
                .isEqualTo("requests.avro (Avro container file of inference requests)");
    }

    @Test
    void shouldRefuseAvroFilesOfOtherRecordsOrOfAnotherTypeThanAskedFor() throws Exception {
        Row row = ReferenceData.churnRows(1, 5).get(0);
        Path responses =
                ReferenceData.avro(
                        dir.resolve("responses.avro"),
                        InferenceResponse.class,
                        List.of(ReferenceData.response("r", T0, row)));
        assertThatThrownBy(() -> run(responses))
                .isInstanceOf(ProfileInputException.class)
                .hasMessageContaining("holds io.warden.schemas.InferenceResponse records");

        Path events =
                ReferenceData.avro(
                        dir.resolve("events.avro"),
                        InferenceEvent.class,
                        List.of(ReferenceData.event("e", T0, row)));
        assertThatThrownBy(() -> run(events, RecordType.REQUEST, null))
                .isInstanceOf(ProfileInputException.class)
                .hasMessageContaining("holds inference events, not inference requests");

        Path notAvro = Files.writeString(dir.resolve("text.avro"), "hello");
        assertThatThrownBy(() -> run(notAvro))
                .isInstanceOf(ProfileInputException.class)
                .hasMessageContaining("not an Avro container file");
    }
}
