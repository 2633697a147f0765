package io.warden.jobs.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.warden.detectors.calibration.EmpiricalReference;
import io.warden.detectors.core.Direction;
import io.warden.detectors.onnx.ExecutionProvider;
import io.warden.detectors.onnx.ModelFile;
import io.warden.jobs.drift.Observation;
import io.warden.jobs.monitor.Ids;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.Severity;
import io.warden.schemas.SubjectType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OnnxScoringOperator} in Flink's one-input operator harness, with a real ONNX model. */
class OnnxScoringOperatorTest {
    private static final LinearScoreModel MODEL =
            new LinearScoreModel(new double[] {0.5, -0.25, 1.0, 0.125}, 0.75);
    private static final int BATCH = 4;
    private static final long MAX_WAIT = 50;
    private static final double THRESHOLD = 2.0;

    @TempDir static Path dir;
    private static ModelFile file;

    @BeforeAll
    static void writeModel() throws Exception {
        file = MODEL.write(dir.resolve("linear.onnx"));
    }

    /** A threshold detector on all four features of model "m". */
    private static OnnxDetector detector(String name, double threshold) {
        return new OnnxDetector(
                "m",
                null,
                name,
                file.path().toString(),
                file.sha256(),
                LinearScoreModel.INPUT,
                LinearScoreModel.OUTPUT,
                List.of("a", "b", "c", "d"),
                new int[] {0, 1, 2, 3},
                Direction.HIGH_IS_ANOMALOUS,
                threshold,
                Double.NaN,
                null,
                null,
                BATCH,
                MAX_WAIT,
                1,
                ExecutionProvider.CPU,
                Severity.HIGH);
    }

    private static OneInputStreamOperatorTestHarness<Observation, OnnxScore> harness(
            OnnxDetector... detectors) throws Exception {
        OneInputStreamOperatorTestHarness<Observation, OnnxScore> h =
                new OneInputStreamOperatorTestHarness<>(
                        new OnnxScoringOperator(new OnnxDetectors(List.of(detectors))));
        h.open();
        return h;
    }

    private static Observation row(String requestId, long time, double... features) {
        Observation o = new Observation();
        o.modelName = "m";
        o.modelVersion = "1";
        o.modelKey = Observation.modelKey("m", "1");
        o.requestId = requestId;
        o.clientId = "client-" + requestId;
        o.eventTime = time;
        o.features = features;
        return o;
    }

    private static List<OnnxScore> scores(
            OneInputStreamOperatorTestHarness<Observation, OnnxScore> h) {
        List<OnnxScore> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((OnnxScore) r.getValue());
            }
        }
        return out;
    }

    private static OnnxScoringOperator operator(
            OneInputStreamOperatorTestHarness<Observation, OnnxScore> h) {
        return (OnnxScoringOperator) h.getOneInputOperator();
    }

    @Test
    void shouldScoreABatchWhenItIsFullAndMatchTheClosedForm() throws Exception {
        var h = harness(detector("lin", THRESHOLD));
        Random random = new Random(3);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < BATCH * 2 + 1; i++) {
            double[] x = new double[4];
            for (int j = 0; j < 4; j++) {
                x[j] = random.nextGaussian() * 2;
            }
            rows.add(x);
            h.processElement(row("r" + i, 1000 + i, x), 1000 + i);
            if (i == BATCH - 2) {
                assertThat(scores(h)).as("a partial batch waits").isEmpty();
            }
        }

        List<OnnxScore> out = scores(h);
        assertThat(out).hasSize(BATCH * 2);
        assertThat(operator(h).buffered()).isEqualTo(1);
        for (int i = 0; i < out.size(); i++) {
            OnnxScore s = out.get(i);
            assertThat(s.requestId).isEqualTo("r" + i);
            assertThat(s.detector).isEqualTo("onnx.lin");
            assertThat(s.score).isCloseTo(MODEL.score(rows.get(i)), within(1e-4));
            assertThat(s.flagged).isEqualTo(MODEL.score(rows.get(i)) > THRESHOLD);
            assertThat(s.pValue).isNaN();
        }
        // Every flagged row raised one EVASION alert about its request, with its deterministic id.
        List<Alert> alerts =
                h.getSideOutput(OnnxScoringOperator.ALERTS).stream()
                        .map(StreamRecord::getValue)
                        .toList();
        List<String> flagged = out.stream().filter(s -> s.flagged).map(s -> s.requestId).toList();
        assertThat(flagged).isNotEmpty();
        assertThat(alerts)
                .extracting(a -> a.getSubject().getId())
                .containsExactlyElementsOf(flagged);
        Alert first = alerts.get(0);
        assertThat(first.getKind()).isEqualTo(AlertKind.EVASION);
        assertThat(first.getSubject().getType()).isEqualTo(SubjectType.REQUEST);
        assertThat(first.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(first.getModelVersion()).isEqualTo("1");
        assertThat(first.getAlertId())
                .isEqualTo(Ids.of("EVASION", "m", "1", "REQUEST", flagged.get(0), "onnx.lin"));
        assertThat(first.getScores())
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.getDetector()).isEqualTo("onnx.lin");
                            assertThat(s.getThreshold()).isEqualTo(THRESHOLD);
                            assertThat(s.getPValue()).isNull();
                            assertThat(s.getFlagged()).isTrue();
                        });
        assertThat(first.getEvidence().getDetails())
                .containsEntry("client_id", "client-" + flagged.get(0))
                .containsEntry("detector_model_sha256", file.sha256());
        h.close();
    }

    @Test
    void shouldFlushAPartialBatchBeforeForwardingAWatermark() throws Exception {
        var h = harness(detector("lin", THRESHOLD));
        h.processElement(row("r1", 1000, 1, 1, 1, 1), 1000);
        h.processElement(row("r2", 1001, 3, 0, 2, 0), 1001);
        assertThat(h.getOutput()).isEmpty();

        h.processWatermark(new Watermark(5000));

        List<Object> out = new ArrayList<>(h.getOutput());
        assertThat(out).hasSize(3);
        assertThat(((StreamRecord<?>) out.get(0)).getTimestamp()).isEqualTo(1000);
        assertThat(((OnnxScore) ((StreamRecord<?>) out.get(1)).getValue()).requestId)
                .isEqualTo("r2");
        assertThat(out.get(2)).isEqualTo(new Watermark(5000));
        assertThat(operator(h).buffered()).isZero();
        h.close();
    }

    @Test
    void shouldFlushAPartialBatchAfterTheMaximumWait() throws Exception {
        var h = harness(detector("lin", THRESHOLD));
        h.setProcessingTime(100);
        h.processElement(row("r1", 1000, 1, 1, 1, 1), 1000);
        h.setProcessingTime(120);
        h.processElement(row("r2", 1001, 1, 1, 1, 1), 1001);
        h.setProcessingTime(100 + MAX_WAIT - 1);
        assertThat(scores(h)).isEmpty();

        h.setProcessingTime(100 + MAX_WAIT);
        assertThat(scores(h)).extracting(s -> s.requestId).containsExactly("r1", "r2");

        // A later row starts its own wait, from its own arrival.
        h.setProcessingTime(1000);
        h.processElement(row("r3", 1002, 1, 1, 1, 1), 1002);
        h.setProcessingTime(1000 + MAX_WAIT - 1);
        assertThat(scores(h)).hasSize(2);
        h.setProcessingTime(1000 + MAX_WAIT);
        assertThat(scores(h)).extracting(s -> s.requestId).containsExactly("r1", "r2", "r3");
        h.close();
    }

    @Test
    void shouldFlushBeforeACheckpointBarrierSoARestoreHoldsNothing() throws Exception {
        var h = harness(detector("lin", THRESHOLD));
        h.processElement(row("r1", 1000, 1, 1, 1, 1), 1000);
        h.processElement(row("r2", 1001, 4, 0, 4, 0), 1001);

        h.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState snapshot = h.snapshot(1, 2000);

        assertThat(scores(h)).extracting(s -> s.requestId).containsExactly("r1", "r2");
        assertThat(operator(h).buffered()).isZero();
        h.close();

        var restored =
                new OneInputStreamOperatorTestHarness<>(
                        new OnnxScoringOperator(
                                new OnnxDetectors(List.of(detector("lin", THRESHOLD)))));
        restored.initializeState(snapshot);
        restored.open();
        assertThat(operator(restored).buffered()).isZero();
        restored.processWatermark(new Watermark(9000));
        restored.processElement(row("r3", 1002, 1, 1, 1, 1), 1002);
        restored.endInput();
        assertThat(scores(restored)).extracting(s -> s.requestId).containsExactly("r3");
        restored.close();
    }

    @Test
    void shouldRouteRowsOnlyToTheirModelsDetectorsAndCutTheConfiguredFeatures() throws Exception {
        OnnxDetector two =
                new OnnxDetector(
                        "m",
                        null,
                        "subset",
                        file.path().toString(),
                        file.sha256(),
                        LinearScoreModel.INPUT,
                        LinearScoreModel.OUTPUT,
                        List.of("e", "d", "c", "b"),
                        new int[] {4, 3, 2, 1},
                        Direction.LOW_IS_ANOMALOUS,
                        0.0,
                        Double.NaN,
                        null,
                        null,
                        1,
                        MAX_WAIT,
                        1,
                        ExecutionProvider.CPU,
                        Severity.LOW);
        var h = harness(detector("lin", THRESHOLD), two);
        double[] x = {9, 1, -2, 3, -4};
        h.processElement(row("r1", 1000, x), 1000);
        Observation other = row("o1", 1000, x);
        other.modelName = "another-model";
        h.processElement(other, 1000);
        h.processWatermark(new Watermark(2000));

        List<OnnxScore> out = scores(h);
        assertThat(out).extracting(s -> s.requestId).containsExactly("r1", "r1");
        double subset = MODEL.score(new double[] {-4, 3, -2, 1});
        assertThat(out.get(0).detector).isEqualTo("onnx.subset");
        assertThat(out.get(0).score).isCloseTo(subset, within(1e-4));
        assertThat(out.get(0).flagged).isEqualTo(subset < 0);
        assertThat(out.get(1).detector).isEqualTo("onnx.lin");
        assertThat(out.get(1).score).isCloseTo(MODEL.score(x), within(1e-4));
        h.close();
    }

    @Test
    void shouldFlagRowsByTheirConformalPValueAgainstTheReferenceScores() throws Exception {
        Random random = new Random(11);
        int n = 199;
        double[] reference = new double[n * 4];
        double[] referenceScores = new double[n];
        for (int r = 0; r < n; r++) {
            double[] x = new double[4];
            for (int j = 0; j < 4; j++) {
                x[j] = random.nextGaussian();
                reference[r * 4 + j] = x[j];
            }
            referenceScores[r] = (float) MODEL.score(x);
        }
        double alpha = 0.05;
        OnnxDetector conformal =
                new OnnxDetector(
                        "m",
                        null,
                        "conformal",
                        file.path().toString(),
                        file.sha256(),
                        LinearScoreModel.INPUT,
                        LinearScoreModel.OUTPUT,
                        List.of("a", "b", "c", "d"),
                        new int[] {0, 1, 2, 3},
                        Direction.HIGH_IS_ANOMALOUS,
                        Double.NaN,
                        alpha,
                        reference,
                        "profile-1",
                        BATCH,
                        MAX_WAIT,
                        1,
                        ExecutionProvider.CPU,
                        Severity.MEDIUM);
        var h = harness(conformal);
        EmpiricalReference expected = EmpiricalReference.of(referenceScores);
        // Far outside (p = 1/(n+1) = 0.005), in the middle (p about 0.5), far below (p = 1).
        double[][] rows = {{10, -10, 10, 10}, {0, 0, 0, 0}, {-10, 10, -10, -10}};
        for (int i = 0; i < rows.length; i++) {
            h.processElement(row("r" + i, 1000 + i, rows[i]), 1000 + i);
        }
        h.processWatermark(new Watermark(5000));

        List<OnnxScore> out = scores(h);
        assertThat(out).hasSize(3);
        for (int i = 0; i < 3; i++) {
            double p = expected.pValue(MODEL.score(rows[i]), Direction.HIGH_IS_ANOMALOUS);
            assertThat(out.get(i).pValue).isCloseTo(p, within(1e-12));
            assertThat(out.get(i).threshold).isEqualTo(alpha);
        }
        assertThat(out).extracting(s -> s.flagged).containsExactly(true, false, false);
        assertThat(out.get(0).pValue).isEqualTo(1.0 / (n + 1));
        Alert alert = h.getSideOutput(OnnxScoringOperator.ALERTS).peek().getValue();
        assertThat(alert.getProfileId()).isEqualTo("profile-1");
        assertThat(alert.getScores().get(0).getPValue()).isEqualTo(1.0 / (n + 1));
        h.close();
    }
}
