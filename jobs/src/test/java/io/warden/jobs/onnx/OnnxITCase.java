package io.warden.jobs.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.onnx.ModelIntegrityException;
import io.warden.jobs.config.ConfigException;
import io.warden.jobs.config.ConfigLoader;
import io.warden.jobs.config.InputSettings;
import io.warden.jobs.config.KafkaSettings;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.OnnxDetectorSettings;
import io.warden.jobs.config.TopicSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.demo.Demo;
import io.warden.jobs.demo.DemoModel;
import io.warden.jobs.embedded.EmbeddedKafkaExtension;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.jobs.kafka.KafkaRecords;
import io.warden.jobs.monitor.Ids;
import io.warden.jobs.monitor.MonitorJob;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.Tensor;
import io.warden.schemas.TensorDatatype;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.CodecException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bring-your-own ONNX detector end to end, through the real broker and a MiniCluster at
 * parallelism 2: a linear score over the demo model's eight features, {@code 0.25 * sum(x)}, and
 * traffic whose every tenth request has all features at 5 (score 10) while the others are small
 * (|score| well below 3). With threshold 3 the alerts are known exactly.
 */
class OnnxITCase {
    private static final int PARALLELISM = 2;
    private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
    private static final LinearScoreModel MODEL =
            new LinearScoreModel(new double[] {0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25}, 0);

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    @TempDir Path work;

    private WardenConfig config(String prefix, ModelFile file) throws Exception {
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
        ModelSpec demo = c.models().get(0);
        OnnxDetectorSettings linear =
                new OnnxDetectorSettings(
                        "linear",
                        file.path().toString(),
                        file.sha256(),
                        LinearScoreModel.INPUT,
                        LinearScoreModel.OUTPUT,
                        null,
                        null,
                        3.0,
                        null,
                        16,
                        Duration.ofMillis(20),
                        null,
                        null,
                        null);
        ModelSpec model =
                new ModelSpec(
                        demo.name(),
                        demo.version(),
                        demo.profile(),
                        demo.profileSha256(),
                        demo.features(),
                        demo.output(),
                        ModelSpec.DetectorSettings.defaults().withOnnx(List.of(linear)));
        KAFKA.cluster()
                .createTopics(
                        PARALLELISM,
                        t.requests(),
                        t.responses(),
                        t.alerts(),
                        t.scores(),
                        t.deadLetter());
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
                List.of(model));
    }

    private static void runBounded(WardenConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MonitorJob.configure(env, config);
        env.setParallelism(PARALLELISM);
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(noRestarts);
        MonitorJob.build(
                config, MonitorJob.kafkaInput(env, config, true), MonitorJob.kafkaOutputs(config));
        env.execute(config.job().name());
    }

    private static Tensor tensor(String name, int width, double[] values) {
        List<Double> data = new ArrayList<>();
        for (double v : values) {
            data.add(v);
        }
        return Tensor.newBuilder()
                .setName(name)
                .setDatatype(TensorDatatype.FP32)
                .setShape(List.of(1L, (long) width))
                .setData(data)
                .setStringData(List.of())
                .build();
    }

    /** Produces the traffic and returns the ids of the requests the detector must flag. */
    private static Set<String> produce(TopicSettings topics, int requests) throws Exception {
        Random random = new Random(7);
        Set<String> anomalous = new HashSet<>();
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (int i = 0; i < requests; i++) {
                String id = "req-" + i;
                double[] x = new double[DemoModel.FEATURES.size()];
                for (int j = 0; j < x.length; j++) {
                    x[j] = i % 10 == 3 ? 5.0 : random.nextGaussian() * 0.5;
                }
                double score = MODEL.score(x);
                assertThat(Math.abs(score - 3.0)).isGreaterThan(0.5);
                if (score > 3.0) {
                    anomalous.add(id);
                }
                Instant time = START.plusMillis(10L * i);
                InferenceRequest request =
                        InferenceRequest.newBuilder()
                                .setRequestId(id)
                                .setEventTime(time)
                                .setModelName(DemoModel.NAME)
                                .setModelVersion(DemoModel.VERSION)
                                .setClientId("client-" + (i % 7))
                                .setAttributes(Map.of())
                                .setInputs(List.of(tensor(DemoModel.INPUT_TENSOR, x.length, x)))
                                .build();
                InferenceResponse response =
                        InferenceResponse.newBuilder()
                                .setRequestId(id)
                                .setEventTime(time.plusMillis(3))
                                .setModelName(DemoModel.NAME)
                                .setModelVersion(DemoModel.VERSION)
                                .setOutputs(
                                        List.of(
                                                tensor(
                                                        DemoModel.OUTPUT_TENSOR,
                                                        4,
                                                        new double[] {0.7, 0.1, 0.1, 0.1})))
                                .setLatencyMs(2.0)
                                .setAttributes(Map.of())
                                .build();
                byte[] key = id.getBytes(StandardCharsets.UTF_8);
                producer.send(topics.requests(), key, AvroCodec.standard().encode(request));
                producer.send(topics.responses(), key, AvroCodec.standard().encode(response));
            }
            producer.flush();
        }
        return anomalous;
    }

    private static List<Alert> readAlerts(String topic, int expected) {
        List<Alert> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaRecords.readAll(
                        KAFKA.bootstrapServers(),
                        topic,
                        expected,
                        Duration.ofSeconds(60),
                        IsolationLevel.READ_COMMITTED)) {
            try {
                out.add(AvroCodec.standard().decode(r.value(), Alert.class));
            } catch (CodecException e) {
                throw new AssertionError("undecodable alert", e);
            }
        }
        return out;
    }

    @Test
    void shouldAlertExactlyForTheRequestsTheModelScoresAnomalous() throws Exception {
        ModelFile file = MODEL.write(work.resolve("linear.onnx"));
        WardenConfig config = config("onnx", file);
        Set<String> anomalous = produce(config.topics(), 1000);
        assertThat(anomalous).hasSize(100);

        runBounded(config);

        List<Alert> alerts = readAlerts(config.topics().alerts(), anomalous.size());
        Set<String> expectedIds = new HashSet<>();
        for (String id : anomalous) {
            expectedIds.add(
                    Ids.of(
                            AlertKind.EVASION.name(),
                            DemoModel.NAME,
                            DemoModel.VERSION,
                            "REQUEST",
                            id,
                            "onnx.linear"));
        }
        assertThat(alerts)
                .extracting(Alert::getAlertId)
                .containsExactlyInAnyOrderElementsOf(expectedIds);
        assertThat(alerts)
                .allSatisfy(
                        a -> {
                            assertThat(a.getKind()).isEqualTo(AlertKind.EVASION);
                            assertThat(a.getScores().get(0).getScore()).isEqualTo(10.0);
                            assertThat(a.getScores().get(0).getThreshold()).isEqualTo(3.0);
                            assertThat(a.getEvidence().getDetails())
                                    .containsEntry("detector_model_sha256", file.sha256());
                        });
    }

    @Test
    void shouldRefuseToStartWithAWrongPinNamingTheFile() throws Exception {
        ModelFile file = MODEL.write(work.resolve("linear.onnx"));
        Path yaml = work.resolve("warden.yaml");
        Files.writeString(
                yaml,
                """
                kafka:
                  bootstrap-servers: localhost:9092
                models:
                  - name: demo-classifier
                    features: {tensor: input, names: [f0, f1, f2, f3, f4, f5, f6, f7]}
                    output: {tensor: probabilities, classes: [alpha, bravo, charlie, delta]}
                    detectors:
                      onnx:
                        - name: linear
                          model: linear.onnx
                          sha256: "%s"
                          input: features
                          output: score
                          threshold: 3
                """
                        .formatted("ab".repeat(32)));

        assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[0].detectors.onnx[0].sha256")
                .hasMessageContaining(file.path().toString())
                .hasMessageContaining("does not match its pinned SHA-256");
    }

    @Test
    void shouldFailTheJobWhenTheFileIsTamperedWithAfterTheConfigWasLoaded() throws Exception {
        ModelFile file = MODEL.write(work.resolve("tampered.onnx"));
        WardenConfig config = config("tampered", file);
        produce(config.topics(), 10);
        Files.write(file.path(), new LinearScoreModel(new double[8], 99).bytes());

        Throwable failure = null;
        try {
            runBounded(config);
        } catch (Exception e) {
            failure = e;
        }
        assertThat(failure).as("the job fails").isNotNull();
        assertThat(ExceptionUtils.findThrowable(failure, ModelIntegrityException.class))
                .hasValueSatisfying(
                        m -> assertThat(m.getMessage()).contains(file.path().toString()));
    }
}
