package io.warden.jobs.onnx;

import ai.onnx.proto.OnnxMl;
import io.warden.detectors.onnx.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * A served classifier for tests: {@code softmax(W x + b)} as an ONNX model built at test time with
 * Tribuo's ONNX helpers (test scope), and the same in Java. Input {@code features} is {@code
 * [batch, width]}, output {@code probabilities} is {@code [batch, classes]}.
 *
 * @param weights W, one row per class
 * @param bias b, one per class
 */
public record SoftmaxLinearModel(double[][] weights, double[] bias) {

    public static final String INPUT = "features";
    public static final String OUTPUT = "probabilities";

    public int classes() {
        return weights.length;
    }

    public int width() {
        return weights[0].length;
    }

    /** The probabilities in Java, double precision. */
    public double[] probabilities(double[] x) {
        double[] z = new double[classes()];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < z.length; c++) {
            z[c] = bias[c];
            for (int j = 0; j < x.length; j++) {
                z[c] += weights[c][j] * x[j];
            }
            max = Math.max(max, z[c]);
        }
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            z[c] = Math.exp(z[c] - max);
            sum += z[c];
        }
        for (int c = 0; c < z.length; c++) {
            z[c] /= sum;
        }
        return z;
    }

    /** The model's ONNX bytes. */
    public byte[] bytes() {
        ONNXContext ctx = new ONNXContext();
        ctx.setName("warden-test-softmax-linear");
        ONNXPlaceholder features = ctx.floatInput(INPUT, width());
        ONNXPlaceholder probabilities = ctx.floatOutput(OUTPUT, classes());
        ONNXInitializer w =
                ctx.floatTensor(
                        "weights",
                        List.of(classes(), width()),
                        buf -> {
                            for (double[] row : weights) {
                                for (double v : row) {
                                    buf.put((float) v);
                                }
                            }
                        });
        float[] b = new float[classes()];
        for (int c = 0; c < b.length; c++) {
            b[c] = (float) bias[c];
        }
        ONNXInitializer bias = ctx.array("bias", b);
        features.apply(
                        ONNXOperators.GEMM,
                        List.<ONNXRef<?>>of(w, bias),
                        List.of("logits"),
                        Map.of("transB", 1))
                .get(0)
                .apply(ONNXOperators.SOFTMAX, Map.of("axis", 1))
                .assignTo(probabilities);
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setProducerName("warden tests (io.warden.jobs.onnx.SoftmaxLinearModel)")
                .setDocString("softmax(W x + b), a served classifier for testing.")
                .setGraph(ctx.buildGraph())
                .build()
                .toByteArray();
    }

    /** Writes the model to a file and pins it. */
    public ModelFile write(Path file) throws IOException {
        Files.write(file, bytes());
        return new ModelFile(file, ModelFile.sha256Of(file));
    }
}
