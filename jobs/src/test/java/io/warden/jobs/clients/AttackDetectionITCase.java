package io.warden.jobs.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.onnx.ModelFile;
import io.warden.jobs.config.InputSettings;
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
 * Per-client extraction detection and output integrity end to end, through the real broker and a
 * MiniCluster at parallelism 2. The demo model's traffic is answered by a served model (a softmax
 * over a linear map of its eight features, exported to ONNX at test time); six benign clients send
 * natural queries and one client runs a Jacobian-augmentation-style extraction campaign; every 97th
 * response is logged as if another model had answered. So the alerts are known exactly: one
 * EXTRACTION alert about the attacker, one INTEGRITY alert per tampered response.
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
                        t.alerts(),
                        t.decisions(),
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
                        ModelSpec.DetectorSettings.defaults()
                                .withIntegrity(
                                        new IntegritySettings(
                                                1.0, 1e-4, 16, Duration.ofMillis(20), null))
                                .withExtraction(
                                        new ExtractionSettings(
                                                null, null, null, null, null, null, null, null,
                                                null, null, null, null, null, null)),
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
                c.job().withCheckpointInterval(Duration.ofMillis(500)),
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

    @Test
    void shouldCatchTheExtractionClientAndEveryTamperedResponse() throws Exception {
        SoftmaxLinearModel served = model(1);
        SoftmaxLinearModel other = model(2);
        WardenConfig config = config(served.write(work.resolve("served.onnx")));

        Random r = new Random(5);
        List<double[]> attack = new ArrayList<>();
        Set<String> tampered = new HashSet<>();
        int rounds = 400;
        int clients = 7;
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (int i = 0; i < rounds; i++) {
                for (int c = 0; c < clients; c++) {
                    boolean attacker = c == 0;
                    double[] x = new double[WIDTH];
                    if (attacker && attack.size() >= 5) {
                        double[] base = attack.get(r.nextInt(attack.size()));
                        for (int j = 0; j < WIDTH; j++) {
                            x[j] = base[j] + (r.nextBoolean() ? 0.1 : -0.1);
                        }
                    } else {
                        for (int j = 0; j < WIDTH; j++) {
                            x[j] = r.nextGaussian();
                        }
                    }
                    x = fp32(x);
                    if (attacker) {
                        attack.add(x);
                    }
                    int n = i * clients + c;
                    String id = "req-" + n;
                    boolean tamper = n % 97 == 50;
                    if (tamper) {
                        tampered.add(id);
                    }
                    double[] p = (tamper ? other : served).probabilities(x);
                    Instant time = START.plusMillis(10L * n);
                    InferenceRequest request =
                            InferenceRequest.newBuilder()
                                    .setRequestId(id)
                                    .setEventTime(time)
                                    .setModelName(DemoModel.NAME)
                                    .setModelVersion(DemoModel.VERSION)
                                    .setClientId(attacker ? "attacker" : "client-" + c)
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
                }
            }
            producer.flush();
        }

        MonitorRuns.runBounded(config, PARALLELISM);

        List<Alert> alerts =
                KafkaRecords.readCommitted(
                        KAFKA.bootstrapServers(),
                        config.topics().alerts(),
                        tampered.size() + 1,
                        Alert.class);
        List<Alert> extraction =
                alerts.stream().filter(a -> a.getKind() == AlertKind.EXTRACTION).toList();
        assertThat(extraction).hasSize(1);
        assertThat(extraction.get(0).getSubject().getType()).isEqualTo(SubjectType.CLIENT);
        assertThat(extraction.get(0).getSubject().getId()).isEqualTo("attacker");

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
        assertThat(alerts).hasSize(expected.size() + 1);

        // The policy: one BLOCK of the attacker and its RELEASE when the block expires (the end of
        // the bounded input moves event time past it), one QUARANTINE per tampered response.
        List<QuarantineDecision> decisions =
                KafkaRecords.readCommitted(
                        KAFKA.bootstrapServers(),
                        config.topics().decisions(),
                        tampered.size() + 2,
                        QuarantineDecision.class);
        assertThat(decisions).hasSize(tampered.size() + 2);
        List<QuarantineDecision> client =
                decisions.stream()
                        .filter(d -> d.getTarget().getType() == TargetType.CLIENT)
                        .toList();
        assertThat(client)
                .extracting(QuarantineDecision::getAction)
                .containsExactlyInAnyOrder(DecisionAction.BLOCK, DecisionAction.RELEASE);
        assertThat(client).allMatch(d -> d.getTarget().getId().equals("attacker"));
        QuarantineDecision block =
                client.stream()
                        .filter(d -> d.getAction() == DecisionAction.BLOCK)
                        .findFirst()
                        .orElseThrow();
        assertThat(block.getReasons()).containsExactly(extraction.get(0).getAlertId());
        assertThat(block.getExpiresAt()).isEqualTo(block.getEffectiveFrom().plus(BLOCK_FOR));
        assertThat(
                        decisions.stream()
                                .filter(d -> d.getTarget().getType() == TargetType.REQUEST)
                                .map(d -> d.getTarget().getId()))
                .containsExactlyInAnyOrderElementsOf(tampered);
        assertThat(decisions)
                .filteredOn(d -> d.getTarget().getType() == TargetType.REQUEST)
                .allMatch(d -> d.getAction() == DecisionAction.QUARANTINE);
    }
}
