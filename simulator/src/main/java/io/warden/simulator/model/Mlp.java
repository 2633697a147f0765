package io.warden.simulator.model;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import io.warden.detectors.onnx.GraphWriter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A multilayer perceptron with one hidden layer, the simulator's served model: {@code z = (x -
 * center) / scale}, {@code h = relu(z W1 + b1)}, {@code p = softmax(h W2 + b2)}, with {@code W1} of
 * shape {@code [d, hidden]} and {@code W2} of shape {@code [hidden, classes]}.
 *
 * <p>Every parameter is a float (held in a double): the model computed here in double precision and
 * the ONNX export ({@link #toOnnx}) computed by ONNX Runtime in float have the same parameters, so
 * their probabilities differ by float rounding only, and {@link #fromOnnx} gives back exactly this
 * model. The forward pass and the input gradient (hand-written backpropagation, Rumelhart, Hinton
 * &amp; Williams, Nature 1986) use {@link StrictMath} and a fixed order of operations, so they give
 * the same bits on every JVM. Instances are immutable.
 */
public final class Mlp implements DifferentiableClassifier {

    /** The initializer holding the standardization's centers, {@code [d]}. */
    static final String CENTER = "center";

    /** The initializer holding the standardization's scales, {@code [d]}. */
    static final String SCALE = "scale";

    /** The initializer holding {@code W1}, {@code [d, hidden]}. */
    static final String HIDDEN_WEIGHTS = "hidden_weights";

    /** The initializer holding {@code b1}, {@code [hidden]}. */
    static final String HIDDEN_BIAS = "hidden_bias";

    /** The initializer holding {@code W2}, {@code [hidden, classes]}. */
    static final String OUTPUT_WEIGHTS = "output_weights";

    /** The initializer holding {@code b2}, {@code [classes]}. */
    static final String OUTPUT_BIAS = "output_bias";

    private final int d;
    private final int hidden;
    private final int classes;
    private final double[] center;
    private final double[] scale;
    private final double[] w1;
    private final double[] b1;
    private final double[] w2;
    private final double[] b2;

    /**
     * A model of the given parameters, each rounded to float.
     *
     * @param standardization the input transform, of d features
     * @param hiddenWeights {@code W1}, d &times; hidden values, row-major
     * @param hiddenBias {@code b1}, hidden values
     * @param outputWeights {@code W2}, hidden &times; classes values, row-major
     * @param outputBias {@code b2}, classes values
     * @throws IllegalArgumentException when the sizes do not fit together or a value is not finite
     */
    public Mlp(
            Standardization standardization,
            double[] hiddenWeights,
            double[] hiddenBias,
            double[] outputWeights,
            double[] outputBias) {
        this.d = standardization.dimension();
        this.hidden = hiddenBias.length;
        this.classes = outputBias.length;
        if (hidden < 1 || classes < 2) {
            throw new IllegalArgumentException(
                    "an MLP needs at least 1 hidden unit and 2 classes, not "
                            + hidden
                            + " and "
                            + classes);
        }
        requireLength("hidden weights", hiddenWeights, d * hidden);
        requireLength("output weights", outputWeights, hidden * classes);
        this.center = toFloats("center", standardization.center());
        this.scale = toFloats("scale", standardization.scale());
        this.w1 = toFloats("hidden weights", hiddenWeights);
        this.b1 = toFloats("hidden bias", hiddenBias);
        this.w2 = toFloats("output weights", outputWeights);
        this.b2 = toFloats("output bias", outputBias);
    }

    private static void requireLength(String what, double[] values, int expected) {
        if (values.length != expected) {
            throw new IllegalArgumentException(
                    what + " hold " + values.length + " values, expected " + expected);
        }
    }

    private static double[] toFloats(String what, double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            float f = (float) values[i];
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException(
                        what + " value " + i + " is " + values[i] + ", not a finite float");
            }
            out[i] = f;
        }
        return out;
    }

    @Override
    public int featureCount() {
        return d;
    }

    /** Units in the hidden layer. */
    public int hiddenCount() {
        return hidden;
    }

    @Override
    public int classCount() {
        return classes;
    }

    /** The input transform (float values). */
    public Standardization standardization() {
        return new Standardization(center, scale);
    }

    /** The pre-softmax outputs {@code h W2 + b2} of row {@code x}. */
    public double[] logits(double[] x) {
        return logitsOfHidden(hiddenLayer(x, new double[hidden]));
    }

    @Override
    public double[] probabilities(double[] x) {
        return softmax(logits(x));
    }

    /**
     * The cross-entropy {@code logsumexp(o) - o_label} from the logits {@code o}, computed as
     * {@code (o_max - o_label) + log1p(sum over k != max of exp(o_k - o_max))}, which keeps its
     * relative precision when the loss is tiny (a confidently correct prediction).
     */
    @Override
    public double loss(double[] x, int label) {
        requireLabel(label);
        double[] o = logits(x);
        int top = 0;
        for (int k = 1; k < o.length; k++) {
            if (o[k] > o[top]) {
                top = k;
            }
        }
        double rest = 0;
        for (int k = 0; k < o.length; k++) {
            if (k != top) {
                rest += StrictMath.exp(o[k] - o[top]);
            }
        }
        return (o[top] - o[label]) + StrictMath.log1p(rest);
    }

    /**
     * The gradient of the cross-entropy with respect to {@code x}, by backpropagation: {@code dL/do
     * = p - onehot(label)} ({@link #lossGradientOfLogits}), through {@code W2}, the ReLU (whose
     * derivative at 0 is taken as 0), {@code W1} and the standardization.
     */
    @Override
    public double[] inputGradient(double[] x, int label) {
        requireLabel(label);
        double[] preActivation = new double[hidden];
        double[] h = hiddenLayer(x, preActivation);
        double[] gradOut = lossGradientOfLogits(softmax(logitsOfHidden(h)), label);
        double[] gradPre = new double[hidden];
        backward(gradOut, w2, hidden, classes, gradPre);
        for (int j = 0; j < hidden; j++) {
            if (!(preActivation[j] > 0)) {
                gradPre[j] = 0;
            }
        }
        double[] gradX = new double[d];
        backward(gradPre, w1, d, hidden, gradX);
        for (int i = 0; i < d; i++) {
            gradX[i] /= scale[i];
        }
        return gradX;
    }

    /** Fills {@code preActivation} with {@code z W1 + b1} and returns its ReLU. */
    private double[] hiddenLayer(double[] x, double[] preActivation) {
        if (x.length != d) {
            throw new IllegalArgumentException(
                    "a row of " + x.length + " values for a model of " + d + " features");
        }
        double[] z = new double[d];
        for (int i = 0; i < d; i++) {
            z[i] = (x[i] - center[i]) / scale[i];
        }
        affine(z, w1, b1, d, hidden, preActivation);
        double[] h = new double[hidden];
        relu(preActivation, h);
        return h;
    }

    private double[] logitsOfHidden(double[] h) {
        double[] o = new double[classes];
        affine(h, w2, b2, hidden, classes, o);
        return o;
    }

    // ---- the layers' arithmetic, shared with MlpTrainer -----------------------------------------

    /** {@code out = in W + b}, {@code W} of shape {@code [nIn, nOut]} row-major. */
    static void affine(double[] in, double[] w, double[] b, int nIn, int nOut, double[] out) {
        for (int j = 0; j < nOut; j++) {
            out[j] = b[j];
        }
        for (int i = 0; i < nIn; i++) {
            double v = in[i];
            if (v != 0) {
                int row = i * nOut;
                for (int j = 0; j < nOut; j++) {
                    out[j] += v * w[row + j];
                }
            }
        }
    }

    /** {@code gradIn = gradOut W^T}: the gradient of {@link #affine}'s input. */
    static void backward(double[] gradOut, double[] w, int nIn, int nOut, double[] gradIn) {
        for (int i = 0; i < nIn; i++) {
            int row = i * nOut;
            double sum = 0;
            for (int j = 0; j < nOut; j++) {
                sum += w[row + j] * gradOut[j];
            }
            gradIn[i] = sum;
        }
    }

    /** {@code out = max(in, 0)}. */
    static void relu(double[] in, double[] out) {
        for (int j = 0; j < in.length; j++) {
            out[j] = in[j] > 0 ? in[j] : 0;
        }
    }

    /**
     * The gradient of the cross-entropy with respect to the logits, {@code p - onehot(label)}, with
     * the label's component computed as minus the sum of the others, so it keeps its precision when
     * {@code p_label} is close to 1.
     */
    static double[] lossGradientOfLogits(double[] p, int label) {
        double[] g = new double[p.length];
        double others = 0;
        for (int k = 0; k < p.length; k++) {
            if (k != label) {
                g[k] = p[k];
                others += p[k];
            }
        }
        g[label] = -others;
        return g;
    }

    /** A numerically stable softmax. */
    static double[] softmax(double[] o) {
        double max = max(o);
        double[] p = new double[o.length];
        double sum = 0;
        for (int k = 0; k < o.length; k++) {
            p[k] = StrictMath.exp(o[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < o.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    private static double max(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    private void requireLabel(int label) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException(
                    "label " + label + " is not one of the " + classes + " classes");
        }
    }

    /**
     * The model as ONNX (opset {@value GraphWriter#OPSET}): float input {@code input} {@code
     * [batch, d]}, Sub ({@value #CENTER}), Div ({@value #SCALE}), Gemm ({@value #HIDDEN_WEIGHTS},
     * {@value #HIDDEN_BIAS}), Relu, Gemm ({@value #OUTPUT_WEIGHTS}, {@value #OUTPUT_BIAS}), Softmax
     * over the classes, float output {@code output} {@code [batch, classes]}. The same model and
     * arguments give the same bytes.
     *
     * @param name the graph's name
     * @param input the input's name
     * @param output the output's name
     * @param doc the model's and the graph's doc string
     * @param metadata key-value metadata, in this order
     */
    public byte[] toOnnx(
            String name, String input, String output, String doc, List<String[]> metadata) {
        GraphWriter g = new GraphWriter(name, input, d);
        String centered = g.node("Sub", "centered", input, g.initializer(CENTER, center, d));
        String standardized =
                g.node("Div", "standardized", centered, g.initializer(SCALE, scale, d));
        String preActivation =
                g.node(
                        "Gemm",
                        "hidden_pre_activation",
                        standardized,
                        g.initializer(HIDDEN_WEIGHTS, w1, d, hidden),
                        g.initializer(HIDDEN_BIAS, b1, hidden));
        String activation = g.node("Relu", "hidden", preActivation);
        String logits =
                g.node(
                        "Gemm",
                        "logits",
                        activation,
                        g.initializer(OUTPUT_WEIGHTS, w2, hidden, classes),
                        g.initializer(OUTPUT_BIAS, b2, classes));
        String softmax = g.node("Softmax", "softmax", logits);
        return g.model(output, classes, softmax, doc, metadata);
    }

    /**
     * Reads a model written by {@link #toOnnx} back from its initializers: exactly the parameters
     * that were exported.
     *
     * @throws IllegalArgumentException when the bytes are not an ONNX model or lack an initializer
     *     of the expected shape
     */
    public static Mlp fromOnnx(byte[] onnx) {
        OnnxMl.GraphProto graph;
        try {
            graph = OnnxMl.ModelProto.parseFrom(onnx).getGraph();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
        Map<String, OnnxMl.TensorProto> tensors = new HashMap<>();
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            tensors.put(t.getName(), t);
        }
        double[] center = values(tensors, CENTER, 1);
        double[] scale = values(tensors, SCALE, 1);
        return new Mlp(
                new Standardization(center, scale),
                values(tensors, HIDDEN_WEIGHTS, 2),
                values(tensors, HIDDEN_BIAS, 1),
                values(tensors, OUTPUT_WEIGHTS, 2),
                values(tensors, OUTPUT_BIAS, 1));
    }

    private static double[] values(Map<String, OnnxMl.TensorProto> tensors, String name, int rank) {
        OnnxMl.TensorProto t = tensors.get(name);
        if (t == null
                || t.getDimsCount() != rank
                || t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
            throw new IllegalArgumentException(
                    "the ONNX model has no float initializer '" + name + "' of rank " + rank);
        }
        double[] out = new double[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mlp other
                && Arrays.equals(center, other.center)
                && Arrays.equals(scale, other.scale)
                && Arrays.equals(w1, other.w1)
                && Arrays.equals(b1, other.b1)
                && Arrays.equals(w2, other.w2)
                && Arrays.equals(b2, other.b2);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(w1) * 31 + Arrays.hashCode(w2);
    }

    @Override
    public String toString() {
        return "Mlp[" + d + " -> " + hidden + " relu -> " + classes + " softmax]";
    }
}
