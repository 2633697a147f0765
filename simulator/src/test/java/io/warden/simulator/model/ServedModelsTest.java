package io.warden.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.onnx.OnnxScorer;
import io.warden.simulator.data.Dataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed served models: retraining gives their bytes exactly (so no model file of unknown
 * origin), they reach the stated test accuracy, and ONNX Runtime's probabilities are the Java
 * model's to float tolerance.
 */
class ServedModelsTest {

    /** Lowest test accuracy accepted for either served model. */
    private static final double MINIMUM_TEST_ACCURACY = 0.93;

    /**
     * |ONNX Runtime - Java| for a probability. ONNX Runtime computes in float from the same float
     * parameters and inputs; about 1e-7 was seen, so the bound leaves a margin of about 100.
     */
    private static final double TOLERANCE = 1e-5;

    @TempDir Path dir;

    static Stream<ServedModel> servedModels() {
        return ServedModels.all().stream();
    }

    @ParameterizedTest
    @MethodSource("servedModels")
    void shouldRegenerateTheCommittedFileByteForByte(ServedModel served) {
        long start = System.nanoTime();
        TrainServedModels.Export export = TrainServedModels.export(served);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%s: train accuracy %.4f, test accuracy %.4f, trained and exported in %.2f s%n",
                served.name(),
                export.trainAccuracy(),
                export.testAccuracy(),
                seconds);
        assertThat(export.sha256()).isEqualTo(served.sha256());
        assertThat(ModelFile.sha256Of(served.bytes())).isEqualTo(served.sha256());
        assertThat(export.network()).isEqualTo(served.network());
        assertThat(export.testAccuracy()).isGreaterThanOrEqualTo(MINIMUM_TEST_ACCURACY);
    }

    @ParameterizedTest
    @MethodSource("servedModels")
    void shouldScoreInOnnxRuntimeAsTheJavaModelDoes(ServedModel served) throws IOException {
        Mlp network = served.network();
        Dataset test = served.split().test();
        float[][] rows = test.featuresAsFloats();
        float[][] onnx = scoreInOnnxRuntime(served, rows);
        int correct = 0;
        double worst = 0;
        for (int r = 0; r < rows.length; r++) {
            double[] expected = network.probabilities(test.row(r));
            assertThat(onnx[r]).hasSize(served.classCount());
            for (int k = 0; k < expected.length; k++) {
                worst = Math.max(worst, Math.abs(onnx[r][k] - expected[k]));
            }
            if (argmax(onnx[r]) == test.label(r)) {
                correct++;
            }
        }
        assertThat(worst).isLessThan(TOLERANCE);
        assertThat((double) correct / rows.length)
                .isEqualTo(TrainServedModels.accuracy(network, test));
    }

    private float[][] scoreInOnnxRuntime(ServedModel served, float[][] rows) throws IOException {
        ModelFile file = served.writeTo(dir.resolve(served.fileName()));
        try (OnnxScorer scorer = new OnnxScorer(file, served.scorerSettings())) {
            return scorer.score(rows);
        }
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    @ParameterizedTest
    @MethodSource("servedModels")
    void shouldDeclareItsInterfaceInTheOnnxFile(ServedModel served) throws IOException {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(served.bytes());
        OnnxMl.GraphProto graph = model.getGraph();
        assertThat(graph.getInput(0).getName()).isEqualTo(ServedModel.INPUT);
        assertThat(graph.getOutput(0).getName()).isEqualTo(ServedModel.OUTPUT);
        assertThat(graph.getNodeList())
                .extracting(OnnxMl.NodeProto::getOpType)
                .containsExactly("Sub", "Div", "Gemm", "Relu", "Gemm", "Softmax", "Identity");
        Map<String, String> metadata = new HashMap<>();
        model.getMetadataPropsList().forEach(kv -> metadata.put(kv.getKey(), kv.getValue()));
        assertThat(metadata.get("warden.features").split(","))
                .containsExactlyElementsOf(served.featureNames());
        assertThat(metadata.get("warden.classes").split(","))
                .containsExactlyElementsOf(served.classNames());
        assertThat(metadata.get("warden.training")).isEqualTo(served.trainingSettings().describe());
        assertThat(served.featureNames()).hasSize(served.featureCount());
        assertThat(served.scorerSettings().featureCount()).isEqualTo(served.featureCount());
    }

    @ParameterizedTest
    @MethodSource("servedModels")
    void shouldHoldEveryRowInItsFeatureBox(ServedModel served) {
        Dataset data = served.dataset();
        for (int r = 0; r < data.size(); r++) {
            assertThat(served.featureBox().contains(data.row(r))).isTrue();
        }
    }
}
