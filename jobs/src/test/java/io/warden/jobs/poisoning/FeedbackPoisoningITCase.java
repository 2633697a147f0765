package io.warden.jobs.poisoning;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.jobs.config.ConfigLoader;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.demo.DemoTraffic;
import io.warden.jobs.embedded.EmbeddedKafkaExtension;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.jobs.kafka.KafkaRecords;
import io.warden.jobs.monitor.MonitorRuns;
import io.warden.jobs.onnx.SoftmaxLinearModel;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DecisionAction;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.SubjectType;
import io.warden.schemas.TargetType;
import io.warden.schemas.Tensor;
import io.warden.schemas.codec.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-record poisoning detection end to end, through the real broker and a Flink MiniCluster, on
 * traffic whose truth is known: four Gaussian classes in eight features (class c centred at 4 on
 * feature c), answered by a linear model that gets them right. Three honest labellers label the
 * requests' true classes; a label flipper labels its class-0 requests as class 1; a backdoor
 * poisoner sends records with their own features (class-0 samples with a trigger on features 6 and
 * 7) labelled class 3. The trusted reference is a CSV of labelled samples from the same classes.
 * Every poisoned record must get one POISONING alert about it and one QUARANTINE decision; honest
 * records only at about the configured alpha; the flipper is also sent to REVIEW by the
 * per-contributor detector.
 */
class FeedbackPoisoningITCase {
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackPoisoningITCase.class);
    private static final int PARALLELISM = 2;
    private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");
    private static final int WIDTH = 8;
    private static final List<String> CLASSES = List.of("alpha", "bravo", "charlie", "delta");
    private static final double ALPHA = 0.01;

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    @TempDir Path work;

    private static double[] sample(Random r, int cls) {
        double[] x = new double[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            x[j] = (float) r.nextGaussian();
        }
        x[cls] += 4.0;
        return x;
    }

    private WardenConfig config() throws Exception {
        Random r = new Random(1);
        StringBuilder csv = new StringBuilder();
        for (int j = 0; j < WIDTH; j++) {
            csv.append('f').append(j).append(',');
        }
        csv.append("label\n");
        for (int i = 0; i < 4 * 400; i++) {
            double[] x = sample(r, i % 4);
            for (double v : x) {
                csv.append(v).append(',');
            }
            csv.append(CLASSES.get(i % 4)).append('\n');
        }
        Files.writeString(work.resolve("trusted.csv"), csv);
        Path yaml = work.resolve("warden.yaml");
        Files.writeString(
                yaml,
                """
                kafka:
                  bootstrap-servers: %s
                  delivery: exactly-once
                input:
                  join-timeout: 5s
                  max-out-of-orderness: 2s
                job:
                  checkpoint-interval: 500ms
                  state-backend: rocksdb
                models:
                  - name: m
                    version: "1"
                    features: {tensor: input, names: [f0, f1, f2, f3, f4, f5, f6, f7]}
                    output: {tensor: probabilities, classes: [alpha, bravo, charlie, delta]}
                    detectors:
                      confidence: {enabled: false}
                      performance: {reference-accuracy: 0.95, window: 1h, label-wait: 1m}
                      poisoning:
                        records:
                          reference: trusted.csv
                          alpha: %s
                          spectral-window: 100
                policy:
                  rules:
                    - name: quarantine-poisoned-records
                      kinds: [poisoning]
                      subject: feedback_record
                      action: quarantine
                    - name: review-poisoners
                      kinds: [poisoning]
                      subject: contributor
                      action: review
                """
                        .formatted(KAFKA.bootstrapServers(), ALPHA));
        WardenConfig c = ConfigLoader.load(yaml);
        KAFKA.cluster()
                .createTopics(
                        PARALLELISM,
                        c.topics().requests(),
                        c.topics().responses(),
                        c.topics().feedback(),
                        c.topics().alerts(),
                        c.topics().decisions(),
                        c.topics().performance(),
                        c.topics().deadLetter());
        return c;
    }

    private static Tensor tensor(String name, double[] values) {
        return DemoTraffic.tensor(name, values);
    }

    private static FeedbackRecord.Builder feedback(String id, Instant time, String who, int label) {
        return FeedbackRecord.newBuilder()
                .setFeedbackId(id)
                .setEventTime(time)
                .setModelName("m")
                .setModelVersion("1")
                .setContributorId(who)
                .setLabel(CLASSES.get(label))
                .setFeatures(List.of())
                .setAttributes(Map.of());
    }

    @Test
    void shouldQuarantineEachPoisonedRecordAndFewHonestOnes() throws Exception {
        WardenConfig config = config();
        double[][] w = new double[4][WIDTH];
        for (int c = 0; c < 4; c++) {
            w[c][c] = 3.0;
        }
        SoftmaxLinearModel model = new SoftmaxLinearModel(w, new double[4]);
        Random r = new Random(2);
        Set<String> poisoned = new HashSet<>();
        int requests = 2000;
        int honest = 0;
        AvroCodec codec = AvroCodec.standard();
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (int n = 0; n < requests; n++) {
                int cls = n % 4;
                double[] x = sample(r, cls);
                String id = "req-" + n;
                Instant time = START.plusMillis(100L * n);
                byte[] key = id.getBytes(StandardCharsets.UTF_8);
                producer.send(
                        config.topics().requests(),
                        key,
                        codec.encode(
                                InferenceRequest.newBuilder()
                                        .setRequestId(id)
                                        .setEventTime(time)
                                        .setModelName("m")
                                        .setModelVersion("1")
                                        .setClientId("client-" + (n % 5))
                                        .setAttributes(Map.of())
                                        .setInputs(List.of(tensor("input", x)))
                                        .build()));
                producer.send(
                        config.topics().responses(),
                        key,
                        codec.encode(
                                InferenceResponse.newBuilder()
                                        .setRequestId(id)
                                        .setEventTime(time.plusMillis(3))
                                        .setModelName("m")
                                        .setModelVersion("1")
                                        .setOutputs(
                                                List.of(
                                                        tensor(
                                                                "probabilities",
                                                                model.probabilities(x))))
                                        .setLatencyMs(2.0)
                                        .setAttributes(Map.of())
                                        .build()));
                // Labeller-0 flips every class-0 request it labels; the others are honest.
                String who = "labeller-" + (n / 4 % 4);
                boolean flip = who.equals("labeller-0") && cls == 0;
                String fid = "fb-" + n;
                if (flip) {
                    poisoned.add(fid);
                } else {
                    honest++;
                }
                producer.send(
                        config.topics().feedback(),
                        key,
                        codec.encode(
                                feedback(fid, time.plusSeconds(1), who, flip ? 1 : cls)
                                        .setRequestId(id)
                                        .build()));
                if (n % 5 == 2) {
                    // A second, honest opinion on every fifth request: the consensus of the
                    // other label for the per-contributor detector.
                    honest++;
                    producer.send(
                            config.topics().feedback(),
                            key,
                            codec.encode(
                                    feedback("fb2-" + n, time.plusSeconds(2), "second-opinion", cls)
                                            .setRequestId(id)
                                            .build()));
                }
                if (n % 20 == 7) {
                    // The backdoor poisoner: a class-0 sample with the trigger, labelled class 3.
                    double[] triggered = sample(r, 0);
                    triggered[6] += 3.0;
                    triggered[7] += 3.0;
                    String bid = "backdoor-" + n;
                    poisoned.add(bid);
                    producer.send(
                            config.topics().feedback(),
                            bid.getBytes(StandardCharsets.UTF_8),
                            codec.encode(
                                    feedback(bid, time.plusSeconds(1), "poisoner", 3)
                                            .setFeatures(List.of(tensor("input", triggered)))
                                            .build()));
                }
            }
            // A record with its own features of the wrong width is a dead letter.
            producer.send(
                    config.topics().feedback(),
                    "bad".getBytes(StandardCharsets.UTF_8),
                    codec.encode(
                            feedback("bad-width", START.plusSeconds(5), "poisoner", 3)
                                    .setFeatures(List.of(tensor("input", new double[3])))
                                    .build()));
            producer.flush();
        }

        MonitorRuns.runBounded(config, PARALLELISM);

        List<Alert> alerts =
                KafkaRecords.readCommitted(
                        KAFKA.bootstrapServers(), config.topics().alerts(), 1, Alert.class);
        List<Alert> recordAlerts =
                alerts.stream()
                        .filter(a -> a.getSubject().getType() == SubjectType.FEEDBACK_RECORD)
                        .toList();
        assertThat(recordAlerts).allMatch(a -> a.getKind() == AlertKind.POISONING);
        assertThat(recordAlerts).extracting(Alert::getAlertId).doesNotHaveDuplicates();
        Set<String> flagged = new HashSet<>();
        recordAlerts.forEach(a -> flagged.add(a.getSubject().getId()));
        long caught = poisoned.stream().filter(flagged::contains).count();
        long falseAlarms = flagged.size() - caught;
        LOG.info(
                "per-record poisoning: {} of {} poisoned records flagged, {} of {} honest ones",
                caught,
                poisoned.size(),
                falseAlarms,
                honest);
        assertThat(caught)
                .as("poisoned records flagged, of %d", poisoned.size())
                .isGreaterThanOrEqualTo((long) Math.ceil(0.9 * poisoned.size()));
        // alpha of the honest records is expected (about 19 of 1875); three times that is far out.
        assertThat(falseAlarms)
                .as("honest records flagged")
                .isLessThanOrEqualTo((long) (3 * ALPHA * honest));
        assertThat(alerts)
                .filteredOn(a -> a.getSubject().getType() == SubjectType.CONTRIBUTOR)
                .extracting(a -> a.getSubject().getId())
                .as("the flipper, and the backdoor poisoner by its rate of flagged records")
                .containsExactlyInAnyOrder("labeller-0", "poisoner");

        List<QuarantineDecision> decisions =
                KafkaRecords.readCommitted(
                        KAFKA.bootstrapServers(),
                        config.topics().decisions(),
                        (int) caught,
                        QuarantineDecision.class);
        List<String> quarantined =
                decisions.stream()
                        .filter(d -> d.getTarget().getType() == TargetType.FEEDBACK_RECORD)
                        .peek(d -> assertThat(d.getAction()).isEqualTo(DecisionAction.QUARANTINE))
                        .map(d -> d.getTarget().getId())
                        .toList();
        assertThat(quarantined)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(flagged);
        assertThat(decisions)
                .filteredOn(d -> d.getTarget().getType() == TargetType.CONTRIBUTOR)
                .extracting(d -> d.getAction() + " " + d.getTarget().getId())
                .containsExactlyInAnyOrder("REVIEW labeller-0", "REVIEW poisoner");

        List<DeadLetter> dead =
                KafkaRecords.readCommitted(
                        KAFKA.bootstrapServers(),
                        config.topics().deadLetter(),
                        1,
                        DeadLetter.class);
        assertThat(dead)
                .anySatisfy(
                        d -> assertThat(d.getReason()).contains("does not fit the configured [8]"));
    }
}
