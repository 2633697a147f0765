package io.warden.jobs.profile;

import io.warden.detectors.confidence.Confidence;
import io.warden.detectors.profile.ProfileBuilder;
import io.warden.detectors.profile.ProfileMetadata;
import io.warden.detectors.profile.ProfileSchema;
import io.warden.detectors.profile.ProfileSettings;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.Tensor;
import io.warden.schemas.TensorDatatype;
import io.warden.schemas.codec.JsonCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Reference data for the profile tests: a config with a tabular model ({@code churn}: features a,
 * b, c; probabilities of low, mid, high) and an image-like one ({@code digits}: shape [2, 2];
 * logits of even, odd), seeded rows, their records and files, and the profile {@link
 * ProfileBuilder} makes of the same rows directly.
 */
public final class ReferenceData {
    public static final String CHURN = "churn";
    public static final List<String> FEATURES = List.of("a", "b", "c");
    public static final List<String> CLASSES = List.of("low", "mid", "high");
    public static final String DIGITS = "digits";
    public static final List<String> PIXELS = List.of("x_0_0", "x_0_1", "x_1_0", "x_1_1");
    public static final List<String> DIGIT_CLASSES = List.of("even", "odd");
    public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private ReferenceData() {}

    /** One reference row: feature values and the model's output (probabilities or logits). */
    public record Row(double[] features, double[] outputs) {}

    /**
     * Writes {@code warden.yaml} into {@code dir}: both models, input topics named {@code
     * <prefix>.requests}, {@code <prefix>.responses} and {@code <prefix>.events}, margin 5 s, join
     * timeout 30 s, and {@code modelExtra} appended to churn's entry (e.g. its profile lines).
     */
    public static Path writeConfig(Path dir, String bootstrap, String prefix, String modelExtra)
            throws IOException {
        Path file = dir.resolve("warden.yaml");
        Files.writeString(
                file,
                """
                kafka:
                  bootstrap-servers: %s
                topics:
                  requests: %s.requests
                  responses: %s.responses
                  events: %s.events
                input:
                  max-out-of-orderness: 5s
                  join-timeout: 30s
                models:
                  - name: digits
                    features: {tensor: pixels, shape: [2, 2]}
                    output: {tensor: logits, type: logits, classes: [even, odd]}
                  - name: churn
                    features: {tensor: input, names: [a, b, c]}
                    output: {tensor: probabilities, type: probabilities, classes: [low, mid, high]}
                %s"""
                        .formatted(bootstrap, prefix, prefix, prefix, indent(modelExtra)));
        return file;
    }

    /** The config without extras, for file inputs. */
    public static Path writeConfig(Path dir) throws IOException {
        return writeConfig(dir, "localhost:9092", "ref", "");
    }

    private static String indent(String lines) {
        StringBuilder sb = new StringBuilder();
        lines.lines().forEach(l -> sb.append("    ").append(l).append('\n'));
        return sb.toString();
    }

    /** Rows of {@code width} features and probabilities over {@code classes} classes. */
    public static List<Row> rows(int n, int width, int classes, long seed) {
        Random r = new Random(seed);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] x = new double[width];
            for (int j = 0; j < width; j++) {
                x[j] = r.nextGaussian() * (j + 1) + j;
            }
            double[] logits = new double[classes];
            for (int k = 0; k < classes; k++) {
                logits[k] = r.nextGaussian() * 2 + x[k % width];
            }
            out.add(new Row(x, Confidence.softmax(logits)));
        }
        return out;
    }

    /** Rows for churn: 3 features, probabilities over 3 classes. */
    public static List<Row> churnRows(int n, long seed) {
        return rows(n, 3, 3, seed);
    }

    /** Rows for digits: 4 pixels, logits of 2 classes. */
    public static List<Row> digitRows(int n, long seed) {
        Random r = new Random(seed);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] x = new double[4];
            for (int j = 0; j < 4; j++) {
                x[j] = r.nextInt(16);
            }
            out.add(new Row(x, new double[] {r.nextGaussian() * 3, r.nextGaussian() * 3}));
        }
        return out;
    }

    public static Tensor tensor(String name, List<Long> shape, double[] values) {
        List<Double> data = new ArrayList<>(values.length);
        for (double v : values) {
            data.add(v);
        }
        return Tensor.newBuilder()
                .setName(name)
                .setDatatype(TensorDatatype.FP64)
                .setShape(shape)
                .setData(data)
                .setStringData(List.of())
                .build();
    }

    /** A churn request of one row. */
    public static InferenceRequest request(String id, Instant t, Row row) {
        return InferenceRequest.newBuilder()
                .setRequestId(id)
                .setEventTime(t)
                .setModelName(CHURN)
                .setModelVersion("1")
                .setClientId("client-1")
                .setAttributes(Map.of())
                .setInputs(List.of(tensor("input", List.of(1L, 3L), row.features())))
                .build();
    }

    /** The response to a churn request of one row. */
    public static InferenceResponse response(String id, Instant t, Row row) {
        return InferenceResponse.newBuilder()
                .setRequestId(id)
                .setEventTime(t)
                .setModelName(CHURN)
                .setModelVersion("1")
                .setOutputs(List.of(tensor("probabilities", List.of(1L, 3L), row.outputs())))
                .setLatencyMs(2.0)
                .setAttributes(Map.of())
                .build();
    }

    /** A churn event of one row. */
    public static InferenceEvent event(String id, Instant t, Row row) {
        return event(id, t, CHURN, "input", "probabilities", List.of(1L, 3L), List.of(1L, 3L), row);
    }

    /** An event of any model and tensor layout, holding one row's values. */
    public static InferenceEvent event(
            String id,
            Instant t,
            String model,
            String inputTensor,
            String outputTensor,
            List<Long> inputShape,
            List<Long> outputShape,
            Row row) {
        return InferenceEvent.newBuilder()
                .setRequestId(id)
                .setEventTime(t)
                .setModelName(model)
                .setModelVersion("1")
                .setClientId("client-1")
                .setAttributes(Map.of())
                .setInputs(List.of(tensor(inputTensor, inputShape, row.features())))
                .setOutputs(List.of(tensor(outputTensor, outputShape, row.outputs())))
                .setResponseTime(null)
                .setLatencyMs(null)
                .build();
    }

    /** Churn events of the rows, 10 ms apart from T0. */
    public static List<InferenceEvent> events(List<Row> rows) {
        List<InferenceEvent> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            out.add(event("e-" + i, T0.plusMillis(10L * i), rows.get(i)));
        }
        return out;
    }

    /** Writes warden JSON lines. */
    public static Path jsonl(Path file, List<? extends SpecificRecordBase> records)
            throws IOException {
        List<String> lines = new ArrayList<>();
        for (SpecificRecordBase r : records) {
            lines.add(new String(JsonCodec.standard().encode(r), StandardCharsets.UTF_8));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    /** Writes an Avro container file. */
    public static <T extends SpecificRecord> Path avro(Path file, Class<T> type, List<T> records)
            throws IOException {
        try (DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<>(type))) {
            writer.create(records.get(0).getSchema(), file.toFile());
            for (T r : records) {
                writer.append(r);
            }
        }
        return file;
    }

    /**
     * Writes churn rows as CSV: an id column, the features (header cells quoted, one column order
     * different from the config's), optionally p_&lt;class&gt; columns, and a free-text column with
     * commas and quotes that must be ignored.
     */
    public static Path csv(Path file, List<Row> rows, boolean withOutputs) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("id,\"c\",a,b");
        if (withOutputs) {
            sb.append(",p_low,p_mid,p_high");
        }
        sb.append(",comment\r\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append("row-").append(i);
            sb.append(',').append(r.features()[2]);
            sb.append(',').append(r.features()[0]);
            sb.append(',').append(r.features()[1]);
            if (withOutputs) {
                for (double p : r.outputs()) {
                    sb.append(',').append(p);
                }
            }
            sb.append(",\"said \"\"hi\"\", then, left\"\r\n");
        }
        Files.writeString(file, sb.toString());
        return file;
    }

    /**
     * What {@link ProfileBuilder} makes of the rows directly, with the defaults.
     *
     * @param classes the profile's classes; empty for a profile without predictions
     * @param logits whether the rows' outputs are logits (softmax first)
     */
    public static ReferenceProfile expected(
            List<String> features,
            List<String> classes,
            List<Row> rows,
            boolean logits,
            ProfileSettings settings,
            ProfileMetadata metadata) {
        ProfileBuilder builder =
                ProfileBuilder.create(ProfileSchema.of(features, List.of(), classes), settings);
        for (Row r : rows) {
            double[] p = null;
            if (!classes.isEmpty()) {
                p = logits ? Confidence.softmax(r.outputs()) : r.outputs();
            }
            builder.add(r.features(), null, p);
        }
        return builder.build(metadata);
    }
}
