package io.warden.jobs.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.warden.detectors.multivariate.Covariance;
import io.warden.detectors.onnx.BuiltInDetectors;
import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.BuiltinDetector;
import io.warden.jobs.config.ModelSpec.OnnxDetectorSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.demo.Demo;
import io.warden.jobs.drift.Observation;
import io.warden.schemas.Alert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code builtin: mahalanobis} detector on the demo model, built from its config as the job
 * builds it and run in the scoring operator's harness: the export is written, pinned and fed the
 * profile's features in the profile's order even when the model lists its features in another, and
 * the export travels with the job to a task manager that lacks the file.
 */
class OnnxBuiltinTest {
    private static final double THRESHOLD = 50.0;
    private static final String MODEL = "demo-classifier";

    @TempDir Path dir;

    /**
     * The demo config with one {@code builtin: mahalanobis} detector, and the model's features
     * listed in reverse order (so the rows the operator cuts must be reordered to the profile's).
     */
    private WardenConfig config() throws Exception {
        WardenConfig c = Demo.demoConfig(dir, "localhost:9092");
        ModelSpec demo = c.models().get(0);
        List<String> reversed = new ArrayList<>(demo.features().featureNames());
        java.util.Collections.reverse(reversed);
        OnnxDetectorSettings maha =
                new OnnxDetectorSettings(
                        "maha",
                        BuiltinDetector.MAHALANOBIS,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        THRESHOLD,
                        null,
                        2,
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
                        new ModelSpec.FeatureSpec(demo.features().tensor(), reversed, null),
                        demo.output(),
                        ModelSpec.DetectorSettings.defaults().withOnnx(List.of(maha)));
        return new WardenConfig(c.kafka(), c.topics(), c.input(), c.job(), List.of(model));
    }

    private static Observation row(String requestId, double[] features) {
        Observation o = new Observation();
        o.modelName = MODEL;
        o.modelVersion = "1";
        o.modelKey = Observation.modelKey(MODEL, "1");
        o.requestId = requestId;
        o.clientId = "client";
        o.eventTime = 1000;
        o.features = features;
        return o;
    }

    /** A row in the profile's order, laid out in the (reversed) order the model lists them. */
    private static double[] reversed(double[] profileOrder) {
        double[] out = new double[profileOrder.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = profileOrder[out.length - 1 - i];
        }
        return out;
    }

    /** The squared Mahalanobis distance under the profile's population covariance. */
    private static double mahalanobis(Covariance cov, double[] x) {
        int d = cov.dimension();
        RealMatrix s = new Array2DRowRealMatrix(d, d);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                s.setEntry(i, j, cov.comoment(i, j) / cov.count());
            }
        }
        RealVector diff = new ArrayRealVector(x).subtract(new ArrayRealVector(cov.mean()));
        return diff.dotProduct(new LUDecomposition(s).getSolver().solve(diff));
    }

    @Test
    void shouldFlagRowsFarFromTheReferenceAndNotTheReferenceMean() throws Exception {
        WardenConfig config = config();
        ReferenceProfile profile =
                ProfileIo.read(Path.of(config.models().get(0).profile())).profile();
        Covariance cov = profile.multivariate().orElseThrow().covariance();
        Path folder = dir.resolve("builtin");

        OnnxDetectors detectors = OnnxDetectors.from(config, folder);

        // Built like a bring-your-own model: a file pinned to the export's digest, the export's
        // tensors, and the profile's numeric features in the profile's order.
        OnnxDetector d = detectors.all().get(0);
        String sha256 = BuiltInDetectors.mahalanobis(profile).sha256();
        assertThat(d.sha256()).isEqualTo(sha256);
        assertThat(Path.of(d.modelPath()))
                .isEqualTo(
                        folder.toAbsolutePath()
                                .resolve("warden-mahalanobis-v1-" + sha256 + ".onnx"));
        assertThat(ModelFile.sha256Of(Path.of(d.modelPath()))).isEqualTo(sha256);
        assertThat(d.input()).isEqualTo(BuiltInDetectors.INPUT);
        assertThat(d.output()).isEqualTo(BuiltInDetectors.OUTPUT);
        assertThat(d.featureNames()).isEqualTo(profile.schema().numericFeatures());
        assertThat(d.featureIndices()).containsExactly(7, 6, 5, 4, 3, 2, 1, 0);
        // Building again keeps the file.
        OnnxDetector again = OnnxDetectors.from(config, folder).all().get(0);
        assertThat(again.modelPath()).isEqualTo(d.modelPath());
        assertThat(again.sha256()).isEqualTo(sha256);
        try (var files = Files.list(folder)) {
            assertThat(files).hasSize(1);
        }

        double[] mean = cov.mean();
        double[] far = mean.clone();
        double[] oneOff = mean.clone();
        for (int i = 0; i < far.length; i++) {
            far[i] += 5 * Math.sqrt(cov.variance(i)) * (i % 2 == 0 ? 1 : -1);
        }
        oneOff[0] += 100 * Math.sqrt(cov.variance(0));
        Random random = new Random(11);
        double[] near = mean.clone();
        for (int i = 0; i < near.length; i++) {
            near[i] += 0.5 * Math.sqrt(cov.variance(i)) * random.nextGaussian();
        }
        List<double[]> rows = List.of(mean, far, near, oneOff);

        // A task manager on another machine has no export: the operator writes the one shipped
        // with the job before it opens it.
        Files.delete(Path.of(d.modelPath()));
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        new OnnxScoringOperator(InstantiationUtil.clone(detectors)));
        h.open();
        assertThat(ModelFile.sha256Of(Path.of(d.modelPath()))).isEqualTo(sha256);
        for (int i = 0; i < rows.size(); i++) {
            h.processElement(new StreamRecord<>(row("r" + i, reversed(rows.get(i))), 1000));
        }
        List<OnnxScore> scores = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                scores.add((OnnxScore) r.getValue());
            }
        }
        assertThat(scores).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            double expected = mahalanobis(cov, rows.get(i));
            assertThat(scores.get(i).score)
                    .as("row %d", i)
                    .isCloseTo(expected, within(1e-3 * Math.max(1.0, expected)));
        }
        assertThat(scores.get(0).score).isCloseTo(0.0, within(1e-3));
        assertThat(scores).extracting(s -> s.flagged).containsExactly(false, true, false, true);
        List<Alert> alerts =
                h.getSideOutput(OnnxScoringOperator.ALERTS).stream()
                        .map(StreamRecord::getValue)
                        .toList();
        assertThat(alerts).extracting(a -> a.getSubject().getId()).containsExactly("r1", "r3");
        assertThat(alerts.get(0).getEvidence().getDetails())
                .containsEntry("detector_model_sha256", sha256);
        h.close();
    }
}
