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
 * A linear score {@code w·x + b} as an ONNX model, built at test time with Tribuo's ONNX helpers
 * (test scope only), and its closed form in Java. Input {@code features} is {@code [batch, width]},
 * output {@code score} is {@code [batch, 1]}.
 *
 * @param weights w, one per feature
 * @param bias b
 */
public record LinearScoreModel(double[] weights, double bias) {

    public static final String INPUT = "features";
    public static final String OUTPUT = "score";

    /** The closed form, in double precision. */
    public double score(double[] row) {
        double s = bias;
        for (int i = 0; i < weights.length; i++) {
            s += weights[i] * row[i];
        }
        return s;
    }

    /** The model's ONNX bytes. */
    public byte[] bytes() {
        int width = weights.length;
        ONNXContext ctx = new ONNXContext();
        ctx.setName("warden-test-linear-score");
        ONNXPlaceholder features = ctx.floatInput(INPUT, width);
        ONNXPlaceholder score = ctx.floatOutput(OUTPUT, 1);
        ONNXInitializer w =
                ctx.floatTensor(
                        "weights",
                        List.of(1, width),
                        buf -> {
                            for (double v : weights) {
                                buf.put((float) v);
                            }
                        });
        ONNXInitializer b = ctx.array("bias", new float[] {(float) bias});
        features.apply(
                        ONNXOperators.GEMM,
                        List.<ONNXRef<?>>of(w, b),
                        List.of("gemm"),
                        Map.of("transB", 1))
                .get(0)
                .assignTo(score);
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setProducerName("warden tests (io.warden.jobs.onnx.LinearScoreModel)")
                .setDocString("A linear score w.x + b, for testing ONNX detectors.")
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
