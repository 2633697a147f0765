package io.warden.jobs.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
import io.warden.schemas.AdversarialExample;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.ModelRollout;
import io.warden.schemas.Tensor;
import io.warden.schemas.TensorDatatype;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.CodecException;
import io.warden.schemas.codec.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
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
        return config(prefix, file, 3.0);
    }

    /**
     * The demo model with one ONNX detector, {@code linear}, on {@code file} with {@code
     * threshold}; its own topics, the control and adversarial-examples topics included.
     */
    private WardenConfig config(String prefix, ModelFile file, double threshold) throws Exception {
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
        t = t.withOptionalTopics(prefix + ".control", prefix + ".adversarial");
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
                        threshold,
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
                        t.deadLetter(),
                        t.control(),
                        t.adversarialExamples());
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
        return produce(topics, 0, requests);
    }

    /** The features of request i: all 5 for every tenth, else small (seeded by i). */
    private static double[] features(int i) {
        Random random = new Random(7919L * i + 7);
        double[] x = new double[DemoModel.FEATURES.size()];
        for (int j = 0; j < x.length; j++) {
            x[j] = i % 10 == 3 ? 5.0 : random.nextGaussian() * 0.5;
        }
        return x;
    }

    /**
     * Produces requests {@code from} (inclusive) to {@code to} and their responses; returns the ids
     * of the requests the detector must flag at threshold 3.
     */
    private static Set<String> produce(TopicSettings topics, int from, int to) throws Exception {
        Set<String> anomalous = new HashSet<>();
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (int i = from; i < to; i++) {
                String id = "req-" + i;
                double[] x = features(i);
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

        // The flagged rows, and only they, are on the adversarial-examples topic.
        List<AdversarialExample> examples =
                KafkaRecords.readCommitted(
                        KAFKA.bootstrapServers(),
                        config.topics().adversarialExamples(),
                        anomalous.size(),
                        AdversarialExample.class);
        assertThat(examples)
                .extracting(AdversarialExample::getRequestId)
                .containsExactlyInAnyOrderElementsOf(anomalous);
        assertThat(examples)
                .extracting(AdversarialExample::getAlertId)
                .containsExactlyInAnyOrderElementsOf(expectedIds);
        assertThat(examples)
                .allSatisfy(
                        e -> {
                            int i = Integer.parseInt(e.getRequestId().substring("req-".length()));
                            assertThat(e.getModelName()).isEqualTo(DemoModel.NAME);
                            assertThat(e.getModelVersion()).isEqualTo(DemoModel.VERSION);
                            assertThat(e.getFeatureNames()).isEqualTo(DemoModel.FEATURES);
                            assertThat(e.getFeatures())
                                    .containsExactly(boxed(features(i)).toArray(Double[]::new));
                            assertThat(e.getOutput()).containsExactly(0.7, 0.1, 0.1, 0.1);
                            assertThat(e.getScores()).hasSize(1);
                            assertThat(e.getScores().get(0).getDetector()).isEqualTo("onnx.linear");
                            assertThat(e.getScores().get(0).getScore()).isEqualTo(10.0);
                            assertThat(e.getDetectorModels())
                                    .containsExactly(Map.entry("onnx.linear", file.sha256()));
                        });
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    /** Sends a roll-out of the demo model's detector {@code linear} to the control topic. */
    private static void rollOut(TopicSettings topics, Path file, String sha256, boolean json)
            throws Exception {
        ModelRollout roll =
                ModelRollout.newBuilder()
                        .setModelName(DemoModel.NAME)
                        .setModelVersion(null)
                        .setDetector("linear")
                        .setModelPath(file.toString())
                        .setSha256(sha256)
                        .build();
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            producer.send(
                    topics.control(),
                    "demo-classifier/linear".getBytes(StandardCharsets.UTF_8),
                    json ? JsonCodec.standard().encode(roll) : AvroCodec.standard().encode(roll));
            producer.flush();
        }
    }

    /** The committed alerts (at least {@code expected}), by request id. */
    private static Map<String, Alert> alertsByRequest(TopicSettings topics, int expected) {
        Map<String, Alert> out = new HashMap<>();
        for (Alert a :
                KafkaRecords.readCommitted(
                        KAFKA.bootstrapServers(), topics.alerts(), expected, Alert.class)) {
            assertThat(out.put(a.getSubject().getId(), a))
                    .as("one alert per request: %s", a.getSubject().getId())
                    .isNull();
        }
        return out;
    }

    /**
     * A model roll-over mid-stream loses no records: the live job, with a detector that flags every
     * row (so each scored row leaves one alert naming the model that scored it), serves version 1
     * ({@code 0.25 * sum(x)}), is sent a tampered file pinned to version 2's digest (refused) and
     * then version 2 ({@code 0.25 * sum(x) + 100}). Every request is scored exactly once; the
     * requests before the roll by version 1, those after it took effect by version 2, and none by
     * the tampered file.
     */
    @Test
    void shouldScoreEveryRequestExactlyOnceAcrossAModelRollInAndRefuseATamperedFile()
            throws Exception {
        ModelFile v1 = MODEL.write(work.resolve("linear-v1.onnx"));
        ModelFile v2 =
                new LinearScoreModel(MODEL.weights(), 100).write(work.resolve("linear-v2.onnx"));
        Path tampered = work.resolve("linear-v2-tampered.onnx");
        Files.write(tampered, new LinearScoreModel(MODEL.weights(), 50).bytes());
        WardenConfig config = config("rollin", v1, -1e9);
        TopicSettings t = config.topics();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MonitorJob.configure(env, config);
        env.setParallelism(PARALLELISM);
        MonitorJob.build(
                config,
                MonitorJob.kafkaInput(env, config, false),
                MonitorJob.kafkaControl(env, config, false),
                MonitorJob.kafkaOutputs(config));
        JobClient job = env.executeAsync(config.job().name());
        try {
            int before = 100;
            produce(t, 0, before);
            assertThat(alertsByRequest(t, before)).hasSize(before);

            rollOut(t, tampered, v2.sha256(), true);
            rollOut(t, v2.path(), v2.sha256(), false);
            // Probes, 8 requests at a time, until two batches in a row are all scored by
            // version 2: then every scoring subtask has swapped.
            int next = before;
            int streak = 0;
            while (streak < 2) {
                assertThat(next).as("version 2 takes effect").isLessThan(before + 8 * 40);
                produce(t, next, next + 8);
                next += 8;
                Map<String, Alert> scored = alertsByRequest(t, next);
                boolean allNew = true;
                for (int i = next - 8; i < next; i++) {
                    allNew &= v2.sha256().equals(sha256Of(scored.get("req-" + i)));
                }
                streak = allNew ? streak + 1 : 0;
            }
            int after = next;
            int total = after + 100;
            produce(t, after, total);

            Map<String, Alert> alerts = alertsByRequest(t, total);
            assertThat(alerts).hasSize(total);
            for (int i = 0; i < total; i++) {
                Alert a = alerts.get("req-" + i);
                assertThat(a).as("req-%d is scored", i).isNotNull();
                String sha = sha256Of(a);
                assertThat(sha).as("req-%d", i).isIn(v1.sha256(), v2.sha256());
                double expected = MODEL.score(features(i)) + (sha.equals(v2.sha256()) ? 100 : 0);
                assertThat(a.getScores().get(0).getScore())
                        .as("req-%d", i)
                        .isCloseTo(expected, within(1e-3));
                if (i < before) {
                    assertThat(sha).as("req-%d, before the roll", i).isEqualTo(v1.sha256());
                } else if (i >= after) {
                    assertThat(sha).as("req-%d, after the roll", i).isEqualTo(v2.sha256());
                }
            }
        } finally {
            job.cancel().get();
        }
    }

    private static String sha256Of(Alert a) {
        return a == null ? null : a.getEvidence().getDetails().get("detector_model_sha256");
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
