package io.warden.jobs.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.onnx.ModelFile;
import io.warden.jobs.config.InputSettings;
import io.warden.jobs.config.JobSettings;
import io.warden.jobs.config.KafkaSettings;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.ExtractionSettings;
import io.warden.jobs.config.ModelSpec.IntegritySettings;
import io.warden.jobs.config.ModelSpec.ServedModelSpec;
import io.warden.jobs.config.PolicySettings;
import io.warden.jobs.config.TopicSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.demo.Demo;
import io.warden.jobs.demo.DemoModel;
import io.warden.jobs.embedded.EmbeddedKafkaExtension;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.jobs.kafka.KafkaRecords;
import io.warden.jobs.monitor.Ids;
import io.warden.jobs.monitor.MonitorRuns;
import io.warden.jobs.onnx.SoftmaxLinearModel;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DecisionAction;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.SubjectType;
import io.warden.schemas.TargetType;
import io.warden.schemas.Tensor;
import io.warden.schemas.TensorDatatype;
import io.warden.schemas.codec.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

/**
 * The attack detectors and the policy end to end, through the real broker and a MiniCluster at
 * parallelism 2. The demo model's traffic is answered by a served model (a softmax over a linear
 * map of its eight features, exported to ONNX at test time). Among five benign clients, one runs a
 * Jacobian-augmentation-style extraction campaign and one a decision-based probe (tiny steps around
 * one point); every 97th response is logged as if another model had answered; every request is
 * labelled by one of four labellers, one of whom flips a class. The truth is known: the extraction
 * client, the prober, the flipper and the tampered responses get alerts and one decision each
 * (BLOCK, THROTTLE, REVIEW, QUARANTINE); nobody else gets either. State lives in RocksDB.
 */
class AttackDetectionITCase {
    private static final int PARALLELISM = 2;
    private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");
    private static final int WIDTH = DemoModel.FEATURES.size();
    private static final int CLASSES = 4;
    private static final Duration BLOCK_FOR = Duration.ofMinutes(5);

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    @TempDir Path work;

    private static SoftmaxLinearModel model(long seed) {
        Random r = new Random(seed);
        double[][] w = new double[CLASSES][WIDTH];
        for (double[] row : w) {
            for (int j = 0; j < WIDTH; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return new SoftmaxLinearModel(w, new double[CLASSES]);
    }

    private WardenConfig config(ModelFile served) throws Exception {
        String prefix = "attacks";
        WardenConfig c = Demo.demoConfig(work, KAFKA.bootstrapServers());
        TopicSettings t =
                new TopicSettings(
                        prefix + ".requests",
                        prefix + ".responses",
                        null,
                        prefix + ".feedback",
                        prefix + ".alerts",
                        prefix + ".decisions",
                        prefix + ".drift",
                        prefix + ".performance",
                        prefix + ".scores",
                        prefix + ".deadletter");
        KAFKA.cluster()
                .createTopics(
                        PARALLELISM,
                        t.requests(),
                        t.responses(),
                        t.feedback(),
                        t.alerts(),
                        t.decisions(),
                        t.performance(),
                        t.scores(),
                        t.deadLetter());
        ModelSpec demo = c.models().get(0);
        ModelSpec model =
                new ModelSpec(
                        demo.name(),
                        demo.version(),
                        demo.profile(),
                        demo.profileSha256(),
                        demo.features(),
                        demo.output(),
                        new ModelSpec.DetectorSettings(
                                        null,
                                        null,
                                        null,
                                        new ModelSpec.PerformanceSettings(
                                                true,
                                                Duration.ofHours(1),
                                                Duration.ofMinutes(1),
                                                0.9,
                                                null,
                                                0.5,
                                                0.01,
                                                100,
                                                10,
                                                1,
                                                2,
                                                null))
                                .withIntegrity(
                                        new IntegritySettings(
                                                1.0, 1e-4, 16, Duration.ofMillis(20), null))
                                .withExtraction(
                                        new ExtractionSettings(
                                                null, null, null, null, null, null, null, null,
                                                null, null, null, null, null, null))
                                .withQueryAttack(
                                        new ModelSpec.QueryAttackSettings(
                                                10, 100, null, 0.3, null, null))
                                .withPoisoning(
                                        new ModelSpec.PoisoningSettings(
                                                null, null, null, null, null, null, null, null)),
                        new ServedModelSpec(
                                served.path().toString(),
                                served.sha256(),
                                SoftmaxLinearModel.INPUT,
                                SoftmaxLinearModel.OUTPUT,
                                null));
        KafkaSettings k = c.kafka();
        return new WardenConfig(
                new KafkaSettings(
                        k.bootstrapServers(),
                        prefix,
                        k.startingOffsets(),
                        k.delivery(),
                        prefix,
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
                        .withStateBackend(JobSettings.StateBackend.ROCKSDB),
                List.of(model),
                new PolicySettings(
                        List.of(
                                new PolicySettings.RuleSettings(
                                        "block-extraction",
                                        List.of(AlertKind.EXTRACTION),
                                        null,
                                        SubjectType.CLIENT,
                                        DecisionAction.BLOCK,
                                        1,
                                        null,
                                        BLOCK_FOR,
                                        null),
                                new PolicySettings.RuleSettings(
                                        "throttle-probers",
                                        List.of(AlertKind.BLACKBOX_QUERY_ATTACK),
                                        null,
                                        SubjectType.CLIENT,
                                        DecisionAction.THROTTLE,
                                        1,
                                        null,
                                        BLOCK_FOR,
                                        null),
                                new PolicySettings.RuleSettings(
                                        "review-poisoners",
                                        List.of(AlertKind.POISONING),
                                        null,
                                        SubjectType.CONTRIBUTOR,
                                        DecisionAction.REVIEW,
                                        1,
                                        null,
                                        null,
                                        null),
                                new PolicySettings.RuleSettings(
                                        "quarantine-tampered",
                                        List.of(AlertKind.INTEGRITY),
                                        null,
                                        SubjectType.REQUEST,
                                        DecisionAction.QUARANTINE,
                                        1,
                                        null,
                                        null,
                                        null))));
    }

    private static Tensor tensor(String name, double[] values) {
        List<Double> data = new ArrayList<>();
        for (double v : values) {
            data.add(v);
        }
        return Tensor.newBuilder()
                .setName(name)
                .setDatatype(TensorDatatype.FP32)
                .setShape(List.of(1L, (long) values.length))
                .setData(data)
                .setStringData(List.of())
                .build();
    }

    /** Float values, as the FP32 tensors carry them, so Java and ONNX Runtime see the same. */
    private static double[] fp32(double[] x) {
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            out[j] = (float) x[j];
        }
        return out;
    }

    /** The index of the largest probability. */
    private static int argmax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    /**
     * Every request gets a label from one of four labellers; three label what the model answered
     * 95% of the time, labeller-0 also relabels 90% of the model's first class as its second.
     */
    private static FeedbackRecord feedback(
            Random r, String requestId, int n, Instant time, int predicted) {
        String contributor = "labeller-" + (n % 4);
        int label;
        if (contributor.equals("labeller-0") && predicted == 0 && r.nextDouble() < 0.9) {
            label = 1;
        } else if (r.nextDouble() < 0.95) {
            label = predicted;
        } else {
            label = (predicted + 1 + r.nextInt(CLASSES - 1)) % CLASSES;
        }
        return FeedbackRecord.newBuilder()
                .setFeedbackId("fb-" + n)
                .setEventTime(time.plusSeconds(1))
                .setModelName(DemoModel.NAME)
                .setModelVersion(DemoModel.VERSION)
                .setRequestId(requestId)
                .setContributorId(contributor)
                .setLabel(DemoModel.CLASSES.get(label))
                .setFeatures(List.of())
                .setAttributes(Map.of())
                .build();
    }

    @Test
    void shouldCatchEachAttackerAndDecideOncePerAttacker() throws Exception {
        SoftmaxLinearModel served = model(1);
        SoftmaxLinearModel other = model(2);
        WardenConfig config = config(served.write(work.resolve("served.onnx")));

        Random r = new Random(5);
        List<double[]> attack = new ArrayList<>();
        double[] walk = null;
        Set<String> tampered = new HashSet<>();
        int rounds = 400;
        int clients = 7;
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (int i = 0; i < rounds; i++) {
                for (int c = 0; c < clients; c++) {
                    double[] x = new double[WIDTH];
                    if (c == 0 && attack.size() >= 5) {
                        // The extraction client: Jacobian-augmentation-style steps.
                        double[] base = attack.get(r.nextInt(attack.size()));
                        for (int j = 0; j < WIDTH; j++) {
                            x[j] = base[j] + (r.nextBoolean() ? 0.1 : -0.1);
                        }
                    } else if (c == 1 && walk != null) {
                        // The prober: a decision-based attack's small steps around one point.
                        for (int j = 0; j < WIDTH; j++) {
                            x[j] = walk[j] + 0.02 * r.nextGaussian();
                        }
                    } else {
                        for (int j = 0; j < WIDTH; j++) {
                            x[j] = r.nextGaussian();
                        }
                    }
                    x = fp32(x);
                    if (c == 0) {
                        attack.add(x);
                    } else if (c == 1) {
                        walk = x;
                    }
                    int n = i * clients + c;
                    String id = "req-" + n;
                    boolean tamper = n % 97 == 50;
                    if (tamper) {
                        tampered.add(id);
                    }
                    double[] p = (tamper ? other : served).probabilities(x);
                    Instant time = START.plusMillis(10L * n);
                    String client = c == 0 ? "attacker" : c == 1 ? "prober" : "client-" + c;
                    InferenceRequest request =
                            InferenceRequest.newBuilder()
                                    .setRequestId(id)
                                    .setEventTime(time)
                                    .setModelName(DemoModel.NAME)
                                    .setModelVersion(DemoModel.VERSION)
                                    .setClientId(client)
                                    .setAttributes(Map.of())
                                    .setInputs(List.of(tensor(DemoModel.INPUT_TENSOR, x)))
                                    .build();
                    InferenceResponse response =
                            InferenceResponse.newBuilder()
                                    .setRequestId(id)
                                    .setEventTime(time.plusMillis(3))
                                    .setModelName(DemoModel.NAME)
                                    .setModelVersion(DemoModel.VERSION)
                                    .setOutputs(List.of(tensor(DemoModel.OUTPUT_TENSOR, p)))
                                    .setLatencyMs(2.0)
                                    .setAttributes(Map.of())
                                    .build();
                    byte[] key = id.getBytes(StandardCharsets.UTF_8);
                    producer.send(
                            config.topics().requests(), key, AvroCodec.standard().encode(request));
                    producer.send(
                            config.topics().responses(),
                            key,
                            AvroCodec.standard().encode(response));
                    producer.send(
                            config.topics().feedback(),
                            key,
                            AvroCodec.standard().encode(feedback(r, id, n, time, argmax(p))));
                }
            }
            producer.flush();
        }

        MonitorRuns.runBounded(config, PARALLELISM);

        List<Alert> alerts =
                KafkaRecords.readCommitted(
                        KAFKA.bootstrapServers(),
                        config.topics().alerts(),
                        tampered.size() + 3,
                        Alert.class);
        Set<String> attackers = Set.of("attacker", "prober");
        assertThat(alerts)
                .filteredOn(a -> a.getSubject().getType() == SubjectType.CLIENT)
                .extracting(a -> a.getSubject().getId())
                .as("no benign client is alerted")
                .allMatch(attackers::contains);
        assertThat(alerts)
                .filteredOn(a -> a.getKind() == AlertKind.EXTRACTION)
                .extracting(a -> a.getSubject().getId())
                .contains("attacker");
        assertThat(alerts)
                .filteredOn(a -> a.getKind() == AlertKind.BLACKBOX_QUERY_ATTACK)
                .extracting(a -> a.getSubject().getId())
                .contains("prober");
        assertThat(alerts)
                .filteredOn(a -> a.getKind() == AlertKind.POISONING)
                .extracting(a -> a.getSubject().getId())
                .containsExactly("labeller-0");
        Set<String> expected = new HashSet<>();
        for (String id : tampered) {
            expected.add(
                    Ids.of(
                            AlertKind.INTEGRITY.name(),
                            DemoModel.NAME,
                            DemoModel.VERSION,
                            "REQUEST",
                            id,
                            "onnx.integrity"));
        }
        assertThat(alerts.stream().filter(a -> a.getKind() == AlertKind.INTEGRITY))
                .extracting(Alert::getAlertId)
                .containsExactlyInAnyOrderElementsOf(expected);
        // One alert per attacker and kind: no storms.
        List<String> incidents =
                alerts.stream()
                        .filter(a -> a.getSubject().getType() != SubjectType.REQUEST)
                        .map(a -> a.getKind() + "/" + a.getSubject().getId())
                        .toList();
        assertThat(incidents).doesNotHaveDuplicates();

        // The policy: BLOCK the extraction client, THROTTLE the prober (each released when it
        // expires, as the end of the bounded input moves event time past it), REVIEW the label
        // flipper, QUARANTINE each tampered request; nothing for anyone else.
        List<QuarantineDecision> decisions =
                KafkaRecords.readCommitted(
                        KAFKA.bootstrapServers(),
                        config.topics().decisions(),
                        tampered.size() + 5,
                        QuarantineDecision.class);
        assertThat(decisions)
                .filteredOn(d -> d.getTarget().getId().equals("attacker"))
                .extracting(QuarantineDecision::getAction)
                .contains(DecisionAction.BLOCK, DecisionAction.RELEASE);
        assertThat(decisions)
                .filteredOn(d -> d.getTarget().getId().equals("prober"))
                .extracting(QuarantineDecision::getAction)
                .contains(DecisionAction.THROTTLE, DecisionAction.RELEASE);
        assertThat(decisions)
                .filteredOn(d -> d.getTarget().getType() == TargetType.CONTRIBUTOR)
                .extracting(d -> d.getAction() + " " + d.getTarget().getId())
                .containsExactly("REVIEW labeller-0");
        assertThat(
                        decisions.stream()
                                .filter(d -> d.getTarget().getType() == TargetType.REQUEST)
                                .map(d -> d.getTarget().getId()))
                .containsExactlyInAnyOrderElementsOf(tampered);
        assertThat(decisions)
                .filteredOn(d -> d.getTarget().getType() == TargetType.CLIENT)
                .allMatch(d -> attackers.contains(d.getTarget().getId()));
        // One decision per target and action, and one RELEASE per expiring decision: no storms.
        // (Each attacker can trip both client rules: the prober's tiny steps also look like
        // extraction to PRADA, the extraction client's steps are near each other too.)
        assertThat(
                        decisions.stream()
                                .filter(d -> d.getAction() != DecisionAction.RELEASE)
                                .map(d -> d.getAction() + "/" + d.getTarget().getId())
                                .toList())
                .doesNotHaveDuplicates();
        List<String> released =
                decisions.stream()
                        .filter(d -> d.getAction() == DecisionAction.RELEASE)
                        .map(d -> d.getReasons().get(0))
                        .toList();
        assertThat(released)
                .doesNotHaveDuplicates()
                .allMatch(
                        id ->
                                decisions.stream()
                                        .anyMatch(
                                                d ->
                                                        d.getDecisionId().equals(id)
                                                                && d.getExpiresAt() != null));
        QuarantineDecision block =
                decisions.stream()
                        .filter(d -> d.getAction() == DecisionAction.BLOCK)
                        .filter(d -> d.getTarget().getId().equals("attacker"))
                        .findFirst()
                        .orElseThrow();
        assertThat(block.getExpiresAt()).isEqualTo(block.getEffectiveFrom().plus(BLOCK_FOR));
    }
}
