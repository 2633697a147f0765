package io.warden.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.profile.ProfileIo;
import io.warden.jobs.config.InputSettings;
import io.warden.jobs.config.KafkaSettings;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.TopicSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.demo.Demo;
import io.warden.jobs.demo.DemoModel;
import io.warden.jobs.demo.DemoProfile;
import io.warden.jobs.demo.DemoTraffic;
import io.warden.jobs.demo.DemoTraffic.Planned;
import io.warden.jobs.embedded.EmbeddedKafkaExtension;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.jobs.kafka.KafkaRecords;
import io.warden.jobs.monitor.MonitorRuns;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DriftReport;
import io.warden.schemas.FeatureDrift;
import io.warden.schemas.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windowed drift end to end on a 20-feature model, through the real broker and a MiniCluster: six
 * 10-second windows of 2,000 rows; two features shifted by one standard deviation from a known time
 * (to the end, or for two windows), or nothing shifted.
 */
class DriftITCase {
    private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
    private static final int RATE = 200;
    private static final int REQUESTS = 12_000;
    private static final Duration WINDOW = Duration.ofSeconds(10);
    private static final List<String> SHIFTED = List.of("f7", "f13");
    private static final DemoModel MODEL = new DemoModel(2026, 20);

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir static Path work;

    private static Path profile;

    @BeforeAll
    static void produceTraffic() throws Exception {
        profile = work.resolve("wide.profile.json");
        ProfileIo.write(DemoProfile.build(MODEL), profile);
        produce("lasting", new DemoTraffic.Drift(4_000, REQUESTS, SHIFTED, 1.0));
        produce("middle", new DemoTraffic.Drift(4_000, 8_000, SHIFTED, 1.0));
        produce("none", null);
    }

    /**
     * 12,000 requests from START at 200/s on the input topics {@code <input>.requests/.responses}.
     */
    private static void produce(String input, DemoTraffic.Drift drift) throws Exception {
        KAFKA.cluster().createTopics(2, input + ".requests", input + ".responses");
        DemoTraffic.Mix mix = new DemoTraffic.Mix(0.005, 0.0);
        DemoTraffic traffic =
                new DemoTraffic(MODEL, 31, drift == null ? mix : mix.withDrift(drift), START, RATE);
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (int i = 0; i < REQUESTS; i++) {
                Planned p = traffic.next();
                for (DemoTraffic.Record r : p.records()) {
                    String suffix =
                            r.stream() == DemoTraffic.Stream.REQUESTS ? ".requests" : ".responses";
                    producer.send(
                            input + suffix, r.key().getBytes(StandardCharsets.UTF_8), r.value());
                }
            }
            producer.flush();
        }
    }

    /** The example config for the wide model with 10 s drift windows, reading {@code input}. */
    private static WardenConfig config(String input, String output, int parallelism)
            throws Exception {
        WardenConfig c = Demo.demoConfig(work.resolve(output), KAFKA.bootstrapServers());
        TopicSettings t =
                new TopicSettings(
                        input + ".requests",
                        input + ".responses",
                        null,
                        null,
                        output + ".alerts",
                        output + ".decisions",
                        output + ".drift",
                        output + ".performance",
                        output + ".scores",
                        output + ".deadletter");
        List<ModelSpec> models = new ArrayList<>();
        for (ModelSpec m : c.models()) {
            ModelSpec.DriftSettings d = m.detectors().drift();
            models.add(
                    new ModelSpec(
                            m.name(),
                            m.version(),
                            profile.toString(),
                            null,
                            new ModelSpec.FeatureSpec("input", MODEL.featureNames(), null),
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
        KAFKA.cluster().createTopics(2, t.alerts(), t.drift(), t.scores(), t.deadLetter());
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

    private static List<DriftReport> reports(WardenConfig config) {
        List<DriftReport> sorted =
                new ArrayList<>(read(config.topics().drift(), 6, DriftReport.class));
        sorted.sort(Comparator.comparing(r -> r.getWindow().getStart()));
        return sorted;
    }

    private static List<Alert> driftAlerts(WardenConfig config) {
        return read(config.topics().alerts(), 0, Alert.class).stream()
                .filter(a -> a.getKind() == AlertKind.DRIFT)
                .toList();
    }

    private static List<String> driftedFeatures(DriftReport r) {
        return r.getFeatures().stream()
                .filter(FeatureDrift::getDrifted)
                .map(FeatureDrift::getFeature)
                .toList();
    }

    @Test
    void shouldRaiseOneAlertNamingTheTwoShiftedFeaturesFirstWithinOneWindow() throws Exception {
        WardenConfig config = config("lasting", "lasting-out", 2);
        MonitorRuns.runBounded(config);

        List<DriftReport> reports = reports(config);
        assertThat(reports).hasSize(6);
        assertThat(reports).extracting(DriftReport::getSampleCount).containsOnly(2_000L);
        assertThat(driftedFeatures(reports.get(0))).isEmpty();
        assertThat(driftedFeatures(reports.get(1))).isEmpty();
        for (int w = 2; w < 6; w++) {
            assertThat(driftedFeatures(reports.get(w)))
                    .as("window %d", w)
                    .containsExactlyInAnyOrderElementsOf(SHIFTED);
        }
        // The shift starts at 20 s, the start of window 2: one alert, for that window.
        Alert alert = driftAlerts(config).stream().collect(onlyOne());
        assertThat(alert.getSeverity()).isNotEqualTo(Severity.INFO);
        assertThat(alert.getWindow().getStart()).isEqualTo(START.plusSeconds(20));
        assertThat(alert.getEventTime()).isEqualTo(START.plusSeconds(30));
        assertThat(alert.getEvidence().getFeatureNames().subList(0, 2))
                .containsExactlyInAnyOrderElementsOf(SHIFTED);
    }

    @Test
    void shouldRaiseNothingOnAnUnshiftedStreamOfTheSameLength() throws Exception {
        WardenConfig config = config("none", "none-out", 2);
        MonitorRuns.runBounded(config);

        assertThat(reports(config)).hasSize(6).noneMatch(DriftReport::getDrifted);
        assertThat(driftAlerts(config)).isEmpty();
    }

    @Test
    void shouldRecoverWhenTheShiftEnds() throws Exception {
        WardenConfig config = config("middle", "middle-out", 2);
        MonitorRuns.runBounded(config);

        List<DriftReport> reports = reports(config);
        for (int w : new int[] {0, 1, 4, 5}) {
            assertThat(driftedFeatures(reports.get(w))).as("window %d", w).isEmpty();
        }
        List<Alert> alerts = driftAlerts(config);
        assertThat(alerts).hasSize(2);
        Alert drift =
                alerts.stream().filter(a -> a.getSeverity() != Severity.INFO).collect(onlyOne());
        Alert recovery =
                alerts.stream().filter(a -> a.getSeverity() == Severity.INFO).collect(onlyOne());
        assertThat(recovery.getEvidence().getDetails())
                .containsEntry("state", "recovered")
                .containsEntry("drift_alert_id", drift.getAlertId());
        assertThat(recovery.getWindow().getEnd()).isEqualTo(START.plusSeconds(60));
    }

    @Test
    void shouldGiveIdenticalReportsAndAlertsWhateverTheParallelism() throws Exception {
        WardenConfig one = config("middle", "middle-p1", 1);
        WardenConfig two = config("middle", "middle-p2", 2);
        MonitorRuns.runBounded(one);
        MonitorRuns.runBounded(two);

        assertThat(reports(one)).hasSize(6).isEqualTo(reports(two));
        assertThat(driftAlerts(one))
                .hasSize(2)
                .containsExactlyInAnyOrderElementsOf(driftAlerts(two));
    }

    private static <T> java.util.stream.Collector<T, ?, T> onlyOne() {
        return java.util.stream.Collectors.collectingAndThen(
                java.util.stream.Collectors.toList(),
                list -> {
                    assertThat(list).hasSize(1);
                    return list.get(0);
                });
    }
}
