package io.warden.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.warden.jobs.monitor.MonitorJob;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DriftReport;
import io.warden.schemas.FeatureDrift;
import io.warden.schemas.Severity;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.CodecException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windowed drift end to end, on traffic with a known covariate shift: six 10-second windows, the
 * middle two with features f2 and f5 shifted by one standard deviation.
 */
class DriftITCase {
    private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
    private static final int RATE = 200;
    private static final int REQUESTS = 12_000;
    private static final Duration WINDOW = Duration.ofSeconds(10);

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir static Path work;

    private static WardenConfig base;

    @BeforeAll
    static void produceTraffic() throws Exception {
        base = config("drift", 2);
        DemoTraffic traffic =
                new DemoTraffic(
                        DemoModel.standard(),
                        31,
                        new DemoTraffic.Mix(0.005, 0.0)
                                .withDrift(
                                        new DemoTraffic.Drift(
                                                4_000, 8_000, List.of("f2", "f5"), 1.0)),
                        START,
                        RATE);
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (int i = 0; i < REQUESTS; i++) {
                Planned p = traffic.next();
                for (DemoTraffic.Record r : p.records()) {
                    String topic =
                            r.stream() == DemoTraffic.Stream.REQUESTS
                                    ? base.topics().requests()
                                    : base.topics().responses();
                    producer.send(topic, r.key().getBytes(StandardCharsets.UTF_8), r.value());
                }
            }
            producer.flush();
        }
    }

    /**
     * The example config with 10 s drift windows, reading the shared input, writing its own output.
     */
    private static WardenConfig config(String output, int parallelism) throws Exception {
        WardenConfig c = Demo.demoConfig(work.resolve(output), KAFKA.bootstrapServers());
        TopicSettings t =
                new TopicSettings(
                        "drift.requests",
                        "drift.responses",
                        null,
                        null,
                        output + ".alerts",
                        output + ".decisions",
                        output + ".drift",
                        output + ".scores",
                        output + ".deadletter");
        List<ModelSpec> models = new ArrayList<>();
        for (ModelSpec m : c.models()) {
            ModelSpec.DriftSettings d = m.detectors().drift();
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
                                    new ModelSpec.DriftSettings(
                                            true,
                                            WINDOW,
                                            null,
                                            d.minSamples(),
                                            d.correction(),
                                            d.alpha(),
                                            d.thresholds(),
                                            d.verdict(),
                                            d.minDriftedFeatures(),
                                            d.prediction(),
                                            d.confidence(),
                                            d.pca(),
                                            d.alertAfter(),
                                            d.recoverAfter(),
                                            d.severity()),
                                    null)));
        }
        KafkaSettings k = c.kafka();
        WardenConfig out =
                new WardenConfig(
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
                        c.job()
                                .withCheckpointInterval(Duration.ofMillis(500))
                                .withParallelism(parallelism),
                        models);
        KAFKA.cluster()
                .createTopics(
                        2,
                        t.requests(),
                        t.responses(),
                        t.alerts(),
                        t.drift(),
                        t.scores(),
                        t.deadLetter());
        return out;
    }

    private static void runBounded(WardenConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MonitorJob.configure(env, config);
        MonitorJob.build(
                config, MonitorJob.kafkaInput(env, config, true), MonitorJob.kafkaOutputs(config));
        env.execute(config.job().name());
    }

    private static <T extends SpecificRecord> List<T> read(
            String topic, int expected, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaRecords.readAll(
                        KAFKA.bootstrapServers(),
                        topic,
                        expected,
                        Duration.ofSeconds(60),
                        IsolationLevel.READ_COMMITTED)) {
            try {
                out.add(AvroCodec.standard().decode(r.value(), type));
            } catch (CodecException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    private static List<DriftReport> reportsInWindowOrder(List<DriftReport> reports) {
        List<DriftReport> sorted = new ArrayList<>(reports);
        sorted.sort(Comparator.comparing(r -> r.getWindow().getStart()));
        return sorted;
    }

    private static List<String> driftedFeatures(DriftReport r) {
        return r.getFeatures().stream()
                .filter(FeatureDrift::getDrifted)
                .map(FeatureDrift::getFeature)
                .toList();
    }

    @Test
    void shouldReportEachWindowAlertOnceOnTheShiftedFeaturesAndRecover() throws Exception {
        runBounded(base);

        List<DriftReport> reports =
                reportsInWindowOrder(read(base.topics().drift(), 6, DriftReport.class));
        assertThat(reports).hasSize(6);
        assertThat(reports)
                .extracting(r -> r.getWindow().getStart())
                .containsExactly(
                        START,
                        START.plusSeconds(10),
                        START.plusSeconds(20),
                        START.plusSeconds(30),
                        START.plusSeconds(40),
                        START.plusSeconds(50));
        assertThat(reports).extracting(DriftReport::getSampleCount).containsOnly(2_000L);
        // Before and after the shift: nothing drifted. During it: f2 and f5, and no other feature.
        for (int w : new int[] {0, 1, 4, 5}) {
            assertThat(driftedFeatures(reports.get(w))).as("window %d", w).isEmpty();
        }
        for (int w : new int[] {2, 3}) {
            assertThat(reports.get(w).getDrifted()).as("window %d", w).isTrue();
            assertThat(driftedFeatures(reports.get(w)))
                    .as("window %d", w)
                    .containsExactlyInAnyOrder("f2", "f5");
        }

        List<Alert> alerts =
                read(base.topics().alerts(), 0, Alert.class).stream()
                        .filter(a -> a.getKind() == AlertKind.DRIFT)
                        .toList();
        assertThat(alerts).hasSize(2);
        Alert drift =
                alerts.stream()
                        .filter(a -> a.getSeverity() != Severity.INFO)
                        .findFirst()
                        .orElseThrow();
        Alert recovery =
                alerts.stream()
                        .filter(a -> a.getSeverity() == Severity.INFO)
                        .findFirst()
                        .orElseThrow();
        assertThat(drift.getEvidence().getFeatureNames().subList(0, 2))
                .containsExactlyInAnyOrder("f2", "f5");
        assertThat(drift.getWindow().getStart()).isEqualTo(START.plusSeconds(20));
        assertThat(recovery.getEvidence().getDetails())
                .containsEntry("state", "recovered")
                .containsEntry("drift_alert_id", drift.getAlertId());
        assertThat(recovery.getWindow().getEnd()).isEqualTo(START.plusSeconds(60));
    }

    @Test
    void shouldGiveIdenticalReportsWhateverTheParallelism() throws Exception {
        WardenConfig one = config("drift-p1", 1);
        WardenConfig two = config("drift-p2", 2);
        runBounded(one);
        runBounded(two);

        List<DriftReport> a =
                reportsInWindowOrder(read(one.topics().drift(), 6, DriftReport.class));
        List<DriftReport> b =
                reportsInWindowOrder(read(two.topics().drift(), 6, DriftReport.class));
        assertThat(a).hasSize(6).isEqualTo(b);
    }
}
