package io.warden.detectors.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An ONNX model warden wrote itself (see {@link BuiltInDetectors}): its bytes, its name and a
 * content-derived id. It takes rows of {@link #featureCount()} floats in the input {@value
 * BuiltInDetectors#INPUT} and gives one float per row in the output {@value
 * BuiltInDetectors#OUTPUT}, so {@link #settings()} binds it in an {@link OnnxScorer}.
 *
 * <p>The {@link #name()} names the graph and its version (e.g. {@value
 * BuiltInDetectors#PCA_RECONSTRUCTION}); the {@link #id()} adds the first 12 hex digits of the
 * bytes' SHA-256, so the same reference data gives the same id and other data another. Instances
 * are immutable.
 */
public final class ExportedModel {

    private final String name;
    private final int featureCount;
    private final byte[] bytes;
    private final String sha256;

    ExportedModel(String name, int featureCount, byte[] bytes) {
        this.name = Objects.requireNonNull(name, "name");
        this.featureCount = featureCount;
        this.bytes = bytes.clone();
        this.sha256 = ModelFile.sha256Of(this.bytes);
    }

    /** The graph's name and version, e.g. {@value BuiltInDetectors#MAHALANOBIS}. */
    public String name() {
        return name;
    }

    /** {@link #name()}, a dash and the first 12 hex digits of {@link #sha256()}. */
    public String id() {
        return name + "-" + sha256.substring(0, 12);
    }

    /** Values per input row, d. */
    public int featureCount() {
        return featureCount;
    }

    /** A copy of the model's bytes (an ONNX {@code ModelProto}). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The SHA-256 of the bytes, 64 lowercase hex digits: the pin for the configuration. */
    public String sha256() {
        return sha256;
    }

    /** Scorer settings that bind this model's input and output, with default threads on CPU. */
    public OnnxScorerSettings settings() {
        return OnnxScorerSettings.of(BuiltInDetectors.INPUT, BuiltInDetectors.OUTPUT, featureCount);
    }

    /**
     * Writes the bytes to a file (through a temporary file in the same folder and an atomic move,
     * so a reader never sees half a model) and returns the file pinned to their SHA-256.
     *
     * @throws IOException when the file cannot be written
     */
    public ModelFile writeTo(Path file) throws IOException {
        return ModelFile.write(file, bytes);
    }

    /**
     * A text outline of the model: its inputs and outputs, initializers with their shapes, the
     * nodes in order, and the metadata, to inspect an export without other tools.
     */
    public String describe() {
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("an exported model does not parse", e);
        }
        OnnxMl.GraphProto graph = model.getGraph();
        StringBuilder out = new StringBuilder();
        out.append(id()).append(" (sha256 ").append(sha256).append(")\n");
        out.append("opset ")
                .append(model.getOpsetImport(0).getVersion())
                .append(", IR ")
                .append(model.getIrVersion())
                .append('\n');
        for (OnnxMl.ValueInfoProto in : graph.getInputList()) {
            out.append("input  ").append(in.getName()).append(shape(in)).append('\n');
        }
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            out.append("const  ").append(t.getName()).append(t.getDimsList()).append('\n');
        }
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            out.append("node   ")
                    .append(node.getOutput(0))
                    .append(" = ")
                    .append(node.getOpType())
                    .append('(')
                    .append(String.join(", ", node.getInputList()))
                    .append(')');
            for (OnnxMl.AttributeProto a : node.getAttributeList()) {
                out.append(' ')
                        .append(a.getName())
                        .append('=')
                        .append(
                                a.getType() == OnnxMl.AttributeProto.AttributeType.INTS
                                        ? a.getIntsList().toString()
                                        : Long.toString(a.getI()));
            }
            out.append('\n');
        }
        for (OnnxMl.ValueInfoProto o : graph.getOutputList()) {
            out.append("output ").append(o.getName()).append(shape(o)).append('\n');
        }
        for (OnnxMl.StringStringEntryProto kv : model.getMetadataPropsList()) {
            out.append("meta   ").append(kv.getKey()).append(" = ").append(kv.getValue());
            out.append('\n');
        }
        return out.toString();
    }

    private static String shape(OnnxMl.ValueInfoProto value) {
        return value.getType().getTensorType().getShape().getDimList().stream()
                .map(d -> d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue()))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExportedModel other
                && name.equals(other.name)
                && featureCount == other.featureCount
                && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return sha256.hashCode();
    }

    @Override
    public String toString() {
        return "ExportedModel[" + id() + ", d=" + featureCount + ", " + bytes.length + " bytes]";
    }
}
