package io.warden.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warden.jobs.embedded.EmbeddedKafkaExtension;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.schemas.Alert;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DriftReport;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warden tail} in-process against a real broker: one record of each output kind on the
 * topics of a config (prefix {@code tail}), and a value that is not a warden record on the alerts
 * topic, before the alert.
 */
class TailCommandITCase {
    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final String ALERTS = "tail.warden.alerts";
    private static final String DEAD = "tail.warden.deadletter";
    private static final String SCORES = "tail.warden.scores";
    private static final String DECISIONS = "tail.warden.decisions";
    private static final String DRIFT = "tail.warden.drift";
    private static final byte[] GARBAGE = "{not avro}".getBytes(StandardCharsets.UTF_8);

    @TempDir static Path dir;
    private static Path config;

    private static final List<SpecificRecord> ALL =
            List.of(
                    CliFixtures.alert(),
                    CliFixtures.deadLetter(),
                    CliFixtures.score(),
                    CliFixtures.decision(),
                    CliFixtures.drift());

    @BeforeAll
    static void produceOneOfEachKind() throws Exception {
        config = CliFixtures.writeConfig(dir, KAFKA.bootstrapServers(), "tail");
        KAFKA.cluster().createTopics(1, ALERTS, DEAD, SCORES, DECISIONS, DRIFT, "tail.empty");
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            producer.send(ALERTS, null, GARBAGE);
            producer.send(ALERTS, key("alert-1"), AvroCodec.standard().encode(ALL.get(0)));
            producer.send(DEAD, key("dl"), AvroCodec.standard().encode(ALL.get(1)));
            producer.send(SCORES, key("req-3"), AvroCodec.standard().encode(ALL.get(2)));
            producer.send(DECISIONS, key("decision-1"), AvroCodec.standard().encode(ALL.get(3)));
            producer.send(DRIFT, key("drift-1"), AvroCodec.standard().encode(ALL.get(4)));
            producer.flush();
        }
    }

    private static byte[] key(String k) {
        return k.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> tail(String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "tail",
                                "--config",
                                config.toString(),
                                "--from-beginning",
                                "alerts",
                                "deadletter",
                                "scores",
                                "decisions",
                                "drift"));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void shouldPrintOneReadableLinePerRecordResolvingRolesThroughTheConfig() {
        Cli.Result result = Cli.run(tail("--max", "6"));

        assertThat(result.exitCode()).as("%s", result).isZero();
        List<String> lines = result.outLines();
        assertThat(lines).hasSize(6);
        List<String> expected = new ArrayList<>();
        ALL.forEach(r -> expected.add(TailCommand.oneLine(r)));
        String marker = ALERTS + "/0@0 <not a warden Avro record: not Avro single-object encoding";
        assertThat(lines).containsAll(expected);
        // The undecodable value came first on its partition: a marker, then the alert after it.
        assertThat(lines.stream().filter(l -> l.startsWith(ALERTS) || l.contains(" ALERT ")))
                .satisfiesExactly(
                        first -> assertThat(first).startsWith(marker).endsWith(">"),
                        second -> assertThat(second).isEqualTo(expected.get(0)));
    }

    @Test
    void shouldPrintJsonThatDecodesBackToTheSameRecords() throws Exception {
        Cli.Result result = Cli.run(tail("--json", "--max", "6"));

        assertThat(result.exitCode()).as("%s", result).isZero();
        ObjectMapper mapper = new ObjectMapper();
        List<SpecificRecord> decoded = new ArrayList<>();
        for (String line : result.outLines()) {
            JsonNode node = mapper.readTree(line);
            Class<? extends SpecificRecord> type =
                    node.has("alert_id")
                            ? Alert.class
                            : node.has("decision_id")
                                    ? QuarantineDecision.class
                                    : node.has("report_id")
                                            ? DriftReport.class
                                            : node.has("reason_code")
                                                    ? DeadLetter.class
                                                    : ScoreRecord.class;
            decoded.add(JsonCodec.standard().decode(line, type));
        }
        assertThat(decoded).containsExactlyInAnyOrderElementsOf(ALL);
        // The marker goes to stderr, so stdout stays JSON for jq.
        assertThat(result.err()).contains(ALERTS + "/0@0 <not a warden Avro record");
    }

    @Test
    void shouldPrintAlertsAsOcsfFindingsAndSkipTheRest() throws Exception {
        Cli.Result result = Cli.run(tail("--ocsf", "--max", "6"));

        assertThat(result.exitCode()).as("%s", result).isZero();
        ObjectMapper mapper = new ObjectMapper();
        List<String> uids = new ArrayList<>();
        for (String line : result.outLines()) {
            JsonNode node = mapper.readTree(line);
            assertThat(node.get("class_uid").asInt()).isEqualTo(2004);
            uids.add(node.get("finding_info").get("uid").asText());
        }
        List<String> alertIds = new ArrayList<>();
        ALL.stream()
                .filter(r -> r instanceof Alert)
                .forEach(r -> alertIds.add(((Alert) r).getAlertId()));
        assertThat(uids).containsExactlyInAnyOrderElementsOf(alertIds);
        assertThat(result.err()).contains("<not an alert, skipped with --ocsf>");
    }

    @Test
    void shouldStopAfterTheIdleTimeout() {
        Cli.Result result = Cli.run(tail("--idle-timeout", "1"));

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.outLines()).hasSize(6);
    }

    @Test
    void shouldStopAfterTheIdleTimeoutOnAnEmptyTopicAndReadOnlyNewRecordsByDefault() {
        Cli.Result empty =
                Cli.run("tail", "-c", config.toString(), "--idle-timeout", "1", "tail.empty");
        assertThat(empty.exitCode()).as("%s", empty).isZero();
        assertThat(empty.out()).isEmpty();

        // Without --from-beginning the records already there are not shown.
        Cli.Result latest =
                Cli.run("tail", "-c", config.toString(), "--idle-timeout", "1", "alerts");
        assertThat(latest.exitCode()).as("%s", latest).isZero();
        assertThat(latest.out()).isEmpty();
    }

    @Test
    void shouldFailNamingATopicThatDoesNotExist() {
        Cli.Result result =
                Cli.run(
                        "tail",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "--from-beginning",
                        "--max",
                        "1",
                        ALERTS,
                        "tail.no-such-topic");

        assertThat(result.exitCode()).isEqualTo(WardenCli.EXIT_FAILURE);
        assertThat(result.err())
                .contains(
                        "topic 'tail.no-such-topic' does not exist on " + KAFKA.bootstrapServers());
    }
}
