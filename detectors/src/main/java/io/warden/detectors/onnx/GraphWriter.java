package io.warden.detectors.onnx;

import ai.onnx.proto.OnnxMl;
import java.util.List;

/**
 * A small writer of ONNX graphs on ONNX's protobuf classes (shipped in Tribuo's {@code
 * tribuo-util-onnx}): one float input {@code [batch, d]}, float initializers, nodes of the default
 * domain, and one float output, {@code [batch]} ({@link #model(String, String, String, List)}) or
 * {@code [batch, k]} ({@link #model(String, int, String, String, List)}). Names are exactly the
 * ones given (Tribuo's {@code ONNXContext} would add suffixes and declare outputs {@code [batch,
 * n]}), and the same calls give the same bytes: no clocks, no random names, no maps in the model.
 *
 * <p>Used by {@link BuiltInDetectors} and by warden's simulator, which writes its served models
 * (standardisation, Gemm, Relu, Softmax) with it.
 */
public final class GraphWriter {

    /** The operator set the graphs are written for; every op used exists in it. */
    public static final int OPSET = 13;

    /** The ONNX IR version that goes with {@link #OPSET} (ONNX 1.8). */
    public static final int IR_VERSION = 7;

    /** The name of the batch dimension of the input and output. */
    public static final String BATCH = "batch";

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();

    /** A graph of the given name with one float input {@code [batch, width]}. */
    public GraphWriter(String name, String input, int width) {
        graph.setName(name);
        graph.addInput(
                valueInfo(
                        input,
                        OnnxMl.TensorShapeProto.newBuilder()
                                .addDim(dimension(BATCH))
                                .addDim(
                                        OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                                .setDimValue(width))));
    }

    /** A float initializer of the given shape, values row-major, rounded to float. */
    public String initializer(String name, double[] values, long... dims) {
        long size = 1;
        for (long dim : dims) {
            size *= dim;
        }
        if (size != values.length) {
            throw new IllegalStateException(
                    name + " has " + values.length + " values for " + size + " elements");
        }
        OnnxMl.TensorProto.Builder tensor =
                OnnxMl.TensorProto.newBuilder()
                        .setName(name)
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        for (double v : values) {
            tensor.addFloatData((float) v);
        }
        graph.addInitializer(tensor);
        return name;
    }

    /** A node of the default domain whose single output is named after the node. */
    public String node(String op, String output, String... inputs) {
        OnnxMl.NodeProto.Builder node =
                OnnxMl.NodeProto.newBuilder().setName(output).setOpType(op).addOutput(output);
        for (String in : inputs) {
            node.addInput(in);
        }
        graph.addNode(node);
        return output;
    }

    /** ReduceSumSquare over axis 1, dropping it: {@code [batch, n] -> [batch]}. */
    public String sumOfSquaresPerRow(String output, String input) {
        graph.addNode(
                OnnxMl.NodeProto.newBuilder()
                        .setName(output)
                        .setOpType("ReduceSumSquare")
                        .addInput(input)
                        .addOutput(output)
                        .addAttribute(
                                OnnxMl.AttributeProto.newBuilder()
                                        .setName("axes")
                                        .setType(OnnxMl.AttributeProto.AttributeType.INTS)
                                        .addInts(1))
                        .addAttribute(
                                OnnxMl.AttributeProto.newBuilder()
                                        .setName("keepdims")
                                        .setType(OnnxMl.AttributeProto.AttributeType.INT)
                                        .setI(0)));
        return output;
    }

    /**
     * The model: the graph with a {@code [batch]} float output named {@code output}, fed by an
     * Identity from {@code from}, and the metadata in the given order.
     */
    public byte[] model(String output, String from, String doc, List<String[]> metadata) {
        return model(
                output,
                OnnxMl.TensorShapeProto.newBuilder().addDim(dimension(BATCH)),
                from,
                doc,
                metadata);
    }

    /**
     * The model: the graph with a {@code [batch, width]} float output named {@code output}, fed by
     * an Identity from {@code from}, and the metadata in the given order.
     */
    public byte[] model(
            String output, int width, String from, String doc, List<String[]> metadata) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be at least 1, but is " + width);
        }
        return model(
                output,
                OnnxMl.TensorShapeProto.newBuilder()
                        .addDim(dimension(BATCH))
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width)),
                from,
                doc,
                metadata);
    }

    private byte[] model(
            String output,
            OnnxMl.TensorShapeProto.Builder shape,
            String from,
            String doc,
            List<String[]> metadata) {
        node("Identity", output, from);
        graph.addOutput(valueInfo(output, shape));
        graph.setDocString(doc);
        OnnxMl.ModelProto.Builder model =
                OnnxMl.ModelProto.newBuilder()
                        .setIrVersion(IR_VERSION)
                        .addOpsetImport(
                                OnnxMl.OperatorSetIdProto.newBuilder()
                                        .setDomain("")
                                        .setVersion(OPSET))
                        .setProducerName("warden")
                        .setProducerVersion("1")
                        .setDomain("io.warden")
                        .setModelVersion(1)
                        .setDocString(doc)
                        .setGraph(graph);
        for (String[] kv : metadata) {
            model.addMetadataProps(
                    OnnxMl.StringStringEntryProto.newBuilder().setKey(kv[0]).setValue(kv[1]));
        }
        return model.build().toByteArray();
    }

    private static OnnxMl.TensorShapeProto.Dimension.Builder dimension(String param) {
        return OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(param);
    }

    private static OnnxMl.ValueInfoProto valueInfo(
            String name, OnnxMl.TensorShapeProto.Builder shape) {
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(
                        OnnxMl.TypeProto.newBuilder()
                                .setTensorType(
                                        OnnxMl.TypeProto.Tensor.newBuilder()
                                                .setElemType(
                                                        OnnxMl.TensorProto.DataType.FLOAT
                                                                .getNumber())
                                                .setShape(shape)))
                .build();
    }
}
