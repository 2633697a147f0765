package io.warden.detectors.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Builds the ONNX test models with Tribuo's ONNX helpers (test scope only) and computes their
 * outputs in plain Java, as the closed form the ONNX Runtime results are checked against.
 *
 * <p>The logistic regression has {@value #FEATURES} features and {@value #CLASSES} classes, fixed
 * weights {@code W[j][i] = ((7i + 3j) mod 11 - 5) / 10} and biases {@code b[j] = (j - 1) / 4}.
 * Input {@code features} is {@code [batch, 8]}; outputs are {@code logits = x W^T + b} ({@code
 * [batch, 3]}, a Gemm), {@code probabilities = sigmoid(logits)} ({@code [batch, 3]}) and {@code
 * margin}, the sum of the logits ({@code [batch]}, a ReduceSum without kept dimensions).
 *
 * <p>{@value #FIXTURE} in the test resources is this model's bytes; {@code LinearModelsTest} checks
 * that they still are. To rewrite it after changing this class: {@code ./mvnw -B -q -pl detectors
 * test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt && java -cp
 * "detectors/target/test-classes:detectors/target/classes:$(cat detectors/target/cp.txt)"
 * io.warden.detectors.onnx.LinearModels detectors/src/test/resources/io/warden/detectors/onnx}.
 */
final class LinearModels {

    static final int FEATURES = 8;
    static final int CLASSES = 3;
    static final String FIXTURE = "logistic-8x3.onnx";

    /** SHA-256 of {@value #FIXTURE}, from {@code sha256sum} (not from the code under test). */
    static final String FIXTURE_SHA256 =
            "989cd4996795532f8b9cae037842b999d10b614be08463905ec128ed6ef0167e";

    private LinearModels() {}

    static float weight(int cls, int feature) {
        return ((7 * feature + 3 * cls) % 11 - 5) / 10f;
    }

    static float bias(int cls) {
        return (cls - 1) / 4f;
    }

    /** The logits of one row, in double precision. */
    static double[] logits(float[] row) {
        double[] z = new double[CLASSES];
        for (int j = 0; j < CLASSES; j++) {
            double sum = bias(j);
            for (int i = 0; i < FEATURES; i++) {
                sum += (double) row[i] * weight(j, i);
            }
            z[j] = sum;
        }
        return z;
    }

    /** The class probabilities of one row, in double precision. */
    static double[] probabilities(float[] row) {
        double[] z = logits(row);
        for (int j = 0; j < CLASSES; j++) {
            z[j] = 1.0 / (1.0 + Math.exp(-z[j]));
        }
        return z;
    }

    /** The sum of the logits of one row, in double precision. */
    static double margin(float[] row) {
        double sum = 0;
        for (double z : logits(row)) {
            sum += z;
        }
        return sum;
    }

    /** The logistic regression as ONNX bytes; the same bytes on every call. */
    static byte[] logisticRegression() {
        ONNXContext ctx = new ONNXContext();
        ctx.setName("warden-test-logistic-regression");
        ONNXPlaceholder features = ctx.floatInput("features", FEATURES);
        ONNXPlaceholder logitsOut = ctx.floatOutput("logits", CLASSES);
        ONNXPlaceholder probabilitiesOut = ctx.floatOutput("probabilities", CLASSES);
        ONNXInitializer w =
                ctx.floatTensor(
                        "weights",
                        List.of(CLASSES, FEATURES),
                        buf -> {
                            for (int j = 0; j < CLASSES; j++) {
                                for (int i = 0; i < FEATURES; i++) {
                                    buf.put(weight(j, i));
                                }
                            }
                        });
        float[] biases = new float[CLASSES];
        for (int j = 0; j < CLASSES; j++) {
            biases[j] = bias(j);
        }
        ONNXInitializer b = ctx.array("bias", biases);
        ONNXNode gemm =
                features.apply(
                                ONNXOperators.GEMM,
                                List.<ONNXRef<?>>of(w, b),
                                List.of("gemm"),
                                Map.of("transB", 1))
                        .get(0);
        gemm.assignTo(logitsOut);
        gemm.apply(ONNXOperators.SIGMOID).assignTo(probabilitiesOut);
        ONNXInitializer axes = ctx.array("class_axis", new long[] {1});
        ONNXNode sum =
                gemm.apply(
                                ONNXOperators.REDUCE_SUM,
                                List.<ONNXRef<?>>of(axes),
                                List.of("margin"),
                                Map.of("keepdims", 0))
                        .get(0);

        // Tribuo declares outputs as [batch, n] and makes node names unique with a suffix; the
        // margin is [batch] and named by an Identity node of its own.
        OnnxMl.NodeProto marginNode =
                OnnxMl.NodeProto.newBuilder()
                        .setName("margin_output")
                        .setOpType("Identity")
                        .addInput(sum.getReference())
                        .addOutput("margin")
                        .build();
        OnnxMl.ValueInfoProto margin =
                OnnxMl.ValueInfoProto.newBuilder()
                        .setName("margin")
                        .setType(
                                OnnxMl.TypeProto.newBuilder()
                                        .setTensorType(
                                                OnnxMl.TypeProto.Tensor.newBuilder()
                                                        .setElemType(
                                                                OnnxMl.TensorProto.DataType.FLOAT
                                                                        .getNumber())
                                                        .setShape(
                                                                OnnxMl.TensorShapeProto.newBuilder()
                                                                        .addDim(
                                                                                OnnxMl
                                                                                        .TensorShapeProto
                                                                                        .Dimension
                                                                                        .newBuilder()
                                                                                        .setDimParam(
                                                                                                "batch")))))
                        .build();
        OnnxMl.GraphProto graph =
                ctx.buildGraph().toBuilder().addNode(marginNode).addOutput(margin).build();
        return model(
                graph,
                "Logistic regression with fixed weights, for testing ONNX scoring against"
                        + " its closed form.");
    }

    /**
     * The logistic regression with its input's batch dimension fixed to {@code rows}, as models
     * exported without a dynamic batch axis have it.
     */
    static byte[] logisticRegressionWithFixedBatch(int rows) {
        try {
            OnnxMl.ModelProto.Builder model =
                    OnnxMl.ModelProto.parseFrom(logisticRegression()).toBuilder();
            model.getGraphBuilder()
                    .getInputBuilder(0)
                    .getTypeBuilder()
                    .getTensorTypeBuilder()
                    .getShapeBuilder()
                    .getDimBuilder(0)
                    .setDimValue(rows);
            return model.build().toByteArray();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A model of two inputs, {@code features} and {@code offsets}, and their sum as output. */
    static byte[] twoInputs() {
        ONNXContext ctx = new ONNXContext();
        ctx.setName("warden-test-two-inputs");
        ONNXPlaceholder features = ctx.floatInput("features", FEATURES);
        ONNXPlaceholder offsets = ctx.floatInput("offsets", FEATURES);
        features.apply(ONNXOperators.ADD, offsets).assignTo(ctx.floatOutput("sum", FEATURES));
        return model(ctx.buildGraph(), "Two inputs, which warden cannot feed.");
    }

    private static byte[] model(OnnxMl.GraphProto graph, String doc) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setProducerName("warden tests (io.warden.detectors.onnx.LinearModels)")
                .setDocString(doc)
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    /** Writes {@value #FIXTURE} into the folder given as the only argument. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]).resolve(FIXTURE);
        Files.write(file, logisticRegression());
        System.out.println("wrote " + file);
    }
}
