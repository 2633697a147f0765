package io.warden.jobs.performance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.warden.jobs.config.InputSettings;
import io.warden.jobs.config.KafkaSettings;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.TopicSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.demo.Demo;
import io.warden.jobs.demo.DemoModel;
import io.warden.jobs.demo.DemoTraffic;
import io.warden.jobs.demo.DemoTraffic.Planned;
import io.warden.jobs.embedded.EmbeddedKafkaExtension;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.jobs.kafka.KafkaRecords;
import io.warden.jobs.monitor.MonitorRuns;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.ClassPerformance;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.PerformanceReport;
import io.warden.schemas.Severity;
import io.warden.schemas.codec.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Realised performance end to end, through the real broker and a MiniCluster: the demo model
 * answers 12,000 requests at 200/s (six 10-second windows); from request 4,000 to 8,000 features f1
 * and f6 are shifted by two standard deviations, which costs the model about a quarter of its
 * accuracy. Labellers give the true class for 60% of the requests, up to 15 s after the request
 * (label wait 20 s); some labels come too late, some name unknown requests, some are not a class.
 * The expected counts are computed here from the traffic's known truth.
 */
class PerformanceITCase {
    private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
    private static final int RATE = 200;
    private static final int REQUESTS = 12_000;
    private static final int WINDOWS = 6;
    private static final Duration WINDOW = Duration.ofSeconds(10);
    private static final Duration LABEL_WAIT = Duration.ofSeconds(20);
    private static final List<String> SHIFTED = List.of("f1", "f6");
    private static final int LATE_LABELS = 20;
    private static final int UNKNOWN_REQUEST_LABELS = 5;
    private static final int NOT_A_CLASS_LABELS = 3;

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir static Path work;

    /** Per window: predictions, in-time labels, right ones, and per class support / hits. */
    private static final long[][] EXPECTED = new long[WINDOWS][3];

    private static final long[][][] EXPECTED_CLASSES =
            new long[WINDOWS][DemoModel.CLASSES.size()][2];

    @BeforeAll
    static void produceTraffic() throws Exception {
        KAFKA.cluster().createTopics(2, "perf.requests", "perf.responses", "perf.feedback");
        DemoTraffic traffic =
                new DemoTraffic(
                        DemoModel.standard(),
                        41,
                        new DemoTraffic.Mix(0.0, 0.0)
                                .withDrift(new DemoTraffic.Drift(4_000, 8_000, SHIFTED, 2.0)),
                        START,
                        RATE);
        Random labellers = new Random(5);
        List<Feedback> labels = new ArrayList<>();
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            int late = 0;
            for (int i = 0; i < REQUESTS; i++) {
                Planned p = traffic.next();
                for (DemoTraffic.Record r : p.records()) {
                    String topic =
                            r.stream() == DemoTraffic.Stream.REQUESTS
                                    ? "perf.requests"
                                    : "perf.responses";
                    producer.send(topic, key(r.key()), r.value());
                }
                int w = (int) ((p.eventTimeMillis() - START.toEpochMilli()) / WINDOW.toMillis());
                EXPECTED[w][0]++;
                boolean tooLate = i % 600 == 250;
                if (!tooLate && labellers.nextDouble() >= 0.6) {
                    continue;
                }
                long delay;
                if (tooLate) {
                    late++;
                    delay = LABEL_WAIT.toMillis() + 5_000;
                } else {
                    delay = labellers.nextInt(15_000);
                    EXPECTED[w][1]++;
                    EXPECTED_CLASSES[w][p.trueClass()][0]++;
                    if (p.predictedClass() == p.trueClass()) {
                        EXPECTED[w][2]++;
                        EXPECTED_CLASSES[w][p.trueClass()][1]++;
                    }
                }
                String label = DemoModel.CLASSES.get(p.trueClass());
                labels.add(
                        new Feedback(
                                p.eventTimeMillis() + delay,
                                p.requestId(),
                                feedback(
                                        "fb-" + i,
                                        p.requestId(),
                                        p.eventTimeMillis() + delay,
                                        label)));
            }
            for (int j = 0; j < UNKNOWN_REQUEST_LABELS; j++) {
                labels.add(
                        new Feedback(
                                at(30_000 + j),
                                "nobody-" + j,
                                feedback(
                                        "fb-x" + j,
                                        "no-such-request-" + j,
                                        at(30_000 + j),
                                        "alpha")));
            }
            for (int j = 0; j < NOT_A_CLASS_LABELS; j++) {
                labels.add(
                        new Feedback(
                                at(31_000 + j),
                                "zulu-" + j,
                                feedback("fb-z" + j, "req-zulu-" + j, at(31_000 + j), "zulu")));
            }
            // Labels reach the topic when they are given, i.e. in order of their own event time,
            // as every input topic is expected to be (within max-out-of-orderness).
            labels.sort(Comparator.comparingLong(Feedback::time));
            for (Feedback f : labels) {
                producer.send("perf.feedback", key(f.key()), f.value());
            }
            producer.flush();
            assertThat(late).isEqualTo(LATE_LABELS);
        }
    }

    /** A feedback record to produce, with its event time. */
    private record Feedback(long time, String key, byte[] value) {}

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long at(long offsetMillis) {
        return START.toEpochMilli() + offsetMillis;
    }

    private static byte[] feedback(String id, String requestId, long time, String label) {
        return AvroCodec.standard()
                .encode(
                        FeedbackRecord.newBuilder()
                                .setFeedbackId(id)
                                .setEventTime(Instant.ofEpochMilli(time))
                                .setModelName(DemoModel.NAME)
                                .setModelVersion(DemoModel.VERSION)
                                .setRequestId(requestId)
                                .setContributorId("labeller-" + (id.hashCode() & 7))
                                .setLabel(label)
                                .setFeatures(List.of())
                                .setAttributes(Map.of())
                                .build());
    }

    /** The demo config with realised performance on (and drift off), reading the perf topics. */
    private static WardenConfig config(String output, int parallelism) throws Exception {
        WardenConfig c = Demo.demoConfig(work.resolve(output), KAFKA.bootstrapServers());
        TopicSettings t =
                new TopicSettings(
                        "perf.requests",
                        "perf.responses",
                        null,
                        "perf.feedback",
                        output + ".alerts",
                        output + ".decisions",
                        output + ".drift",
                        output + ".performance",
                        output + ".scores",
                        output + ".deadletter");
        List<ModelSpec> models = new ArrayList<>();
        for (ModelSpec m : c.models()) {
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
                                    null,
                                    null,
                                    new ModelSpec.PerformanceSettings(
                                            true,
                                            WINDOW,
                                            LABEL_WAIT,
                                            0.95,
                                            0.01,
                                            0.05,
                                            0.01,
                                            200,
                                            10,
                                            1,
                                            2,
                                            Severity.HIGH))));
        }
        KAFKA.cluster().createTopics(2, t.alerts(), t.performance(), t.scores(), t.deadLetter());
        KafkaSettings k = c.kafka();
        return new WardenConfig(
                new KafkaSettings(
                        k.bootstrapServers(),
                        output,
                        k.startingOffsets(),
                        k.delivery(),
                        output,
                        k.properties()),
                t,
                new InputSettings(
                        InputSettings.Mode.SPLIT,
                        null,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(2),
                        null),
                c.job().withCheckpointInterval(Duration.ofMillis(500)).withParallelism(parallelism),
                models);
    }

    private static <T extends SpecificRecord> List<T> read(
            String topic, int expected, Class<T> type) {
        return KafkaRecords.readCommitted(KAFKA.bootstrapServers(), topic, expected, type);
    }

    private static List<PerformanceReport> reports(WardenConfig config) {
        List<PerformanceReport> sorted =
                new ArrayList<>(
                        read(config.topics().performance(), WINDOWS, PerformanceReport.class));
        sorted.sort(Comparator.comparing(r -> r.getWindow().getStart()));
        return sorted;
    }

    private static List<Alert> performanceAlerts(WardenConfig config) {
        return read(config.topics().alerts(), 0, Alert.class).stream()
                .filter(a -> a.getKind() == AlertKind.PERFORMANCE)
                .toList();
    }

    @Test
    void reportsEachWindowsCountsAlertsOnceOnTheDropAndRecovers() throws Exception {
        WardenConfig config = config("perf-out", 2);
        MonitorRuns.runBounded(config);

        List<PerformanceReport> reports = reports(config);
        assertThat(reports).hasSize(WINDOWS);
        for (int w = 0; w < WINDOWS; w++) {
            PerformanceReport r = reports.get(w);
            String at = "window " + w;
            assertThat(r.getWindow().getStart())
                    .as(at)
                    .isEqualTo(START.plus(WINDOW.multipliedBy(w)));
            assertThat(r.getPredictions()).as(at).isEqualTo(EXPECTED[w][0]);
            assertThat(r.getLabelled()).as(at).isEqualTo(EXPECTED[w][1]);
            assertThat(r.getCorrect()).as(at).isEqualTo(EXPECTED[w][2]);
            assertThat(r.getAccuracy()).as(at).isEqualTo((double) EXPECTED[w][2] / EXPECTED[w][1]);
            for (int c = 0; c < DemoModel.CLASSES.size(); c++) {
                ClassPerformance cp = r.getClasses().get(c);
                assertThat(cp.getLabel()).isEqualTo(DemoModel.CLASSES.get(c));
                assertThat(cp.getSupport())
                        .as(at + " support of " + c)
                        .isEqualTo(EXPECTED_CLASSES[w][c][0]);
                assertThat(cp.getTruePositives())
                        .as(at + " hits of " + c)
                        .isEqualTo(EXPECTED_CLASSES[w][c][1]);
            }
            assertThat(r.getJudged()).as(at).isTrue();
            boolean shifted = w == 2 || w == 3;
            assertThat(r.getDegraded()).as(at + " degraded").isEqualTo(shifted);
            if (shifted) {
                assertThat(r.getAccuracy()).as(at).isLessThan(0.80);
            } else {
                assertThat(r.getAccuracy()).as(at).isGreaterThan(0.92);
            }
            assertThat(r.getExpectedCalibrationError()).as(at).isBetween(0.0, 1.0);
            assertThat(r.getReferenceCalibrationError()).isEqualTo(0.01);
        }

        List<Alert> alerts = performanceAlerts(config);
        assertThat(alerts).hasSize(2);
        Alert drop =
                alerts.stream()
                        .filter(a -> a.getSeverity() == Severity.HIGH)
                        .findFirst()
                        .orElseThrow();
        Alert recovery =
                alerts.stream()
                        .filter(a -> a.getSeverity() == Severity.INFO)
                        .findFirst()
                        .orElseThrow();
        assertThat(drop.getWindow().getStart()).isEqualTo(START.plusSeconds(20));
        assertThat(drop.getSummary()).startsWith("accuracy of demo-classifier@1 fell to ");
        assertThat(drop.getScores().get(0).getDetector()).isEqualTo("performance.accuracy");
        assertThat(drop.getScores().get(0).getThreshold()).isCloseTo(0.90, within(1e-12));
        assertThat(recovery.getEvidence().getDetails())
                .containsEntry("state", "recovered")
                .containsEntry("performance_alert_id", drop.getAlertId());
        assertThat(recovery.getWindow().getEnd()).isEqualTo(START.plusSeconds(60));

        List<DeadLetter> dead = read(config.topics().deadLetter(), 0, DeadLetter.class);
        assertThat(dead.stream().filter(d -> d.getStage().equals("label-join")))
                .hasSize(LATE_LABELS + UNKNOWN_REQUEST_LABELS)
                .allMatch(d -> d.getReasonCode() == DeadLetterReason.ORPHAN);
        assertThat(
                        dead.stream()
                                .filter(d -> d.getReasonCode() == DeadLetterReason.INVALID)
                                .map(DeadLetter::getReason))
                .hasSize(NOT_A_CLASS_LABELS)
                .allMatch(
                        reason ->
                                reason.startsWith(
                                        "label 'zulu' is not one of the model's classes"));
    }

    @Test
    void givesIdenticalReportsAndAlertsWhateverTheParallelism() throws Exception {
        WardenConfig one = config("perf-p1", 1);
        WardenConfig two = config("perf-p2", 2);
        MonitorRuns.runBounded(one);
        MonitorRuns.runBounded(two);

        assertThat(reports(one)).hasSize(WINDOWS).isEqualTo(reports(two));
        assertThat(performanceAlerts(one))
                .hasSize(2)
                .containsExactlyInAnyOrderElementsOf(performanceAlerts(two));
    }
}
