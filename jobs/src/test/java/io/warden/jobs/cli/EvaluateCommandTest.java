package io.warden.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.codec.JsonCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden evaluate} on files: JSON Lines as {@code tail --json} prints, and Avro files. */
class EvaluateCommandTest {
    @TempDir Path dir;

    /** Alerts, decisions and drift reports as JSON Lines, the scores as an Avro container file. */
    private List<String> files() throws Exception {
        List<String> lines = new ArrayList<>();
        List<SpecificRecord> records = new ArrayList<>();
        records.addAll(EvaluateFixtures.alerts());
        records.addAll(EvaluateFixtures.decisions());
        records.addAll(EvaluateFixtures.driftReports());
        records.add(CliFixtures.deadLetter());
        records.add(CliFixtures.performance());
        records.forEach(r -> lines.add(JsonCodec.standard().toJson(r)));
        Path outputs = Files.write(dir.resolve("outputs.jsonl"), lines);
        Path scores = dir.resolve("scores.avro");
        try (DataFileWriter<ScoreRecord> w =
                new DataFileWriter<>(new SpecificDatumWriter<>(ScoreRecord.class))) {
            w.create(ScoreRecord.getClassSchema(), scores.toFile());
            for (ScoreRecord s : EvaluateFixtures.scores()) {
                w.append(s);
            }
        }
        return List.of("--file", outputs.toString(), "--file", scores.toString());
    }

    private Cli.Result evaluate(String... more) throws Exception {
        List<String> args = new ArrayList<>();
        args.add("evaluate");
        args.add("--truth");
        args.add(EvaluateFixtures.writeTruth(dir).toString());
        args.addAll(files());
        args.addAll(List.of(more));
        return Cli.run(args);
    }

    @Test
    void shouldReportTheKnownAnswersAsJson() throws Exception {
        Cli.Result result = evaluate("--json");

        assertThat(result.exitCode()).as("%s", result).isZero();
        EvaluateFixtures.assertKnownAnswers(new ObjectMapper().readTree(result.out()));
        assertThat(result.err())
                .contains("outputs.jsonl: 2 records of kinds not evaluated skipped");
    }

    @Test
    void shouldPrintTablesForPeople() throws Exception {
        Cli.Result result = evaluate();

        assertThat(result.exitCode()).as("%s", result).isZero();
        // columns are padded to their widest cell: compare with single spaces
        assertThat(result.outLines().stream().map(l -> l.trim().replaceAll(" +", " ")))
                .contains(
                        "Read 3 alerts, 2 decisions, 2 drift reports, 20 requests.",
                        "client client-7 extraction EXTRACTION 2026-11-25T10:00:05Z 5.00 s"
                                + " 6 (requests) 8 BLOCK at 2026-11-25T10:00:06Z",
                        "CONFIDENCE_ANOMALY extraction 1 / 8 12.50% 1 / 12 8.33%",
                        "confidence.msp extraction 8 12 0.901",
                        "demo-classifier noise 2026-11-25T10:00:22Z 2026-11-25T10:00:40Z"
                                + " drift report 2026-11-25T10:00:30Z 8.00 s");
    }

    @Test
    void shouldNameTheLineOfABrokenTruthFile() throws Exception {
        Path truth = Files.writeString(dir.resolve("bad.jsonl"), "{\"kind\":\"client\"}\n");

        Cli.Result result =
                Cli.run("evaluate", "--truth", truth.toString(), "--file", truth.toString());

        assertThat(result.exitCode()).isEqualTo(WardenCli.EXIT_FAILURE);
        assertThat(result.err()).contains("bad.jsonl:1: missing \"client_id\"");
    }

    @Test
    void shouldNameTheLineOfAnOutputThatIsNotAWardenRecord() throws Exception {
        Path truth = EvaluateFixtures.writeTruth(dir);
        Path outputs = Files.writeString(dir.resolve("o.jsonl"), "\n{\"alert_id\":\"a\"}\n");

        Cli.Result result =
                Cli.run("evaluate", "--truth", truth.toString(), "--file", outputs.toString());

        assertThat(result.exitCode()).isEqualTo(WardenCli.EXIT_FAILURE);
        assertThat(result.err()).contains("o.jsonl:2: ");
    }
}
