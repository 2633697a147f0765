package io.warden.detectors.profile;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warden.detectors.calibration.EmpiricalReference;
import io.warden.detectors.multivariate.Covariance;
import io.warden.detectors.multivariate.MultivariateReference;
import io.warden.detectors.multivariate.PcaDriftReference;
import io.warden.detectors.multivariate.PcaReconstruction;
import io.warden.detectors.multivariate.RowSample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Writes and reads reference profiles as JSON files, format {@value #FORMAT}.
 *
 * <pre>{@code
 * {
 *   "format" : "warden-profile/1",
 *   "id" : "churn-2026-11",
 *   "created" : "2026-11-25T00:00:00Z",
 *   "model" : { "name" : "churn", "version" : "7" },
 *   "source" : "validation split of 2026-11-20",
 *   "settings" : { "kllK" : 400, "bins" : 10, "topCategories" : 20, "categoryMapSize" : 1024,
 *                  "confidenceSampleSize" : 20000, "rowSampleSize" : 2000,
 *                  "pcaVarianceShare" : 0.65, "seed" : 6287397007959937094 },
 *   "rows" : 50000,
 *   "numeric" : [ { "name" : "age", "count" : 49800, "missing" : 200, "min" : 18.0, "max" : 95.0,
 *                   "mean" : 41.3, "variance" : 160.2,
 *                   "binEdges" : [ 24.0, 29.0, ... ], "binCounts" : [ 5012, 4950, ... ],
 *                   "kll" : "<base64>" } ],
 *   "categorical" : [ { "name" : "country", "count" : 50000, "missing" : 0,
 *                       "top" : [ { "value" : "DE", "count" : 21000 }, ... ], "other" : 310,
 *                       "maxError" : 0, "frequentItems" : "<base64>" } ],
 *   "predictions" : { "classes" : [ "no", "yes" ], "priorCounts" : [ 41000, 9000 ],
 *                     "confidence" : { "seen" : 50000, "columns" : [ "msp", "entropy", "margin" ],
 *                                      "sample" : "<base64 f64le>" } },
 *   "multivariate" : { "rows" : 49800, "mean" : [ ... ], "comoment" : "<base64 f64le>",
 *                      "sample" : { "seen" : 49800, "rows" : "<base64 f64le>" },
 *                      "pca" : { "varianceShare" : 0.65, "scale" : [ ... ],
 *                                "explainedVarianceRatio" : [ ... ], "componentCount" : 2,
 *                                "components" : "<base64 f64le>",
 *                                "referenceErrors" : "<base64 f64le>" } }
 * }
 * }</pre>
 *
 * <p><b>Fields.</b> Everything a {@link ReferenceProfile} holds. Sketches are the base64 (RFC 4648,
 * with padding) of DataSketches' {@code toByteArray()}: {@code kll} a {@code KllDoublesSketch},
 * {@code frequentItems} an {@code ItemsSketch<String>} with {@code ArrayOfStringsSerDe}. Bulk
 * numbers ({@code <base64 f64le>}) are IEEE 754 doubles, little-endian, row-major, base64 (in
 * NumPy: {@code np.frombuffer(base64.b64decode(s), "<f8")}): the confidence sample is n &times; 3
 * (msp, entropy, margin), the row sample n &times; d, {@code comoment} d &times; d, {@code
 * components} k &times; d, {@code referenceErrors} ascending. {@code binEdges} are the inner edges
 * (the outer ones are &minus;&infin; and +&infin;) of right-closed bins. Statistics of a feature
 * without values are {@code null}; {@code model.version}, {@code predictions}, {@code multivariate}
 * and {@code multivariate.pca} are left out when the profile has none. Other fields are rejected,
 * so a typo cannot pass silently; a change of format gets a new version.
 *
 * <p><b>Determinism.</b> The same profile always gives the same bytes: a fixed field order, "\n"
 * line breaks, doubles in their shortest round-trip decimal form by Jackson's Schubfach writer
 * (independent of the JDK's {@code Double.toString}) or as raw bits in base64. With {@link
 * ProfileBuilder}'s determinism, the same rows give the same file and SHA-256.
 *
 * <p><b>Errors.</b> Reading never trusts the file: a wrong or missing format version, a missing,
 * unknown or mistyped field, bad base64, a corrupt sketch or inconsistent parts each give an {@link
 * IllegalArgumentException} whose message starts with {@code profile file <name>: } and names the
 * field, e.g. {@code numeric[3].kll}.
 */
public final class ProfileIo {

    /** The format this class writes and reads: {@value}. */
    public static final String FORMAT = "warden-profile/1";

    private static final List<String> CONFIDENCE_COLUMNS = List.of("msp", "entropy", "margin");

    private static final JsonFactory JSON =
            JsonFactory.builder()
                    .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build();

    private static final ObjectMapper MAPPER =
            new ObjectMapper(JSON).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ProfileIo() {}

    /** The profile's file bytes. */
    public static byte[] toBytes(ReferenceProfile profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            writeTo(profile, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /**
     * Writes the profile to a file, replacing it if it exists.
     *
     * @return the SHA-256 of the bytes written, 64 lowercase hex digits
     * @throws IOException if the file cannot be written
     */
    public static String write(ReferenceProfile profile, Path file) throws IOException {
        byte[] bytes = toBytes(profile);
        Files.write(file, bytes);
        return ProfileBuilder.sha256(bytes);
    }

    /**
     * Writes the profile to a stream, which stays open.
     *
     * @return the SHA-256 of the bytes written
     * @throws IOException if the stream fails
     */
    public static String write(ReferenceProfile profile, OutputStream out) throws IOException {
        byte[] bytes = toBytes(profile);
        out.write(bytes);
        out.flush();
        return ProfileBuilder.sha256(bytes);
    }

    /**
     * Reads and checks a profile file.
     *
     * @throws IllegalArgumentException naming the file, and the field when the content is wrong
     */
    public static ProfileFile read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read profile file " + file + ": " + e, e);
        }
        return read(bytes, file.toString());
    }

    /**
     * Reads and checks a profile from a stream, read to its end and left open.
     *
     * @param name the name to give the source in error messages, e.g. a URI
     * @throws IllegalArgumentException naming the source, and the field when the content is wrong
     */
    public static ProfileFile read(InputStream in, String name) {
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read profile file " + name + ": " + e, e);
        }
        return read(bytes, name);
    }

    /**
     * Reads and checks a profile from its file bytes.
     *
     * @throws IllegalArgumentException naming the source, and the field when the content is wrong
     */
    public static ProfileFile read(byte[] bytes, String name) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(name, "name");
        return new ProfileFile(new Reader(name).profile(bytes), ProfileBuilder.sha256(bytes));
    }

    // ---------------------------------------------------------------------------------------
    // Writing

    private static void writeTo(ReferenceProfile profile, OutputStream out) throws IOException {
        DefaultPrettyPrinter printer =
                new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.setPrettyPrinter(printer);
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeStringField("id", profile.id());
            g.writeStringField("created", profile.created().toString());
            g.writeObjectFieldStart("model");
            g.writeStringField("name", profile.modelName());
            if (profile.modelVersion().isPresent()) {
                g.writeStringField("version", profile.modelVersion().get());
            }
            g.writeEndObject();
            g.writeStringField("source", profile.source());
            writeSettings(g, profile.settings());
            g.writeNumberField("rows", profile.rows());
            g.writeArrayFieldStart("numeric");
            for (NumericFeatureProfile f : profile.numeric()) {
                writeNumeric(g, f);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("categorical");
            for (CategoricalFeatureProfile f : profile.categorical()) {
                writeCategorical(g, f);
            }
            g.writeEndArray();
            if (profile.predictions().isPresent()) {
                writePredictions(g, profile.predictions().get());
            }
            if (profile.multivariate().isPresent()) {
                writeMultivariate(g, profile.multivariate().get());
            }
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    private static void writeSettings(JsonGenerator g, ProfileSettings s) throws IOException {
        g.writeObjectFieldStart("settings");
        g.writeNumberField("kllK", s.kllK());
        g.writeNumberField("bins", s.bins());
        g.writeNumberField("topCategories", s.topCategories());
        g.writeNumberField("categoryMapSize", s.categoryMapSize());
        g.writeNumberField("confidenceSampleSize", s.confidenceSampleSize());
        g.writeNumberField("rowSampleSize", s.rowSampleSize());
        g.writeNumberField("pcaVarianceShare", s.pcaVarianceShare());
        g.writeNumberField("seed", s.seed());
        g.writeEndObject();
    }

    private static void writeNumeric(JsonGenerator g, NumericFeatureProfile f) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", f.name());
        g.writeNumberField("count", f.count());
        g.writeNumberField("missing", f.missing());
        writeNullableDouble(g, "min", f.min());
        writeNullableDouble(g, "max", f.max());
        writeNullableDouble(g, "mean", f.mean());
        writeNullableDouble(g, "variance", f.variance());
        writeDoubles(g, "binEdges", f.binEdges());
        g.writeArrayFieldStart("binCounts");
        for (long c : f.binCounts()) {
            g.writeNumber(c);
        }
        g.writeEndArray();
        g.writeStringField("kll", Base64.getEncoder().encodeToString(f.sketchBytes()));
        g.writeEndObject();
    }

    private static void writeCategorical(JsonGenerator g, CategoricalFeatureProfile f)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("name", f.name());
        g.writeNumberField("count", f.count());
        g.writeNumberField("missing", f.missing());
        g.writeArrayFieldStart("top");
        for (CategoryCount c : f.top()) {
            g.writeStartObject();
            g.writeStringField("value", c.value());
            g.writeNumberField("count", c.count());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("other", f.other());
        g.writeNumberField("maxError", f.maxError());
        g.writeStringField("frequentItems", Base64.getEncoder().encodeToString(f.sketchBytes()));
        g.writeEndObject();
    }

    private static void writePredictions(JsonGenerator g, PredictionProfile p) throws IOException {
        g.writeObjectFieldStart("predictions");
        g.writeArrayFieldStart("classes");
        for (String label : p.classLabels()) {
            g.writeString(label);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("priorCounts");
        for (long c : p.priorCounts()) {
            g.writeNumber(c);
        }
        g.writeEndArray();
        g.writeObjectFieldStart("confidence");
        g.writeNumberField("seen", p.confidenceSample().seen());
        g.writeArrayFieldStart("columns");
        for (String column : CONFIDENCE_COLUMNS) {
            g.writeString(column);
        }
        g.writeEndArray();
        g.writeStringField("sample", f64(p.confidenceSample().toRowMajorArray()));
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeMultivariate(JsonGenerator g, MultivariateReference m)
            throws IOException {
        g.writeObjectFieldStart("multivariate");
        Covariance covariance = m.covariance();
        g.writeNumberField("rows", covariance.count());
        writeDoubles(g, "mean", covariance.mean());
        g.writeStringField("comoment", f64(covariance.comomentRowMajor()));
        g.writeObjectFieldStart("sample");
        g.writeNumberField("seen", m.sample().seen());
        g.writeStringField("rows", f64(m.sample().toRowMajorArray()));
        g.writeEndObject();
        if (m.pca().isPresent()) {
            PcaDriftReference drift = m.pca().get();
            PcaReconstruction pca = drift.reconstruction();
            g.writeObjectFieldStart("pca");
            g.writeNumberField("varianceShare", pca.varianceShare());
            writeDoubles(g, "scale", pca.scale());
            writeDoubles(g, "explainedVarianceRatio", pca.explainedVarianceRatio());
            g.writeNumberField("componentCount", pca.componentCount());
            double[][] components = pca.components();
            double[] flat = new double[components.length * pca.dimension()];
            for (int c = 0; c < components.length; c++) {
                System.arraycopy(components[c], 0, flat, c * pca.dimension(), pca.dimension());
            }
            g.writeStringField("components", f64(flat));
            g.writeStringField("referenceErrors", f64(drift.errors().toArray()));
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeNullableDouble(JsonGenerator g, String field, double value)
            throws IOException {
        if (Double.isNaN(value)) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value);
        }
    }

    private static void writeDoubles(JsonGenerator g, String field, double[] values)
            throws IOException {
        g.writeArrayFieldStart(field);
        for (double v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }

    /** IEEE 754 doubles, little-endian, base64. */
    static String f64(double[] values) {
        ByteBuffer buffer =
                ByteBuffer.allocate(Math.multiplyExact(values.length, Double.BYTES))
                        .order(ByteOrder.LITTLE_ENDIAN);
        buffer.asDoubleBuffer().put(values);
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    // ---------------------------------------------------------------------------------------
    // Reading

    /** Reads one file, prefixing every error with its name and the field's path. */
    private static final class Reader {

        private final String name;

        Reader(String name) {
            this.name = name;
        }

        IllegalArgumentException error(String path, String problem) {
            return new IllegalArgumentException(
                    "profile file " + name + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
        }

        IllegalArgumentException error(String path, String problem, Throwable cause) {
            IllegalArgumentException e = error(path, problem);
            e.initCause(cause);
            return e;
        }

        ReferenceProfile profile(byte[] bytes) {
            JsonNode root;
            try {
                root = MAPPER.readTree(bytes);
            } catch (JsonProcessingException e) {
                throw error("", "not valid JSON: " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw error("", "cannot be read: " + e, e);
            }
            if (root == null || !root.isObject()) {
                throw error("", "must hold a JSON object");
            }
            JsonNode format = root.get("format");
            if (format == null || !format.isTextual()) {
                throw error("format", "missing; expected \"" + FORMAT + "\"");
            }
            if (!FORMAT.equals(format.asText())) {
                throw error(
                        "format",
                        "is \""
                                + format.asText()
                                + "\", but this reader understands \""
                                + FORMAT
                                + "\" only");
            }
            onlyFields(
                    root,
                    "",
                    Set.of(
                            "format",
                            "id",
                            "created",
                            "model",
                            "source",
                            "settings",
                            "rows",
                            "numeric",
                            "categorical",
                            "predictions",
                            "multivariate"));
            String id = text(root, "", "id");
            Instant created;
            String createdText = text(root, "", "created");
            try {
                created = Instant.parse(createdText);
            } catch (DateTimeParseException e) {
                throw error("created", "not an ISO-8601 instant: \"" + createdText + "\"", e);
            }
            JsonNode model = object(root, "", "model");
            onlyFields(model, "model", Set.of("name", "version"));
            String modelName = text(model, "model", "name");
            String modelVersion = model.has("version") ? text(model, "model", "version") : null;
            String source = text(root, "", "source");
            ProfileMetadata metadata;
            try {
                metadata = new ProfileMetadata(id, created, modelName, modelVersion, source);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw error("model", e.getMessage(), e);
            }
            ProfileSettings settings = settings(object(root, "", "settings"));
            long rows = count(root, "", "rows");

            JsonNode numericNodes = array(root, "", "numeric");
            List<String> numericNames = new ArrayList<>();
            List<NumericFeatureProfile> numeric = new ArrayList<>();
            for (int i = 0; i < numericNodes.size(); i++) {
                NumericFeatureProfile f = numeric(numericNodes.get(i), "numeric[" + i + "]", i);
                numericNames.add(f.name());
                numeric.add(f);
            }
            JsonNode categoricalNodes = array(root, "", "categorical");
            List<String> categoricalNames = new ArrayList<>();
            List<CategoricalFeatureProfile> categorical = new ArrayList<>();
            for (int i = 0; i < categoricalNodes.size(); i++) {
                CategoricalFeatureProfile f =
                        categorical(categoricalNodes.get(i), "categorical[" + i + "]", i);
                categoricalNames.add(f.name());
                categorical.add(f);
            }
            PredictionProfile predictions =
                    root.has("predictions")
                            ? predictions(object(root, "", "predictions"), "predictions")
                            : null;
            ProfileSchema schema;
            try {
                schema =
                        ProfileSchema.of(
                                numericNames,
                                categoricalNames,
                                predictions == null ? List.of() : predictions.classLabels());
            } catch (IllegalArgumentException e) {
                throw error("numeric/categorical", e.getMessage(), e);
            }
            MultivariateReference multivariate =
                    root.has("multivariate")
                            ? multivariate(
                                    object(root, "", "multivariate"),
                                    "multivariate",
                                    numeric.size(),
                                    settings)
                            : null;
            try {
                return new ReferenceProfile(
                        metadata,
                        settings,
                        schema,
                        rows,
                        numeric,
                        categorical,
                        predictions,
                        multivariate);
            } catch (IllegalArgumentException e) {
                throw error("", e.getMessage(), e);
            }
        }

        ProfileSettings settings(JsonNode node) {
            String path = "settings";
            onlyFields(
                    node,
                    path,
                    Set.of(
                            "kllK",
                            "bins",
                            "topCategories",
                            "categoryMapSize",
                            "confidenceSampleSize",
                            "rowSampleSize",
                            "pcaVarianceShare",
                            "seed"));
            try {
                return new ProfileSettings(
                        integer(node, path, "kllK"),
                        integer(node, path, "bins"),
                        integer(node, path, "topCategories"),
                        integer(node, path, "categoryMapSize"),
                        integer(node, path, "confidenceSampleSize"),
                        integer(node, path, "rowSampleSize"),
                        number(node, path, "pcaVarianceShare"),
                        longValue(node, path, "seed"));
            } catch (IllegalArgumentException e) {
                if (e.getMessage().startsWith("profile file ")) {
                    throw e;
                }
                throw error(path, e.getMessage(), e);
            }
        }

        NumericFeatureProfile numeric(JsonNode node, String path, int index) {
            requireObject(node, path);
            onlyFields(
                    node,
                    path,
                    Set.of(
                            "name",
                            "count",
                            "missing",
                            "min",
                            "max",
                            "mean",
                            "variance",
                            "binEdges",
                            "binCounts",
                            "kll"));
            String featureName = text(node, path, "name");
            byte[] kll = base64(node, path, "kll");
            try {
                return NumericFeatureProfile.of(
                        featureName,
                        index,
                        count(node, path, "count"),
                        count(node, path, "missing"),
                        nullableNumber(node, path, "min"),
                        nullableNumber(node, path, "max"),
                        nullableNumber(node, path, "mean"),
                        nullableNumber(node, path, "variance"),
                        kll,
                        numbers(node, path, "binEdges"),
                        counts(node, path, "binCounts"));
            } catch (IllegalArgumentException e) {
                if (e.getMessage().startsWith("profile file ")) {
                    throw e;
                }
                throw error(path, e.getMessage(), e);
            }
        }

        CategoricalFeatureProfile categorical(JsonNode node, String path, int index) {
            requireObject(node, path);
            onlyFields(
                    node,
                    path,
                    Set.of(
                            "name",
                            "count",
                            "missing",
                            "top",
                            "other",
                            "maxError",
                            "frequentItems"));
            String featureName = text(node, path, "name");
            byte[] items = base64(node, path, "frequentItems");
            JsonNode topNodes = array(node, path, "top");
            List<CategoryCount> top = new ArrayList<>();
            for (int i = 0; i < topNodes.size(); i++) {
                String itemPath = path + ".top[" + i + "]";
                JsonNode item = topNodes.get(i);
                requireObject(item, itemPath);
                onlyFields(item, itemPath, Set.of("value", "count"));
                String value = textAllowEmpty(item, itemPath, "value");
                long itemCount = count(item, itemPath, "count");
                if (itemCount < 1) {
                    throw error(itemPath + ".count", "must be positive");
                }
                top.add(new CategoryCount(value, itemCount));
            }
            try {
                return CategoricalFeatureProfile.of(
                        featureName,
                        index,
                        count(node, path, "count"),
                        count(node, path, "missing"),
                        top,
                        count(node, path, "other"),
                        count(node, path, "maxError"),
                        items);
            } catch (IllegalArgumentException e) {
                if (e.getMessage().startsWith("profile file ")) {
                    throw e;
                }
                throw error(path, e.getMessage(), e);
            }
        }

        PredictionProfile predictions(JsonNode node, String path) {
            onlyFields(node, path, Set.of("classes", "priorCounts", "confidence"));
            JsonNode classNodes = array(node, path, "classes");
            List<String> classes = new ArrayList<>();
            for (int i = 0; i < classNodes.size(); i++) {
                JsonNode label = classNodes.get(i);
                if (!label.isTextual()) {
                    throw error(path + ".classes[" + i + "]", "must be a string");
                }
                classes.add(label.asText());
            }
            long[] priors = counts(node, path, "priorCounts");
            String confidencePath = path + ".confidence";
            JsonNode confidence = object(node, path, "confidence");
            onlyFields(confidence, confidencePath, Set.of("seen", "columns", "sample"));
            JsonNode columns = array(confidence, confidencePath, "columns");
            List<String> columnNames = new ArrayList<>();
            columns.forEach(c -> columnNames.add(c.isTextual() ? c.asText() : c.toString()));
            if (!CONFIDENCE_COLUMNS.equals(columnNames)) {
                throw error(
                        confidencePath + ".columns",
                        "must be " + CONFIDENCE_COLUMNS + ", but is " + columnNames);
            }
            RowSample sample =
                    rowSample(
                            confidence,
                            confidencePath,
                            "sample",
                            count(confidence, confidencePath, "seen"),
                            3);
            try {
                return PredictionProfile.of(classes, priors, sample);
            } catch (IllegalArgumentException e) {
                throw error(path, e.getMessage(), e);
            }
        }

        MultivariateReference multivariate(
                JsonNode node, String path, int dimension, ProfileSettings settings) {
            onlyFields(node, path, Set.of("rows", "mean", "comoment", "sample", "pca"));
            if (dimension < 1) {
                throw error(path, "present without numeric features");
            }
            long rows = count(node, path, "rows");
            double[] mean = numbers(node, path, "mean");
            if (mean.length != dimension) {
                throw error(
                        path + ".mean",
                        "has " + mean.length + " values for " + dimension + " numeric features");
            }
            double[] comoment = f64(node, path, "comoment", (long) dimension * dimension);
            Covariance covariance;
            try {
                covariance = Covariance.of(rows, mean, comoment);
            } catch (IllegalArgumentException e) {
                throw error(path, e.getMessage(), e);
            }
            String samplePath = path + ".sample";
            JsonNode sampleNode = object(node, path, "sample");
            onlyFields(sampleNode, samplePath, Set.of("seen", "rows"));
            RowSample sample =
                    rowSample(
                            sampleNode,
                            samplePath,
                            "rows",
                            count(sampleNode, samplePath, "seen"),
                            dimension);
            PcaDriftReference pca = null;
            if (node.has("pca")) {
                String pcaPath = path + ".pca";
                JsonNode p = object(node, path, "pca");
                onlyFields(
                        p,
                        pcaPath,
                        Set.of(
                                "varianceShare",
                                "scale",
                                "explainedVarianceRatio",
                                "componentCount",
                                "components",
                                "referenceErrors"));
                double share = number(p, pcaPath, "varianceShare");
                if (share != settings.pcaVarianceShare()) {
                    throw error(
                            pcaPath + ".varianceShare",
                            "is " + share + ", settings say " + settings.pcaVarianceShare());
                }
                int k = integer(p, pcaPath, "componentCount");
                if (k < 0 || k > dimension) {
                    throw error(pcaPath + ".componentCount", "must be in [0, " + dimension + "]");
                }
                double[] flat = f64(p, pcaPath, "components", (long) k * dimension);
                double[][] components = new double[k][dimension];
                for (int c = 0; c < k; c++) {
                    System.arraycopy(flat, c * dimension, components[c], 0, dimension);
                }
                double[] errors = f64(p, pcaPath, "referenceErrors", -1);
                try {
                    PcaReconstruction model =
                            PcaReconstruction.of(
                                    share,
                                    mean,
                                    numbers(p, pcaPath, "scale"),
                                    numbers(p, pcaPath, "explainedVarianceRatio"),
                                    components);
                    if (errors.length != sample.size()) {
                        throw new IllegalArgumentException(
                                "referenceErrors: "
                                        + errors.length
                                        + " errors for "
                                        + sample.size()
                                        + " sampled rows");
                    }
                    pca = PcaDriftReference.of(model, EmpiricalReference.of(errors, errors.length));
                } catch (IllegalArgumentException e) {
                    if (e.getMessage().startsWith("profile file ")) {
                        throw e;
                    }
                    throw error(pcaPath, e.getMessage(), e);
                }
            }
            try {
                return MultivariateReference.of(covariance, sample, pca);
            } catch (IllegalArgumentException e) {
                throw error(path, e.getMessage(), e);
            }
        }

        RowSample rowSample(JsonNode node, String path, String field, long seen, int width) {
            double[] values = f64(node, path, field, -1);
            if (values.length % width != 0) {
                throw error(
                        join(path, field),
                        values.length + " values are not whole rows of width " + width);
            }
            try {
                return RowSample.ofRowMajor(width, seen, values);
            } catch (IllegalArgumentException e) {
                throw error(join(path, field), e.getMessage(), e);
            }
        }

        // Field access ---------------------------------------------------------------------

        static String join(String path, String field) {
            return path.isEmpty() ? field : path + "." + field;
        }

        void requireObject(JsonNode node, String path) {
            if (node == null || !node.isObject()) {
                throw error(path, "must be an object");
            }
        }

        void onlyFields(JsonNode node, String path, Set<String> allowed) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!allowed.contains(field)) {
                    throw error(join(path, field), "unknown field");
                }
            }
        }

        JsonNode field(JsonNode node, String path, String field) {
            JsonNode value = node.get(field);
            if (value == null) {
                throw error(join(path, field), "missing");
            }
            return value;
        }

        JsonNode object(JsonNode node, String path, String field) {
            JsonNode value = field(node, path, field);
            if (!value.isObject()) {
                throw error(join(path, field), "must be an object");
            }
            return value;
        }

        JsonNode array(JsonNode node, String path, String field) {
            JsonNode value = field(node, path, field);
            if (!value.isArray()) {
                throw error(join(path, field), "must be an array");
            }
            return value;
        }

        String textAllowEmpty(JsonNode node, String path, String field) {
            JsonNode value = field(node, path, field);
            if (!value.isTextual()) {
                throw error(join(path, field), "must be a string");
            }
            return value.asText();
        }

        String text(JsonNode node, String path, String field) {
            String value = textAllowEmpty(node, path, field);
            if (value.isBlank() && !field.equals("source")) {
                throw error(join(path, field), "must not be blank");
            }
            return value;
        }

        long longValue(JsonNode node, String path, String field) {
            JsonNode value = field(node, path, field);
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw error(join(path, field), "must be an integer, but is " + value);
            }
            return value.asLong();
        }

        long count(JsonNode node, String path, String field) {
            long value = longValue(node, path, field);
            if (value < 0) {
                throw error(join(path, field), "must not be negative, but is " + value);
            }
            return value;
        }

        int integer(JsonNode node, String path, String field) {
            long value = longValue(node, path, field);
            if (value != (int) value) {
                throw error(join(path, field), "is too large: " + value);
            }
            return (int) value;
        }

        double number(JsonNode node, String path, String field) {
            JsonNode value = field(node, path, field);
            if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                throw error(join(path, field), "must be a finite number, but is " + value);
            }
            return value.asDouble();
        }

        double nullableNumber(JsonNode node, String path, String field) {
            JsonNode value = field(node, path, field);
            return value.isNull() ? Double.NaN : number(node, path, field);
        }

        double[] numbers(JsonNode node, String path, String field) {
            JsonNode array = array(node, path, field);
            double[] out = new double[array.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode value = array.get(i);
                if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                    throw error(
                            join(path, field) + "[" + i + "]",
                            "must be a finite number, but is " + value);
                }
                out[i] = value.asDouble();
            }
            return out;
        }

        long[] counts(JsonNode node, String path, String field) {
            JsonNode array = array(node, path, field);
            long[] out = new long[array.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode value = array.get(i);
                if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
                    throw error(
                            join(path, field) + "[" + i + "]",
                            "must be a non-negative integer, but is " + value);
                }
                out[i] = value.asLong();
            }
            return out;
        }

        byte[] base64(JsonNode node, String path, String field) {
            String value = textAllowEmpty(node, path, field);
            try {
                return Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                throw error(join(path, field), "not valid base64: " + e.getMessage(), e);
            }
        }

        /** Little-endian doubles; exactly {@code expected} of them unless expected is -1. */
        double[] f64(JsonNode node, String path, String field, long expected) {
            byte[] bytes = base64(node, path, field);
            if (bytes.length % Double.BYTES != 0) {
                throw error(
                        join(path, field),
                        bytes.length + " bytes are not a whole number of 8-byte doubles");
            }
            int n = bytes.length / Double.BYTES;
            if (expected >= 0 && n != expected) {
                throw error(join(path, field), "holds " + n + " doubles, expected " + expected);
            }
            double[] out = new double[n];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(out[i])) {
                    throw error(join(path, field), "value " + i + " is not finite: " + out[i]);
                }
            }
            return out;
        }
    }
}
