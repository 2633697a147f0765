package io.warden.detectors.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores batches of float rows with one ONNX model in ONNX Runtime.
 *
 * <p>All scorers of a JVM share ONNX Runtime's one environment; each has its own session, built
 * from the bytes of a {@link ModelFile} whose SHA-256 has just been checked. The constructor binds
 * the input and output named in the {@link OnnxScorerSettings} and fails, naming the model file and
 * listing the model's actual inputs and outputs with their types and shapes, when a name is
 * missing, a type is not float, or the row width does not fit. The input must be the model's only
 * input, of shape {@code [batch, featureCount]}; the output {@code [batch]} (read as one value per
 * row) or {@code [batch, k]} with a fixed {@code k}.
 *
 * <p>Rows go into a direct buffer that ONNX Runtime reads in place, and the output is written into
 * a preallocated ("pinned") direct buffer; both grow to the largest batch seen and their tensors
 * are kept for as long as the batch size stays the same, so a steady stream of equal batches
 * allocates only the returned arrays.
 *
 * <p>A scorer is a resource: {@link #close()} releases its session (the shared environment lives as
 * long as the JVM). Scoring is serialized on the scorer (its buffers are reused), so one scorer
 * serves one thread, e.g. one Flink subtask; a {@code close} from another thread waits for a
 * running batch instead of freeing memory under it.
 *
 * <pre>{@code
 * ModelFile model = new ModelFile(Path.of("detector.onnx"), "9f86d0...");
 * try (OnnxScorer scorer =
 *         new OnnxScorer(model, OnnxScorerSettings.of("features", "score", 64))) {
 *     float[][] scores = scorer.score(rows);
 * }
 * }</pre>
 */
public final class OnnxScorer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxScorer.class);

    private final ModelFile model;
    private final OnnxScorerSettings settings;
    private final OrtEnvironment environment;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final ExecutionProvider provider;
    private final int featureCount;
    private final int outputWidth;
    private final boolean outputIsVector;
    private final long fixedBatch;

    private FloatBuffer inputBuffer;
    private FloatBuffer outputBuffer;
    private FloatBuffer inputView;
    private FloatBuffer outputView;
    private OnnxTensor inputTensor;
    private OnnxTensor outputTensor;
    private Map<String, OnnxTensor> inputs;
    private Map<String, OnnxTensor> pinnedOutputs;
    private int tensorRows = -1;
    private boolean closed;

    /**
     * Verifies the model file against its pin, opens a session on its bytes and binds the input and
     * output.
     *
     * @param model the model file and its pinned SHA-256
     * @param settings bindings, threads and execution provider
     * @throws ModelIntegrityException when the file does not match its pin
     * @throws IllegalArgumentException naming the file when it cannot be read or loaded, or when
     *     the bindings do not fit the model (the message lists the model's inputs and outputs)
     */
    public OnnxScorer(ModelFile model, OnnxScorerSettings settings) {
        this.model = Objects.requireNonNull(model, "model");
        this.settings = Objects.requireNonNull(settings, "settings");
        byte[] bytes = model.readVerified();
        this.environment = sharedEnvironment();
        this.featureCount = settings.featureCount();
        OrtSession.SessionOptions opts = null;
        OrtSession sess = null;
        try {
            opts = new OrtSession.SessionOptions();
            opts.setIntraOpNumThreads(settings.intraOpThreads());
            opts.setInterOpNumThreads(settings.interOpThreads());
            opts.setExecutionMode(
                    settings.interOpThreads() > 1
                            ? OrtSession.SessionOptions.ExecutionMode.PARALLEL
                            : OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            this.provider = addProvider(opts, settings.executionProvider(), model);
            sess = environment.createSession(bytes, opts);
            Binding binding = bind(sess, settings, model);
            this.outputWidth = binding.outputWidth();
            this.outputIsVector = binding.outputIsVector();
            this.fixedBatch = binding.fixedBatch();
        } catch (OrtException e) {
            closeQuietly(sess, opts);
            throw new IllegalArgumentException(
                    "cannot load ONNX model file " + model.path() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(sess, opts);
            throw e;
        }
        this.options = opts;
        this.session = sess;
    }

    /** The model file and pin this scorer was built from. */
    public ModelFile model() {
        return model;
    }

    /** The settings this scorer was built with. */
    public OnnxScorerSettings settings() {
        return settings;
    }

    /**
     * The execution provider in use: the one requested, or {@link ExecutionProvider#CPU} after a
     * fallback from an unavailable {@link ExecutionProvider#CUDA}.
     */
    public ExecutionProvider provider() {
        return provider;
    }

    /** Values per input row. */
    public int featureCount() {
        return featureCount;
    }

    /** Values per output row: {@code k} for a {@code [batch, k]} output, 1 for {@code [batch]}. */
    public int outputWidth() {
        return outputWidth;
    }

    /**
     * Scores rows.
     *
     * @param rows the rows, each of {@link #featureCount()} values
     * @return one row of {@link #outputWidth()} values per input row
     * @throws IllegalArgumentException naming the row when a row has another width
     * @throws IllegalStateException when the scorer is closed
     * @throws OnnxScoringException when ONNX Runtime fails
     */
    public synchronized float[][] score(float[][] rows) {
        checkOpen();
        int n = rows.length;
        for (int r = 0; r < n; r++) {
            if (rows[r].length != featureCount) {
                throw new IllegalArgumentException(
                        "row "
                                + r
                                + " has "
                                + rows[r].length
                                + " values, but ONNX model "
                                + model.path()
                                + " is fed "
                                + featureCount);
            }
        }
        if (n == 0) {
            return new float[0][];
        }
        prepare(n);
        for (int r = 0; r < n; r++) {
            inputView.put(r * featureCount, rows[r]);
        }
        run(n);
        return outputRows(n);
    }

    /**
     * Scores rows stored one after the other.
     *
     * @param features {@code rows} &times; {@link #featureCount()} values, row-major (more are
     *     ignored)
     * @param rows how many rows
     * @return one row of {@link #outputWidth()} values per input row
     * @throws IllegalArgumentException when {@code features} is too short
     * @throws IllegalStateException when the scorer is closed
     * @throws OnnxScoringException when ONNX Runtime fails
     */
    public synchronized float[][] score(float[] features, int rows) {
        checkOpen();
        if (!fill(features, rows)) {
            return new float[0][];
        }
        run(rows);
        return outputRows(rows);
    }

    /**
     * Scores rows stored one after the other into an array of outputs stored the same way, without
     * allocating.
     *
     * @param features {@code rows} &times; {@link #featureCount()} values, row-major (more are
     *     ignored)
     * @param rows how many rows
     * @param out receives {@code rows} &times; {@link #outputWidth()} values, row-major (more are
     *     left as they are)
     * @throws IllegalArgumentException when {@code features} or {@code out} is too short
     * @throws IllegalStateException when the scorer is closed
     * @throws OnnxScoringException when ONNX Runtime fails
     */
    public synchronized void score(float[] features, int rows, float[] out) {
        checkOpen();
        if ((long) rows * outputWidth > out.length) {
            throw new IllegalArgumentException(
                    "out holds "
                            + out.length
                            + " values, but "
                            + rows
                            + " rows of ONNX model "
                            + model.path()
                            + " give "
                            + (long) rows * outputWidth);
        }
        if (!fill(features, rows)) {
            return;
        }
        run(rows);
        outputView.get(0, out, 0, rows * outputWidth);
    }

    /** Releases the session; idempotent. Scoring afterwards throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeTensors();
        closeQuietly(session, options);
    }

    @Override
    public String toString() {
        return "OnnxScorer["
                + model.path()
                + ", "
                + settings.inputName()
                + " -> "
                + settings.outputName()
                + ", "
                + provider
                + (closed ? ", closed]" : "]");
    }

    /** The environment all scorers of this JVM share. */
    OrtEnvironment environment() {
        return environment;
    }

    /**
     * ONNX Runtime's environment, created once per JVM (ONNX Runtime itself keeps a single one and
     * never frees it), logging warnings and errors only.
     */
    static OrtEnvironment sharedEnvironment() {
        return EnvironmentHolder.ENVIRONMENT;
    }

    private static final class EnvironmentHolder {
        static final OrtEnvironment ENVIRONMENT =
                OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "warden");
    }

    private static ExecutionProvider addProvider(
            OrtSession.SessionOptions opts, ExecutionProvider requested, ModelFile model) {
        if (requested == ExecutionProvider.CPU) {
            return ExecutionProvider.CPU;
        }
        EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
        if (!available.contains(OrtProvider.CUDA)) {
            LOG.warn(
                    "ONNX model {}: CUDA execution provider requested, but this ONNX Runtime"
                            + " build has only {} (CUDA needs the onnxruntime_gpu artifact);"
                            + " scoring on CPU",
                    model.path(),
                    available);
            return ExecutionProvider.CPU;
        }
        try {
            opts.addCUDA(0);
            return ExecutionProvider.CUDA;
        } catch (OrtException e) {
            LOG.warn(
                    "ONNX model {}: CUDA execution provider requested, but it failed to start"
                            + " ({}); scoring on CPU",
                    model.path(),
                    e.getMessage());
            return ExecutionProvider.CPU;
        }
    }

    private record Binding(int outputWidth, boolean outputIsVector, long fixedBatch) {}

    private static Binding bind(OrtSession session, OnnxScorerSettings settings, ModelFile model)
            throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        String where =
                "ONNX model file "
                        + model.path()
                        + " (inputs: "
                        + describe(inputs)
                        + "; outputs: "
                        + describe(outputs)
                        + ")";
        NodeInfo input = inputs.get(settings.inputName());
        if (input == null) {
            throw new IllegalArgumentException(
                    "no input named '" + settings.inputName() + "' in " + where);
        }
        if (inputs.size() > 1) {
            throw new IllegalArgumentException(
                    "input '"
                            + settings.inputName()
                            + "' must be the only input, as warden feeds no other, in "
                            + where);
        }
        NodeInfo output = outputs.get(settings.outputName());
        if (output == null) {
            throw new IllegalArgumentException(
                    "no output named '" + settings.outputName() + "' in " + where);
        }
        long[] in = floatShape(input, "input", where);
        if (in.length != 2 || (in[1] >= 0 && in[1] != settings.featureCount()) || (in[0] == 0)) {
            throw new IllegalArgumentException(
                    "input '"
                            + settings.inputName()
                            + "' must have shape [batch, "
                            + settings.featureCount()
                            + "] to take rows of "
                            + settings.featureCount()
                            + " features, but has "
                            + Arrays.toString(in)
                            + ", in "
                            + where);
        }
        long[] out = floatShape(output, "output", where);
        boolean vector = out.length == 1;
        if (!(vector || (out.length == 2 && out[1] > 0)) || out[0] == 0) {
            throw new IllegalArgumentException(
                    "output '"
                            + settings.outputName()
                            + "' must have shape [batch] or [batch, k] with a fixed k, but has "
                            + Arrays.toString(out)
                            + ", in "
                            + where);
        }
        long fixedBatch = in[0] > 0 ? in[0] : (out[0] > 0 ? out[0] : -1);
        return new Binding(vector ? 1 : Math.toIntExact(out[1]), vector, fixedBatch);
    }

    private static long[] floatShape(NodeInfo node, String kind, String where) {
        if (!(node.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException(
                    kind
                            + " '"
                            + node.getName()
                            + "' must be a float tensor, but is "
                            + typeOf(node)
                            + ", in "
                            + where);
        }
        return tensor.getShape();
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        return nodes.values().stream()
                .map(n -> n.getName() + " " + typeOf(n))
                .collect(Collectors.joining(", "));
    }

    private static String typeOf(NodeInfo node) {
        if (node.getInfo() instanceof TensorInfo t) {
            return t.type.toString().toLowerCase(Locale.ROOT) + Arrays.toString(t.getShape());
        }
        return node.getInfo().toString();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(
                    "the ONNX scorer of " + model.path() + " is closed; open a new one to score");
        }
    }

    /** Copies {@code rows} flat rows into the input buffer; false when there are none. */
    private boolean fill(float[] features, int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative, but is " + rows);
        }
        long needed = (long) rows * featureCount;
        if (needed > features.length) {
            throw new IllegalArgumentException(
                    "features holds "
                            + features.length
                            + " values, but "
                            + rows
                            + " rows of "
                            + featureCount
                            + " (ONNX model "
                            + model.path()
                            + ") need "
                            + needed);
        }
        if (rows == 0) {
            return false;
        }
        prepare(rows);
        inputView.put(0, features, 0, rows * featureCount);
        return true;
    }

    /** Makes the input and output tensors for {@code rows} rows, reusing the last ones if equal. */
    private void prepare(int rows) {
        if (rows == tensorRows) {
            return;
        }
        if (fixedBatch > 0 && rows != fixedBatch) {
            throw new IllegalArgumentException(
                    "ONNX model "
                            + model.path()
                            + " takes batches of exactly "
                            + fixedBatch
                            + " rows, not "
                            + rows);
        }
        closeTensors();
        int inSize = Math.multiplyExact(rows, featureCount);
        int outSize = Math.multiplyExact(rows, outputWidth);
        if (inputBuffer == null || inputBuffer.capacity() < inSize) {
            inputBuffer = directFloats(inSize);
        }
        if (outputBuffer == null || outputBuffer.capacity() < outSize) {
            outputBuffer = directFloats(outSize);
        }
        inputView = inputBuffer.slice(0, inSize);
        outputView = outputBuffer.slice(0, outSize);
        long[] outShape = outputIsVector ? new long[] {rows} : new long[] {rows, outputWidth};
        try {
            inputTensor =
                    OnnxTensor.createTensor(
                            environment, inputView, new long[] {rows, featureCount});
            outputTensor = OnnxTensor.createTensor(environment, outputView, outShape);
        } catch (OrtException e) {
            closeTensors();
            throw new OnnxScoringException(
                    "cannot make tensors of " + rows + " rows for ONNX model " + model.path(), e);
        }
        inputs = Map.of(settings.inputName(), inputTensor);
        pinnedOutputs = Map.of(settings.outputName(), outputTensor);
        tensorRows = rows;
    }

    private void run(int rows) {
        try {
            // The output is in outputView; the result does not own the pinned tensor.
            session.run(inputs, pinnedOutputs).close();
        } catch (OrtException e) {
            throw new OnnxScoringException(
                    "ONNX model " + model.path() + " failed on a batch of " + rows + " rows", e);
        }
    }

    private float[][] outputRows(int rows) {
        float[][] result = new float[rows][outputWidth];
        for (int r = 0; r < rows; r++) {
            outputView.get(r * outputWidth, result[r]);
        }
        return result;
    }

    private static FloatBuffer directFloats(int count) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(count, Float.BYTES))
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    private void closeTensors() {
        if (inputTensor != null) {
            inputTensor.close();
        }
        if (outputTensor != null) {
            outputTensor.close();
        }
        inputTensor = null;
        outputTensor = null;
        inputs = null;
        pinnedOutputs = null;
        tensorRows = -1;
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("closing an ONNX Runtime session failed", e);
            }
        }
        if (options != null) {
            options.close();
        }
    }
}
