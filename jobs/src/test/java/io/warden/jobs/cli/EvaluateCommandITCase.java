package io.warden.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warden.jobs.embedded.EmbeddedKafkaExtension;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.schemas.codec.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warden evaluate} against a real broker: the incident of {@link EvaluateFixtures} on the
 * alerts, decisions, drift and scores topics of a config (prefix {@code eval}), read from the
 * earliest records to the end offsets; and the same topics through {@code warden tail --json} into
 * a file, which evaluates to the same report.
 */
class EvaluateCommandITCase {
    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir static Path dir;
    private static Path config;
    private static Path truth;

    @BeforeAll
    static void produceTheIncident() throws Exception {
        config = CliFixtures.writeConfig(dir, KAFKA.bootstrapServers(), "eval");
        truth = EvaluateFixtures.writeTruth(dir);
        KAFKA.cluster()
                .createTopics(
                        2,
                        "eval.warden.alerts",
                        "eval.warden.decisions",
                        "eval.warden.drift",
                        "eval.warden.scores");
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            send(producer, "eval.warden.alerts", EvaluateFixtures.alerts());
            send(producer, "eval.warden.decisions", EvaluateFixtures.decisions());
            send(producer, "eval.warden.drift", EvaluateFixtures.driftReports());
            send(producer, "eval.warden.scores", EvaluateFixtures.scores());
            // at-least-once delivery repeats records: the repeated alert must count once
            send(producer, "eval.warden.alerts", EvaluateFixtures.alerts().subList(0, 1));
            producer.flush();
        }
    }

    private static void send(
            CheckedProducer producer, String topic, List<? extends SpecificRecord> records) {
        int i = 0;
        for (SpecificRecord r : records) {
            producer.send(
                    topic,
                    (topic + (i++)).getBytes(StandardCharsets.UTF_8),
                    AvroCodec.standard().encode(r));
        }
    }

    private static Cli.Result evaluateTopics(String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "evaluate",
                                "--config",
                                config.toString(),
                                "--truth",
                                truth.toString()));
        args.addAll(List.of(more));
        return Cli.run(args);
    }

    @Test
    void shouldReadTheTopicsToTheirEndAndReportTheKnownAnswers() throws Exception {
        Cli.Result result = evaluateTopics("--json");

        assertThat(result.exitCode()).as("%s", result).isZero();
        JsonNode report = new ObjectMapper().readTree(result.out());
        EvaluateFixtures.assertKnownAnswers(report);
        assertThat(report.at("/inputs/duplicatesDropped").asInt()).isEqualTo(1);
    }

    @Test
    void shouldEvaluateWhatTailJsonWroteToAFileAlike() throws Exception {
        Cli.Result tail =
                Cli.run(
                        "tail",
                        "--config",
                        config.toString(),
                        "--from-beginning",
                        "--json",
                        "--max",
                        "28",
                        "alerts",
                        "decisions",
                        "drift",
                        "scores");
        assertThat(tail.exitCode()).as("%s", tail).isZero();
        Path file = Files.writeString(dir.resolve("outputs.jsonl"), tail.out());

        Cli.Result fromFile =
                Cli.run(
                        "evaluate",
                        "--truth",
                        truth.toString(),
                        "--file",
                        file.toString(),
                        "--json");
        Cli.Result fromTopics = evaluateTopics("--json");

        assertThat(fromFile.exitCode()).as("%s", fromFile).isZero();
        EvaluateFixtures.assertKnownAnswers(new ObjectMapper().readTree(fromFile.out()));
        assertThat(fromFile.out()).isEqualTo(fromTopics.out());
    }

    @Test
    void shouldFailNamingATopicThatDoesNotExist() {
        Cli.Result result = evaluateTopics("--topic", "alerts", "--topic", "eval.no-such-topic");

        assertThat(result.exitCode()).isEqualTo(WardenCli.EXIT_FAILURE);
        assertThat(result.err()).contains("topic 'eval.no-such-topic' does not exist on");
    }
}
