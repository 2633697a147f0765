package io.warden.jobs.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.warden.detectors.calibration.PValueCombination;
import io.warden.detectors.core.Direction;
import io.warden.detectors.onnx.ExecutionProvider;
import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.squeezing.BitDepthReduction;
import io.warden.detectors.squeezing.FeatureSqueezing;
import io.warden.detectors.squeezing.Rounding;
import io.warden.jobs.drift.Observation;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detectors that run the served model (output integrity, feature squeezing) and the evasion
 * ensemble, in Flink's operator harness with real ONNX Runtime sessions.
 */
class ServedModelDetectorsTest {
    private static final SoftmaxLinearModel SERVED =
            new SoftmaxLinearModel(
                    new double[][] {{1.5, -0.5, 0.25, 0}, {-0.5, 1.5, 0, 0.25}, {0, 0, 1, -1}},
                    new double[] {0.1, -0.1, 0});
    private static final SoftmaxLinearModel SWAPPED =
            new SoftmaxLinearModel(
                    new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}},
                    new double[] {0, 0, 0});
    private static final LinearScoreModel NORM_LIKE =
            new LinearScoreModel(new double[] {1, 1, -1, 1}, 0);
    private static final List<String> FEATURES = List.of("a", "b", "c", "d");
    private static final int BATCH = 8;

    @TempDir static Path dir;
    private static ModelFile served;
    private static ModelFile score;

    @BeforeAll
    static void writeModels() throws Exception {
        served = SERVED.write(dir.resolve("served.onnx"));
        score = NORM_LIKE.write(dir.resolve("score.onnx"));
    }

    private static OnnxDetector servedDetector(
            String name,
            OnnxDetector.Kind kind,
            FeatureSqueezing squeezing,
            double threshold,
            double[] reference,
            double sampleRate,
            double tolerance,
            boolean member) {
        return new OnnxDetector(
                "m",
                null,
                name,
                served.path().toString(),
                served.sha256(),
                SoftmaxLinearModel.INPUT,
                SoftmaxLinearModel.OUTPUT,
                FEATURES,
                new int[] {0, 1, 2, 3},
                Direction.HIGH_IS_ANOMALOUS,
                threshold,
                Double.NaN,
                reference,
                reference == null ? null : "profile-1",
                BATCH,
                50,
                1,
                ExecutionProvider.CPU,
                Severity.HIGH,
                kind,
                squeezing,
                false,
                sampleRate,
                tolerance,
                member);
    }

    private static OnnxDetector integrity(double sampleRate) {
        return servedDetector(
                OnnxDetectors.INTEGRITY_NAME,
                OnnxDetector.Kind.INTEGRITY,
                null,
                1e-4,
                null,
                sampleRate,
                1e-4,
                false);
    }

    private static FeatureSqueezing squeezers() {
        return new FeatureSqueezing(4, List.of(Rounding.to(1.0), new BitDepthReduction(3, -4, 4)));
    }

    private static OneInputStreamOperatorTestHarness<Observation, OnnxScore> harness(
            OnnxDetectors detectors) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new OnnxScoringOperator(detectors));
        h.open();
        return h;
    }

    private static Observation row(String id, double[] x, double[] logged) {
        Observation o = new Observation();
        o.modelName = "m";
        o.modelVersion = "1";
        o.modelKey = Observation.modelKey("m", "1");
        o.requestId = id;
        o.clientId = "client-" + id;
        o.eventTime = 1000;
        o.features = x;
        o.outputs = logged;
        return o;
    }

    private static double[] gaussian(Random random, double scale) {
        double[] x = new double[4];
        for (int j = 0; j < 4; j++) {
            x[j] = random.nextGaussian() * scale;
        }
        return x;
    }

    private static List<OnnxScore> scores(OneInputStreamOperatorTestHarness<?, OnnxScore> h) {
        List<OnnxScore> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((OnnxScore) r.getValue());
            }
        }
        return out;
    }

    private static List<Alert> alerts(OneInputStreamOperatorTestHarness<?, OnnxScore> h) {
        List<Alert> out = new ArrayList<>();
        var side = h.getSideOutput(OnnxScoringOperator.ALERTS);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    @Test
    void shouldRaiseAnIntegrityAlertExactlyForRowsTheServedModelDidNotAnswer() throws Exception {
        var h = harness(new OnnxDetectors(List.of(integrity(1.0))));
        Random random = new Random(1);
        List<String> tampered = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            double[] x = gaussian(random, 1);
            boolean swap = i % 5 == 0;
            if (swap) {
                tampered.add("r" + i);
            }
            h.processElement(
                    new StreamRecord<>(
                            row("r" + i, x, (swap ? SWAPPED : SERVED).probabilities(x)), 1000));
        }
        h.processWatermark(new Watermark(2000));

        assertThat(scores(h)).hasSize(20);
        List<Alert> alerts = alerts(h);
        assertThat(alerts)
                .extracting(a -> a.getSubject().getId())
                .containsExactlyElementsOf(tampered);
        Alert a = alerts.get(0);
        assertThat(a.getKind()).isEqualTo(AlertKind.INTEGRITY);
        assertThat(a.getAtlasTechnique()).isEqualTo(OnnxScoringOperator.ATLAS_MANIPULATE_MODEL);
        assertThat(a.getEvidence().getDetails())
                .containsEntry("served_model_sha256", served.sha256())
                .containsKey("difference");
        assertThat(a.getSummary()).contains("tolerance");
        for (OnnxScore s : scores(h)) {
            assertThat(s.flagged).isEqualTo(tampered.contains(s.requestId));
        }
        h.close();
    }

    @Test
    void shouldReScoreOnlyTheSampledRequestsChosenByTheirIds() throws Exception {
        int n = 20_000;
        int picked = 0;
        for (int i = 0; i < n; i++) {
            if (OnnxScoringOperator.sampled("request-" + i, 0.2)) {
                picked++;
            }
        }
        // Binomial(20000, 0.2): sd 57.
        assertThat(picked).isBetween(3800, 4200);

        var h = harness(new OnnxDetectors(List.of(integrity(0.2))));
        Random random = new Random(2);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double[] x = gaussian(random, 1);
            if (OnnxScoringOperator.sampled("r" + i, 0.2)) {
                expected.add("r" + i);
            }
            h.processElement(new StreamRecord<>(row("r" + i, x, SERVED.probabilities(x)), 1000));
        }
        h.processWatermark(new Watermark(2000));
        assertThat(scores(h)).extracting(s -> s.requestId).containsExactlyElementsOf(expected);
        assertThat(alerts(h)).isEmpty();
        h.close();
    }

    @Test
    void shouldScoreSqueezingAsTheLargestL1DistanceOfTheServedModel() throws Exception {
        FeatureSqueezing squeezing = squeezers();
        double threshold = 0.3;
        var h =
                harness(
                        new OnnxDetectors(
                                List.of(
                                        servedDetector(
                                                "squeezing",
                                                OnnxDetector.Kind.SQUEEZING,
                                                squeezing,
                                                threshold,
                                                null,
                                                1,
                                                Double.NaN,
                                                false))));
        Random random = new Random(3);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            double[] x = gaussian(random, 1.5);
            rows.add(x);
            h.processElement(new StreamRecord<>(row("r" + i, x, SERVED.probabilities(x)), 1000));
        }
        h.processWatermark(new Watermark(2000));
        List<OnnxScore> out = scores(h);
        assertThat(out).hasSize(30);
        int flagged = 0;
        for (int i = 0; i < 30; i++) {
            // The same squeezers with the Java forward pass instead of ONNX Runtime.
            float[] x = new float[4];
            for (int j = 0; j < 4; j++) {
                x[j] = (float) rows.get(i)[j];
            }
            double[] p = SERVED.probabilities(rows.get(i));
            float[] logged = new float[p.length];
            for (int c = 0; c < p.length; c++) {
                logged[c] = (float) p[c];
            }
            double expected =
                    squeezing
                            .scores(
                                    ServedModelDetectorsTest::javaModel,
                                    x,
                                    1,
                                    new float[][] {logged})[0];
            assertThat(out.get(i).score).isCloseTo(expected, within(1e-5));
            assertThat(out.get(i).flagged).isEqualTo(out.get(i).score > threshold);
            flagged += out.get(i).flagged ? 1 : 0;
        }
        assertThat(alerts(h)).hasSize(flagged).allMatch(a -> a.getKind() == AlertKind.EVASION);
        h.close();
    }

    private static float[][] javaModel(float[] rows, int n) {
        float[][] out = new float[n][];
        for (int r = 0; r < n; r++) {
            double[] x = new double[4];
            for (int j = 0; j < 4; j++) {
                x[j] = rows[r * 4 + j];
            }
            double[] p = SERVED.probabilities(x);
            out[r] = new float[p.length];
            for (int c = 0; c < p.length; c++) {
                out[r][c] = (float) p[c];
            }
        }
        return out;
    }

    private static OnnxDetectors ensemble(double alpha, double[] reference) {
        OnnxDetector linear =
                new OnnxDetector(
                        "m",
                        null,
                        "linear",
                        score.path().toString(),
                        score.sha256(),
                        LinearScoreModel.INPUT,
                        LinearScoreModel.OUTPUT,
                        FEATURES,
                        new int[] {0, 1, 2, 3},
                        Direction.HIGH_IS_ANOMALOUS,
                        Double.NaN,
                        Double.NaN,
                        reference,
                        "profile-1",
                        BATCH,
                        50,
                        1,
                        ExecutionProvider.CPU,
                        Severity.HIGH,
                        OnnxDetector.Kind.SCORE,
                        null,
                        false,
                        1,
                        Double.NaN,
                        true);
        OnnxDetector squeezing =
                servedDetector(
                        "squeezing",
                        OnnxDetector.Kind.SQUEEZING,
                        squeezers(),
                        Double.NaN,
                        reference,
                        1,
                        Double.NaN,
                        true);
        return new OnnxDetectors(
                List.of(linear, squeezing, integrity(1.0)),
                List.of(
                        new OnnxDetectors.Ensemble(
                                "m",
                                null,
                                new int[] {0, 1},
                                PValueCombination.FISHER,
                                alpha,
                                Severity.MEDIUM,
                                "profile-1")));
    }

    @Test
    void shouldJudgeRowsByTheEnsembleAtItsFalsePositiveRate() throws Exception {
        double alpha = 0.05;
        Random random = new Random(4);
        int referenceRows = 4000;
        double[] reference = new double[referenceRows * 4];
        for (int r = 0; r < referenceRows; r++) {
            System.arraycopy(gaussian(random, 1), 0, reference, r * 4, 4);
        }
        var h = harness(ensemble(alpha, reference));
        int clean = 4000;
        for (int i = 0; i < clean; i++) {
            double[] x = gaussian(random, 1);
            h.processElement(new StreamRecord<>(row("c" + i, x, SERVED.probabilities(x)), 1000));
        }
        int shifted = 200;
        for (int i = 0; i < shifted; i++) {
            double[] x = gaussian(random, 1);
            x[0] += 4;
            x[1] += 4;
            h.processElement(new StreamRecord<>(row("s" + i, x, SERVED.probabilities(x)), 1000));
        }
        h.processWatermark(new Watermark(2000));

        List<OnnxScore> out = scores(h);
        // Two members, the integrity check and the ensemble: four scores per row.
        assertThat(out).hasSize((clean + shifted) * 4);
        List<OnnxScore> judged =
                out.stream()
                        .filter(s -> s.detector.equals(OnnxDetectors.Ensemble.DETECTOR_ID))
                        .toList();
        assertThat(judged).hasSize(clean + shifted);
        assertThat(out)
                .filteredOn(s -> s.detector.equals("onnx.linear"))
                .allMatch(s -> !s.flagged && s.pValue > 0 && s.pValue <= 1);
        long falsePositives =
                judged.stream().filter(s -> s.requestId.startsWith("c") && s.flagged).count();
        // 2000 held-out rows and 4000 test rows: one standard deviation of the rate is ~0.006.
        assertThat(falsePositives / (double) clean).isBetween(0.03, 0.07);
        long caught = judged.stream().filter(s -> s.requestId.startsWith("s") && s.flagged).count();
        assertThat(caught / (double) shifted).isGreaterThan(0.9);

        List<Alert> alerts = alerts(h);
        assertThat(alerts).hasSize((int) (falsePositives + caught));
        Alert a =
                alerts.stream()
                        .filter(x -> x.getSubject().getId().startsWith("s"))
                        .findFirst()
                        .orElseThrow();
        assertThat(a.getKind()).isEqualTo(AlertKind.EVASION);
        assertThat(a.getSummary()).contains("evasion ensemble (fisher of 2 detectors)");
        assertThat(a.getScores())
                .extracting(DetectorScore::getDetector)
                .containsExactly("onnx.linear", "onnx.squeezing", "onnx.evasion-ensemble");
        assertThat(a.getEvidence().getDetails())
                .containsEntry("onnx.squeezing.model_sha256", served.sha256())
                .containsEntry("onnx.linear.model_sha256", score.sha256());
        h.close();
    }
}
