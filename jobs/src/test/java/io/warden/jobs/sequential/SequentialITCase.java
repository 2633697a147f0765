package io.warden.jobs.sequential;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.profile.ReferenceProfile;
import io.warden.detectors.sequential.Adwin;
import io.warden.jobs.config.InputSettings;
import io.warden.jobs.config.KafkaSettings;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.SequentialDetector;
import io.warden.jobs.config.ModelSpec.SequentialSettings;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sequential alarms end to end, through the real broker and a MiniCluster: demo traffic at 200
 * requests per second in which features f2 and f5 shift by one standard deviation from request
 * 4,000 on, watched by ADWIN on msp and on the four features the demo model leans on most (f1, f2,
 * f5, f6), as the example config does. Every request is one row and none is defective, so request i
 * is row i of the model version.
 */
class SequentialITCase {
    private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
    private static final int RATE = 200;
    private static final int REQUESTS = 10_000;
    private static final int SHIFT_FROM = 4_000;
    private static final double SHIFT = 1.0;
    private static final List<String> SHIFTED = List.of("f2", "f5");
    private static final List<String> SIGNALS = List.of("msp", "f1", "f2", "f5", "f6");

    /** The rows of one 10-second drift window (DriftITCase's) at this rate. */
    private static final int DRIFT_WINDOW_ROWS = 10 * RATE;

    /** Standard deviations at which the delay bound takes each random quantity. */
    private static final double Z = 4;

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir static Path work;

    private static String runId;

    @BeforeAll
    static void produceTraffic() throws Exception {
        KAFKA.cluster().createTopics(2, "seq.requests", "seq.responses");
        DemoTraffic traffic =
                new DemoTraffic(
                        DemoModel.standard(),
                        17,
                        new DemoTraffic.Mix(0.005, 0.0)
                                .withDrift(
                                        new DemoTraffic.Drift(
                                                SHIFT_FROM, REQUESTS, SHIFTED, SHIFT)),
                        START,
                        RATE);
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (int i = 0; i < REQUESTS; i++) {
                Planned p = traffic.next();
                if (i == 0) {
                    runId = p.requestId().substring(0, p.requestId().lastIndexOf('-') + 1);
                }
                for (DemoTraffic.Record r : p.records()) {
                    String topic =
                            r.stream() == DemoTraffic.Stream.REQUESTS
                                    ? "seq.requests"
                                    : "seq.responses";
                    producer.send(topic, r.key().getBytes(StandardCharsets.UTF_8), r.value());
                }
            }
            producer.flush();
        }
    }

    /** The example config with only sequential detection on, reading the shared input. */
    private static WardenConfig config(String output, int parallelism) throws Exception {
        WardenConfig c = Demo.demoConfig(work.resolve(output), KAFKA.bootstrapServers());
        TopicSettings t =
                new TopicSettings(
                        "seq.requests",
                        "seq.responses",
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
            models.add(
                    new ModelSpec(
                            m.name(),
                            m.version(),
                            m.profile(),
                            m.profileSha256(),
                            m.features(),
                            m.output(),
                            new ModelSpec.DetectorSettings(
                                    null,
                                    null,
                                    new SequentialSettings(
                                            true,
                                            SequentialDetector.ADWIN,
                                            SIGNALS,
                                            null,
                                            null,
                                            null,
                                            1000,
                                            null))));
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
        KAFKA.cluster().createTopics(2, t.alerts(), t.scores(), t.deadLetter());
        return out;
    }

    private static List<Alert> run(WardenConfig config) throws Exception {
        MonitorRuns.runBounded(config);

        List<Alert> alerts =
                new ArrayList<>(
                        KafkaRecords.readCommitted(
                                KAFKA.bootstrapServers(),
                                config.topics().alerts(),
                                0,
                                Alert.class));
        alerts.sort(Comparator.comparing(Alert::getAlertId));
        return alerts;
    }

    private static String signal(Alert a) {
        return a.getEvidence().getDetails().get("signal");
    }

    private static long row(Alert a) {
        return Long.parseLong(a.getEvidence().getDetails().get("detection_row"));
    }

    /**
     * The shift of a feature signal's mean when the feature rises by SHIFT (its reference CDF's
     * mean on shifted minus on unshifted reference-like inputs), from a seed of its own.
     */
    private static double expectedShift(String feature, ReferenceProfile profile) {
        DemoModel model = DemoModel.standard();
        int j = DemoModel.FEATURES.indexOf(feature);
        Random r = new Random(3);
        double difference = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            double[] x = model.sample(r.nextInt(model.classes()), r);
            double before = profile.numeric(feature).rank(x[j]);
            double after = profile.numeric(feature).rank(x[j] + SHIFT);
            difference += after - before;
        }
        return difference / n;
    }

    @Test
    void shouldAlarmOnTheShiftedFeaturesWithinTheDerivedDelayAndNeverBeforeTheShift()
            throws Exception {
        List<Alert> alerts =
                run(config("seq", 2)).stream().filter(SequentialAlerts::isSequential).toList();

        // Row numbers are request numbers: the detecting request is the detecting row.
        for (Alert a : alerts) {
            assertThat(a.getEvidence().getRequestIds())
                    .containsExactly(runId + a.getEvidence().getDetails().get("detection_row"));
        }
        // Nothing on the unshifted part, nor on the features that never shift.
        assertThat(alerts).allSatisfy(a -> assertThat(row(a)).isGreaterThanOrEqualTo(SHIFT_FROM));
        assertThat(alerts).extracting(SequentialITCase::signal).doesNotContain("f1", "f6");

        ReferenceProfile profile = DemoProfile.build(DemoModel.standard());
        for (String feature : SHIFTED) {
            List<Alert> mine = alerts.stream().filter(a -> feature.equals(signal(a))).toList();
            assertThat(mine).as(feature).hasSize(1); // one alarm for the one change
            Alert a = mine.get(0);
            double shift = expectedShift(feature, profile);
            long bound =
                    AdwinDelayBound.row(SHIFT_FROM, shift, Math.sqrt(1.0 / 12), new Adwin(), Z);
            long delay = row(a) - SHIFT_FROM;
            System.out.printf(
                    "%s (reference-CDF mean +%.3f): alarm at row %d, %d rows (%.2f s of event"
                            + " time) after the shift; derived bound %d rows; estimated change"
                            + " row %s; %s%n",
                    feature,
                    shift,
                    row(a),
                    delay,
                    delay / (double) RATE,
                    bound - SHIFT_FROM,
                    a.getEvidence().getDetails().get("change_point_row"),
                    a.getSummary());
            assertThat(row(a)).isBetween((long) SHIFT_FROM, bound);
            assertThat(delay).isLessThan(DRIFT_WINDOW_ROWS);
            assertThat(a.getEvidence().getFeatureNames()).containsExactly(feature);
            assertThat(a.getEvidence().getDetails()).containsEntry("direction", "increase");
            assertThat(a.getProfileId()).isEqualTo(DemoProfile.ID);
            assertThat(a.getEventTime()).isEqualTo(START.plusMillis(row(a) * 1000L / RATE));
        }
        alerts.stream()
                .filter(a -> "msp".equals(signal(a)))
                .forEach(
                        a ->
                                System.out.printf(
                                        "msp: alarm at row %d (%d rows after the shift): %s%n",
                                        row(a), row(a) - SHIFT_FROM, a.getSummary()));
    }

    @Test
    void shouldGiveIdenticalAlarmsWhateverTheParallelism() throws Exception {
        List<Alert> one = run(config("seq-p1", 1));
        List<Alert> two = run(config("seq-p2", 2));

        assertThat(one).filteredOn(SequentialAlerts::isSequential).hasSizeGreaterThanOrEqualTo(2);
        assertThat(two).isEqualTo(one);
        assertThat(two.stream().map(Alert::getAlertId).collect(Collectors.toSet()))
                .hasSize(one.size());
        Map<String, Long> bySignal =
                one.stream()
                        .collect(
                                Collectors.groupingBy(
                                        SequentialITCase::signal, Collectors.counting()));
        System.out.println("alarms at parallelism 1 and 2, by signal: " + bySignal);
    }
}
