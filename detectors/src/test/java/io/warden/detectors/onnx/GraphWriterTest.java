package io.warden.detectors.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code [batch, k]} output written by {@link GraphWriter} (a Gemm and a Softmax, as the
 * simulator's served models use them), scored by a real ONNX Runtime session against the softmax
 * computed in Java.
 */
class GraphWriterTest {

    private static final int D = 4;
    private static final int K = 3;

    @TempDir Path dir;

    /** {@code W[i][j]} of the Gemm {@code x W + b}, stored {@code [d, k]}. */
    private static double weight(int i, int j) {
        return ((5 * i + 3 * j) % 7 - 3) / 4.0;
    }

    private static double bias(int j) {
        return (j - 1) / 2.0;
    }

    private static byte[] softmaxModel() {
        GraphWriter g = new GraphWriter("softmax-test", "features", D);
        double[] w = new double[D * K];
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < K; j++) {
                w[i * K + j] = weight(i, j);
            }
        }
        double[] b = new double[K];
        for (int j = 0; j < K; j++) {
            b[j] = bias(j);
        }
        String logits =
                g.node(
                        "Gemm",
                        "logits",
                        "features",
                        g.initializer("weights", w, D, K),
                        g.initializer("bias", b, K));
        String softmax = g.node("Softmax", "softmax", logits);
        return g.model("probabilities", K, softmax, "a softmax regression", List.of());
    }

    private static double[] softmax(float[] row) {
        double[] z = new double[K];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < K; j++) {
            z[j] = bias(j);
            for (int i = 0; i < D; i++) {
                z[j] += row[i] * (double) (float) weight(i, j);
            }
            max = Math.max(max, z[j]);
        }
        double sum = 0;
        for (int j = 0; j < K; j++) {
            z[j] = Math.exp(z[j] - max);
            sum += z[j];
        }
        for (int j = 0; j < K; j++) {
            z[j] /= sum;
        }
        return z;
    }

    @Test
    void shouldScoreAWideOutputAsItsJavaSoftmax() throws IOException {
        byte[] bytes = softmaxModel();
        Path file = dir.resolve("softmax.onnx");
        Files.write(file, bytes);
        Random random = new Random(7);
        float[][] rows = new float[50][D];
        for (float[] row : rows) {
            for (int i = 0; i < D; i++) {
                row[i] = (float) (3 * random.nextGaussian());
            }
        }
        try (OnnxScorer scorer =
                new OnnxScorer(
                        new ModelFile(file, ModelFile.sha256Of(bytes)),
                        OnnxScorerSettings.of("features", "probabilities", D))) {
            assertThat(scorer.outputWidth()).isEqualTo(K);
            float[][] out = scorer.score(rows);
            for (int r = 0; r < rows.length; r++) {
                double[] expected = softmax(rows[r]);
                for (int j = 0; j < K; j++) {
                    assertThat((double) out[r][j]).isCloseTo(expected[j], within(1e-6));
                }
            }
        }
    }

    @Test
    void shouldWriteTheSameBytesForTheSameCalls() {
        assertThat(softmaxModel()).isEqualTo(softmaxModel());
    }

    @Test
    void shouldRefuseAnOutputWidthBelowOne() {
        GraphWriter g = new GraphWriter("empty", "features", D);
        assertThatThrownBy(() -> g.model("out", 0, "features", "", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("width must be at least 1");
    }
}
