package io.warden.jobs.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.warden.detectors.core.Direction;
import io.warden.detectors.onnx.ExecutionProvider;
import io.warden.detectors.onnx.ModelFile;
import io.warden.jobs.drift.Observation;
import io.warden.schemas.AdversarialExample;
import io.warden.schemas.Alert;
import io.warden.schemas.ModelRollout;
import io.warden.schemas.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rolling models into {@link OnnxScoringOperator} through its control input, in Flink's two-input
 * operator harness with real ONNX models: {@code sum(x)} (version 1) and {@code sum(x) + 100}
 * (version 2), so every score names the model that produced it.
 */
class OnnxRolloverTest {
    private static final LinearScoreModel V1 = new LinearScoreModel(new double[] {1, 1, 1}, 0);
    private static final LinearScoreModel V2 = new LinearScoreModel(new double[] {1, 1, 1}, 100);
    private static final int BATCH = 4;

    @TempDir static Path dir;
    private static ModelFile v1;
    private static ModelFile v2;

    @BeforeAll
    static void writeModels() throws Exception {
        v1 = V1.write(dir.resolve("v1.onnx"));
        v2 = V2.write(dir.resolve("v2.onnx"));
    }

    /** Detector "lin" of model "m", flagging every row, so each row's alert names its model. */
    private static OnnxDetector detector(ModelFile file) {
        return new OnnxDetector(
                "m",
                null,
                "lin",
                file.path().toString(),
                file.sha256(),
                LinearScoreModel.INPUT,
                LinearScoreModel.OUTPUT,
                List.of("a", "b", "c"),
                new int[] {0, 1, 2},
                Direction.HIGH_IS_ANOMALOUS,
                -1e9,
                Double.NaN,
                null,
                null,
                BATCH,
                60_000,
                1,
                ExecutionProvider.CPU,
                Severity.HIGH);
    }

    private static TwoInputStreamOperatorTestHarness<Observation, ModelRollout, OnnxScore> harness(
            ModelFile configured, OperatorSubtaskState restore) throws Exception {
        var h =
                new TwoInputStreamOperatorTestHarness<>(
                        new OnnxScoringOperator(
                                new OnnxDetectors(
                                        List.of(detector(configured)),
                                        List.of(),
                                        java.util.Map.of("m", List.of("a", "b", "c"))),
                                true));
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static Observation row(int i) {
        Observation o = new Observation();
        o.modelName = "m";
        o.modelVersion = "1";
        o.modelKey = Observation.modelKey("m", "1");
        o.requestId = "r" + i;
        o.eventTime = 1000 + i;
        o.features = new double[] {i, 0.5, 0.25};
        o.outputs = new double[] {0.9, 0.1};
        return o;
    }

    private static ModelRollout roll(String detector, ModelFile file, String sha256) {
        return ModelRollout.newBuilder()
                .setModelName("m")
                .setDetector(detector)
                .setModelPath(file.path().toString())
                .setSha256(sha256)
                .build();
    }

    private static void send(
            TwoInputStreamOperatorTestHarness<Observation, ModelRollout, OnnxScore> h,
            int from,
            int to)
            throws Exception {
        for (int i = from; i < to; i++) {
            h.processElement1(new StreamRecord<>(row(i), 1000 + i));
        }
    }

    private static List<OnnxScore> scores(
            TwoInputStreamOperatorTestHarness<Observation, ModelRollout, OnnxScore> h) {
        List<OnnxScore> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((OnnxScore) r.getValue());
            }
        }
        return out;
    }

    private static double v1Score(int i) {
        return V1.score(row(i).features);
    }

    @Test
    void shouldScoreRowsBeforeTheRollWithTheOldModelAndAfterWithTheNew() throws Exception {
        var h = harness(v1, null);
        send(h, 0, 6); // one full batch of 4 scored, 2 rows buffered
        h.processElement2(new StreamRecord<>(roll("lin", v2, v2.sha256().toUpperCase())));
        send(h, 6, 9);
        h.processWatermark1(new Watermark(5000));

        List<OnnxScore> out = scores(h);
        assertThat(out).extracting(s -> s.requestId).containsExactly(rowIds(0, 9));
        for (int i = 0; i < 9; i++) {
            assertThat(out.get(i).score)
                    .as("row %d", i)
                    .isCloseTo(v1Score(i) + (i < 6 ? 0 : 100), within(1e-4));
        }
        List<Alert> alerts =
                h.getSideOutput(OnnxScoringOperator.ALERTS).stream()
                        .map(StreamRecord::getValue)
                        .toList();
        assertThat(alerts).hasSize(9);
        for (int i = 0; i < 9; i++) {
            assertThat(alerts.get(i).getEvidence().getDetails())
                    .containsEntry("detector_model_sha256", (i < 6 ? v1 : v2).sha256())
                    .containsEntry("detector_model", (i < 6 ? v1 : v2).path().toString());
        }
        List<AdversarialExample> examples =
                h.getSideOutput(OnnxScoringOperator.ADVERSARIAL_EXAMPLES).stream()
                        .map(StreamRecord::getValue)
                        .toList();
        assertThat(examples)
                .extracting(AdversarialExample::getAlertId)
                .containsExactlyElementsOf(alerts.stream().map(Alert::getAlertId).toList());
        assertThat(examples.get(7).getDetectorModels()).containsEntry("onnx.lin", v2.sha256());
        assertThat(examples.get(7).getFeatures()).containsExactly(7.0, 0.5, 0.25);
        assertThat(examples.get(7).getOutput()).containsExactly(0.9, 0.1);
        assertThat(examples.get(7).getFeatureNames()).containsExactly("a", "b", "c");
        h.close();
    }

    @Test
    void shouldRefuseAFileThatDoesNotMatchItsPinAndKeepServingTheOldModel() throws Exception {
        Path tampered = dir.resolve("tampered.onnx");
        Files.write(tampered, new LinearScoreModel(new double[] {0, 0, 0}, -7).bytes());
        var h = harness(v1, null);
        send(h, 0, 2);
        // The pin is version 2's digest, the file is another model: refused.
        h.processElement2(
                new StreamRecord<>(roll("lin", new ModelFile(tampered, v2.sha256()), v2.sha256())));
        // A missing file, a malformed pin and a detector this job lacks: refused or ignored too.
        h.processElement2(
                new StreamRecord<>(
                        roll(
                                "lin",
                                new ModelFile(dir.resolve("missing.onnx"), v2.sha256()),
                                v2.sha256())));
        h.processElement2(new StreamRecord<>(roll("lin", v2, "not-a-digest")));
        h.processElement2(new StreamRecord<>(roll("other", v2, v2.sha256())));
        send(h, 2, 5);
        h.processWatermark1(new Watermark(5000));

        List<OnnxScore> out = scores(h);
        assertThat(out).extracting(s -> s.requestId).containsExactly(rowIds(0, 5));
        for (int i = 0; i < 5; i++) {
            assertThat(out.get(i).score).isCloseTo(v1Score(i), within(1e-4));
        }
        h.close();
    }

    @Test
    void shouldServeTheRolledInModelAfterARestore() throws Exception {
        var h = harness(v1, null);
        h.processElement2(new StreamRecord<>(roll("lin", v2, v2.sha256())));
        send(h, 0, 1);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored = harness(v1, snapshot);
        send(restored, 1, 3);
        restored.processWatermark1(new Watermark(5000));

        assertThat(scores(restored))
                .extracting(s -> s.score)
                .containsExactly(v1Score(1) + 100, v1Score(2) + 100);
        restored.close();
    }

    @Test
    void shouldServeTheConfigsModelAfterARestoreWhenTheConfigPinsAnotherFileSince()
            throws Exception {
        LinearScoreModel v3Model = new LinearScoreModel(new double[] {1, 1, 1}, 1000);
        ModelFile v3 = v3Model.write(dir.resolve("v3.onnx"));
        var h = harness(v1, null);
        h.processElement2(new StreamRecord<>(roll("lin", v2, v2.sha256())));
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored = harness(v3, snapshot);
        send(restored, 0, 1);
        restored.processWatermark1(new Watermark(5000));

        assertThat(scores(restored)).extracting(s -> s.score).containsExactly(v1Score(0) + 1000);
        restored.close();
    }

    @Test
    void shouldForwardTheObservationsWatermarkWhateverTheControlInputDoes() throws Exception {
        var h = harness(v1, null);
        send(h, 0, 1);
        h.processWatermark1(new Watermark(2000));

        assertThat(scores(h)).hasSize(1);
        assertThat(h.getOutput()).contains(new Watermark(2000));
        h.close();
    }

    private static String[] rowIds(int from, int to) {
        String[] ids = new String[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = "r" + i;
        }
        return ids;
    }
}
