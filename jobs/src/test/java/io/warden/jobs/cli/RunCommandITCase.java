package io.warden.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.confidence.ConfidenceAnomalyDetector;
import io.warden.jobs.config.ConfigLoader;
import io.warden.jobs.config.TopicSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.demo.DemoModel;
import io.warden.jobs.demo.DemoTraffic;
import io.warden.jobs.demo.DemoTraffic.Planned;
import io.warden.jobs.embedded.EmbeddedKafkaExtension;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.jobs.kafka.KafkaRecords;
import io.warden.jobs.monitor.Ids;
import io.warden.jobs.monitor.ModelCatalog;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.SubjectType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warden run --bounded} in-process: the monitor job on the command's own local MiniCluster,
 * against a real broker, over traffic with known truth in all three wire formats.
 */
class RunCommandITCase {
    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir Path dir;

    private static <T extends SpecificRecord> List<T> read(
            String topic, int expected, Class<T> type) {
        return KafkaRecords.readCommitted(KAFKA.bootstrapServers(), topic, expected, type);
    }

    @Test
    void shouldRefuseToStartNamingEveryMissingTopic() throws Exception {
        Path configFile = CliFixtures.writeConfig(dir, KAFKA.bootstrapServers(), "absent");

        Cli.Result result = Cli.run("run", "--config", configFile.toString(), "--bounded");

        assertThat(result.exitCode()).isEqualTo(WardenCli.EXIT_CONFIG);
        assertThat(result.err())
                .contains("topics.requests: topic 'absent.inference.requests' does not exist")
                .contains("topics.drift: topic 'absent.warden.drift' does not exist")
                .contains("topics.feedback: topic 'absent.inference.feedback' does not exist")
                .contains("topics.performance: topic 'absent.warden.performance' does not exist");
    }

    @Test
    void shouldScoreAlertAndDeadLetterWhatTheInputTopicsHoldAndExit0() throws Exception {
        Path configFile = CliFixtures.writeConfig(dir, KAFKA.bootstrapServers(), "run");
        WardenConfig config = ConfigLoader.load(configFile);
        TopicSettings t = config.topics();
        KAFKA.cluster()
                .createTopics(
                        2,
                        t.requests(),
                        t.responses(),
                        t.alerts(),
                        t.scores(),
                        t.deadLetter(),
                        t.drift(),
                        t.feedback(),
                        t.performance());
        DemoTraffic traffic =
                new DemoTraffic(
                        DemoModel.standard(),
                        23,
                        new DemoTraffic.Mix(0.05, 0.03),
                        Instant.parse("2026-11-25T10:00:00Z"),
                        400);
        List<Planned> planned = new ArrayList<>();
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (int i = 0; i < 600; i++) {
                Planned p = traffic.next();
                planned.add(p);
                for (DemoTraffic.Record r : p.records()) {
                    producer.send(
                            r.stream() == DemoTraffic.Stream.REQUESTS
                                    ? t.requests()
                                    : t.responses(),
                            r.key().getBytes(StandardCharsets.UTF_8),
                            r.value());
                }
            }
            producer.flush();
        }

        Cli.Result result =
                Cli.run(
                        "run",
                        "--config",
                        configFile.toString(),
                        "--bounded",
                        "--parallelism",
                        "2");

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.err())
                .contains(
                        "warden run: monitor job 'warden-monitor' on a local MiniCluster"
                                + " (parallelism 2) against "
                                + KAFKA.bootstrapServers()
                                + " (bounded)");

        // What must come out, from the truth and the detector applied outside Flink.
        ConfidenceAnomalyDetector detector =
                ModelCatalog.from(config).find(DemoModel.NAME, DemoModel.VERSION).confidence();
        Set<String> joinable = new HashSet<>();
        Set<String> expectedAlerts = new HashSet<>();
        int expectedDead = 0;
        for (Planned p : planned) {
            switch (p.truth()) {
                case BENIGN, AMBIGUOUS -> {
                    joinable.add(p.requestId());
                    if (detector.assess(p.probabilities()).flagged()) {
                        expectedAlerts.add(
                                Ids.of(
                                        AlertKind.CONFIDENCE_ANOMALY.name(),
                                        DemoModel.NAME,
                                        DemoModel.VERSION,
                                        SubjectType.REQUEST.name(),
                                        p.requestId()));
                    }
                }
                // NaN: the request is invalid and its response an orphan; unknown model: both.
                case NAN_INPUT, WRONG_SHAPE, UNKNOWN_MODEL -> expectedDead += 2;
                case NO_RESPONSE, GARBAGE -> expectedDead += 1;
            }
        }
        assertThat(expectedAlerts).isNotEmpty();
        assertThat(expectedDead).isPositive();

        assertThat(read(t.scores(), joinable.size(), ScoreRecord.class))
                .extracting(ScoreRecord::getRequestId)
                .containsExactlyInAnyOrderElementsOf(joinable);
        assertThat(
                        read(t.alerts(), expectedAlerts.size(), Alert.class).stream()
                                .filter(a -> a.getKind() == AlertKind.CONFIDENCE_ANOMALY)
                                .toList())
                .extracting(Alert::getAlertId)
                .containsExactlyInAnyOrderElementsOf(expectedAlerts);
        assertThat(read(t.deadLetter(), expectedDead, DeadLetter.class)).hasSize(expectedDead);
    }
}
