package io.warden.jobs.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.warden.detectors.confidence.ConfidenceAnomalyDetector;
import io.warden.detectors.confidence.ConfidenceReference;
import io.warden.detectors.drift.MultipleTesting;
import io.warden.detectors.onnx.BuiltInDetectors;
import io.warden.detectors.onnx.ExecutionProvider;
import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.onnx.ModelIntegrityException;
import io.warden.detectors.onnx.OnnxScorer;
import io.warden.detectors.onnx.OnnxScorerSettings;
import io.warden.detectors.profile.ProfileFile;
import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec.BlacklightSettings;
import io.warden.jobs.config.ModelSpec.ConfidenceSettings;
import io.warden.jobs.config.ModelSpec.DriftSettings;
import io.warden.jobs.config.ModelSpec.ExtractionSettings;
import io.warden.jobs.config.ModelSpec.FeatureSpec;
import io.warden.jobs.config.ModelSpec.OnnxDetectorSettings;
import io.warden.jobs.config.ModelSpec.OutputSpec;
import io.warden.jobs.config.ModelSpec.PerformanceSettings;
import io.warden.jobs.config.ModelSpec.QueryAttackSettings;
import io.warden.jobs.config.ModelSpec.SequentialSettings;
import io.warden.jobs.monitor.ModelCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code warden.yaml} and checks it completely before any job starts: unknown keys, wrong
 * types, missing values, missing or unreadable files and inconsistent settings all end in one
 * {@link ConfigException} that names the file and every offending key.
 *
 * <p>Values may refer to environment variables as {@code ${env:NAME}} or {@code
 * ${env:NAME:-default}}, so that secrets (e.g. {@code sasl.jaas.config}) stay out of the file.
 * Relative file paths are resolved against the config file's folder.
 */
public final class ConfigLoader {
    private static final Pattern ENV =
            Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private static final ObjectMapper YAML =
            JsonMapper.builder(new YAMLFactory())
                    .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                    .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                    .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                    .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                    .addModule(
                            new SimpleModule("warden-durations")
                                    .addDeserializer(Duration.class, new DurationDeserializer()))
                    .build();

    private ConfigLoader() {}

    /** Loads a config file, with the process environment for {@code ${env:...}}. */
    public static WardenConfig load(Path file) {
        return load(file, System.getenv());
    }

    /** Loads a config file with the given environment. */
    public static WardenConfig load(Path file, Map<String, String> env) {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(name, List.of("config file not found"));
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(name, "cannot read config file: " + e, e);
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, base, name, env);
    }

    /**
     * Parses and checks config text.
     *
     * @param baseDir folder that relative paths are resolved against
     * @param sourceName how the config is named in error messages
     */
    public static WardenConfig parse(
            String yaml, Path baseDir, String sourceName, Map<String, String> env) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(sourceName, describeSyntax(e), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ConfigException(sourceName, List.of("the file is empty"));
        }
        List<String> missing = new ArrayList<>();
        expandEnvironment(tree, "", env, missing);
        if (!missing.isEmpty()) {
            throw new ConfigException(sourceName, missing);
        }
        WardenConfig raw;
        try {
            raw = YAML.treeToValue(tree, WardenConfig.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(sourceName, describe(e), e);
        }
        WardenConfig resolved = resolvePaths(raw, baseDir);
        List<String> problems = validate(resolved);
        if (!problems.isEmpty()) {
            throw new ConfigException(sourceName, problems);
        }
        return resolved;
    }

    /** Replaces {@code ${env:NAME}} in every string value (not in keys or comments). */
    private static void expandEnvironment(
            JsonNode node, String path, Map<String, String> env, List<String> missing) {
        if (node instanceof ObjectNode obj) {
            List<String> names = new ArrayList<>();
            obj.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode child = obj.get(name);
                String childPath = path.isEmpty() ? name : path + "." + name;
                if (child.isTextual()) {
                    obj.put(name, expand(child.asText(), childPath, env, missing));
                } else {
                    expandEnvironment(child, childPath, env, missing);
                }
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                JsonNode child = arr.get(i);
                String childPath = path + "[" + i + "]";
                if (child.isTextual()) {
                    arr.set(i, TextNode.valueOf(expand(child.asText(), childPath, env, missing)));
                } else {
                    expandEnvironment(child, childPath, env, missing);
                }
            }
        }
    }

    private static String expand(
            String text, String path, Map<String, String> env, List<String> missing) {
        Matcher m = ENV.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null) {
                value = m.group(2);
            }
            if (value == null) {
                missing.add(path + ": environment variable " + m.group(1) + " is not set");
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String describeSyntax(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String at =
                loc == null
                        ? ""
                        : "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
        return at + "not valid YAML: " + firstLine(e.getOriginalMessage());
    }

    /** Turns Jackson's complaint into "path: what is wrong". */
    static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String parent = path(u.getPath().subList(0, u.getPath().size() - 1));
            Set<String> known = new TreeSet<>();
            if (u.getKnownPropertyIds() != null) {
                u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
            }
            return (parent.isEmpty() ? "" : parent + ": ")
                    + "unknown key '"
                    + u.getPropertyName()
                    + "' (known keys: "
                    + String.join(", ", known)
                    + ")";
        }
        if (e instanceof InvalidFormatException f) {
            String expected =
                    f.getTargetType() != null && f.getTargetType().isEnum()
                            ? "one of " + enumValues(f.getTargetType())
                            : "a " + simpleType(f.getTargetType());
            return path(f.getPath())
                    + ": '"
                    + f.getValue()
                    + "' is not valid, expected "
                    + expected;
        }
        if (e instanceof MismatchedInputException mi) {
            String where = path(mi.getPath());
            String what = mi.getOriginalMessage();
            if (mi.getTargetType() != null) {
                what = "expected " + simpleType(mi.getTargetType()) + " (" + firstLine(what) + ")";
            }
            return (where.isEmpty() ? "" : where + ": ") + what;
        }
        if (e instanceof JsonMappingException jm) {
            Throwable cause = jm.getCause() == null ? jm : jm.getCause();
            String where = path(jm.getPath());
            String msg =
                    cause instanceof IllegalArgumentException
                            ? cause.getMessage()
                            : firstLine(jm.getOriginalMessage());
            return (where.isEmpty() ? "" : where + ": ") + msg;
        }
        return describeSyntax(e);
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String enumValues(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (Object c : type.getEnumConstants()) {
            String name = ((Enum<?>) c).name();
            try {
                com.fasterxml.jackson.annotation.JsonProperty jp =
                        type.getField(name)
                                .getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
                names.add(jp != null ? jp.value() : name.toLowerCase(java.util.Locale.ROOT));
            } catch (NoSuchFieldException ex) {
                names.add(name);
            }
        }
        return names.toString();
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping (key: value)";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Integer.class || type == int.class || type == Long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Duration.class) {
            return "a duration (e.g. 30s)";
        }
        return type.getSimpleName();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static WardenConfig resolvePaths(WardenConfig c, Path baseDir) {
        if (baseDir == null) {
            return c;
        }
        List<ModelSpec> models = new ArrayList<>();
        for (ModelSpec m : c.models()) {
            ConfidenceSettings conf = m.detectors().confidence();
            if (conf != null && conf.referenceFile() != null) {
                conf =
                        new ConfidenceSettings(
                                conf.enabled(),
                                conf.alpha(),
                                resolve(baseDir, conf.referenceFile()),
                                conf.reference(),
                                conf.severity());
            }
            ModelSpec.DetectorSettings ds = m.detectors();
            ModelSpec resolved =
                    new ModelSpec(
                            m.name(),
                            m.version(),
                            m.profile() == null ? null : resolve(baseDir, m.profile()),
                            m.profileSha256(),
                            m.features(),
                            m.output(),
                            new ModelSpec.DetectorSettings(
                                    conf,
                                    ds.drift(),
                                    ds.sequential(),
                                    ds.performance(),
                                    resolveOnnx(baseDir, ds.onnx()),
                                    ds.squeezing(),
                                    ds.integrity(),
                                    ds.evasionEnsemble(),
                                    ds.extraction(),
                                    ds.queryAttack(),
                                    ds.blacklight(),
                                    ds.evasionCampaign(),
                                    resolvePoisoning(baseDir, ds.poisoning())),
                            m.servedModel());
            if (m.servedModel() != null && !blank(m.servedModel().model())) {
                resolved = resolved.withServedModelFile(resolve(baseDir, m.servedModel().model()));
            }
            models.add(resolved);
        }
        return new WardenConfig(c.kafka(), c.topics(), c.input(), c.job(), models, c.policy());
    }

    private static ModelSpec.PoisoningSettings resolvePoisoning(
            Path baseDir, ModelSpec.PoisoningSettings poisoning) {
        if (poisoning == null
                || poisoning.records() == null
                || blank(poisoning.records().reference())) {
            return poisoning;
        }
        return poisoning.withRecords(
                poisoning
                        .records()
                        .withReference(resolve(baseDir, poisoning.records().reference())));
    }

    private static List<OnnxDetectorSettings> resolveOnnx(
            Path baseDir, List<OnnxDetectorSettings> detectors) {
        List<OnnxDetectorSettings> out = new ArrayList<>();
        for (OnnxDetectorSettings d : detectors) {
            out.add(
                    d == null || d.model() == null || d.model().isBlank()
                            ? d
                            : d.withModel(resolve(baseDir, d.model())));
        }
        return out;
    }

    private static String resolve(Path baseDir, String file) {
        return baseDir.resolve(file).normalize().toString();
    }

    /** Every problem of a parsed config, each naming its key. Empty when the config is usable. */
    static List<String> validate(WardenConfig c) {
        List<String> p = new ArrayList<>();
        if (c.kafka() == null) {
            p.add("kafka: required section is missing (at least kafka.bootstrap-servers)");
        } else {
            if (blank(c.kafka().bootstrapServers())) {
                p.add("kafka.bootstrap-servers: required (e.g. localhost:9092)");
            }
            if (blank(c.kafka().groupId())) {
                p.add("kafka.group-id: must not be empty");
            }
            c.kafka()
                    .properties()
                    .forEach(
                            (k, v) -> {
                                if (v == null) {
                                    p.add("kafka.properties." + k + ": has no value");
                                }
                                if (k.equals("bootstrap.servers")) {
                                    p.add(
                                            "kafka.properties.bootstrap.servers: set kafka.bootstrap-servers instead");
                                }
                            });
        }
        validateTopics(c.topics(), p);
        validatePolicy(c.policy(), p);
        InputSettings in = c.input();
        positive(in.joinTimeout(), "input.join-timeout", p);
        notNegative(in.maxOutOfOrderness(), "input.max-out-of-orderness", p);
        positive(in.idleTimeout(), "input.idle-timeout", p);
        JobSettings job = c.job();
        if (job.parallelism() != null && job.parallelism() < 1) {
            p.add("job.parallelism: must be at least 1, got " + job.parallelism());
        }
        if (job.checkpointInterval().toMillis() < 100) {
            p.add(
                    "job.checkpoint-interval: must be at least 100ms, got "
                            + Durations.format(job.checkpointInterval()));
        }
        if (blank(job.name())) {
            p.add("job.name: must not be empty");
        }
        if (c.models().isEmpty()) {
            p.add("models: at least one model is required");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < c.models().size(); i++) {
            validateModel(c.models().get(i), "models[" + i + "]", seen, p);
        }
        boolean anyOnnx = c.models().stream().anyMatch(m -> m.detectors().anyOnnx());
        if (c.topics().control() != null && !anyOnnx) {
            p.add(
                    "topics.control: no model has ONNX detectors (detectors.onnx, squeezing or"
                            + " integrity), so there is no model to roll in; remove the key");
        }
        if (c.topics().adversarialExamples() != null && !anyOnnx) {
            p.add(
                    "topics.adversarial-examples: no model has ONNX detectors (detectors.onnx or"
                            + " squeezing) to flag adversarial inputs; remove the key");
        }
        return p;
    }

    private static void validateTopics(TopicSettings t, List<String> p) {
        Map<String, String> byKey = new java.util.LinkedHashMap<>();
        byKey.put("requests", t.requests());
        byKey.put("responses", t.responses());
        byKey.put("events", t.events());
        byKey.put("feedback", t.feedback());
        byKey.put("alerts", t.alerts());
        byKey.put("decisions", t.decisions());
        byKey.put("drift", t.drift());
        byKey.put("performance", t.performance());
        byKey.put("scores", t.scores());
        byKey.put("dead-letter", t.deadLetter());
        if (t.control() != null) {
            byKey.put("control", t.control());
        }
        if (t.adversarialExamples() != null) {
            byKey.put("adversarial-examples", t.adversarialExamples());
        }
        Pattern legal = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
        Map<String, String> owner = new java.util.HashMap<>();
        byKey.forEach(
                (k, v) -> {
                    if (blank(v) || !legal.matcher(v).matches()) {
                        p.add("topics." + k + ": '" + v + "' is not a legal Kafka topic name");
                    } else if (owner.containsKey(v)) {
                        p.add(
                                "topics."
                                        + k
                                        + ": '"
                                        + v
                                        + "' is already used by topics."
                                        + owner.get(v));
                    } else {
                        owner.put(v, k);
                    }
                });
    }

    private static void validateModel(ModelSpec m, String at, Set<String> seen, List<String> p) {
        if (blank(m.name())) {
            p.add(at + ".name: required");
        } else if (!seen.add(m.name() + "\u0000" + m.version())) {
            p.add(
                    at
                            + ": model '"
                            + m.name()
                            + "'"
                            + (m.version() == null ? "" : " version '" + m.version() + "'")
                            + " is configured twice");
        }
        FeatureSpec f = m.features();
        if (f == null) {
            p.add(at + ".features: required (tensor, and names or shape)");
        } else {
            if (blank(f.tensor())) {
                p.add(at + ".features.tensor: required (the input tensor's name)");
            }
            if ((f.names() == null) == (f.shape() == null)) {
                p.add(at + ".features: give exactly one of names (tabular) or shape (e.g. [8, 8])");
            } else if (f.names() != null) {
                if (f.names().isEmpty()) {
                    p.add(at + ".features.names: must not be empty");
                }
                Set<String> dup =
                        f.names().stream()
                                .filter(n -> java.util.Collections.frequency(f.names(), n) > 1)
                                .collect(Collectors.toCollection(TreeSet::new));
                if (!dup.isEmpty()) {
                    p.add(at + ".features.names: duplicate names " + dup);
                }
            } else if (f.shape().isEmpty()
                    || f.shape().stream().anyMatch(d -> d == null || d < 1)) {
                p.add(
                        at
                                + ".features.shape: dimensions must be positive integers, got "
                                + f.shape());
            }
        }
        OutputSpec o = m.output();
        if (o == null) {
            p.add(at + ".output: required (tensor, type, classes)");
        } else {
            if (blank(o.tensor())) {
                p.add(at + ".output.tensor: required (the output tensor's name)");
            }
            if (o.classes() == null || o.classes().size() < 2) {
                p.add(at + ".output.classes: at least two class labels are required");
            } else if (new HashSet<>(o.classes()).size() != o.classes().size()) {
                p.add(at + ".output.classes: labels must be unique");
            }
        }
        ReferenceProfile profile = checkProfile(m, at, p);
        ConfidenceSettings conf = m.detectors().confidence();
        if (conf != null && conf.enabled()) {
            String ca = at + ".detectors.confidence";
            if (!(conf.alpha() > 0 && conf.alpha() < 1)) {
                p.add(ca + ".alpha: must be in (0, 1), got " + conf.alpha());
            }
            ConfidenceReference reference = null;
            if (conf.referenceFile() != null && conf.reference() != null) {
                p.add(ca + ": give at most one of reference-file or reference");
            } else if (conf.referenceFile() != null) {
                try {
                    ConfidenceReferenceFile file =
                            ConfidenceReferenceFile.read(Path.of(conf.referenceFile()));
                    reference = ConfidenceReference.of(file.msp(), file.entropy(), file.margin());
                } catch (IllegalArgumentException e) {
                    p.add(ca + ".reference-file: " + e.getMessage());
                }
            } else if (conf.reference() != null) {
                int before = p.size();
                checkSamples(conf.reference().msp(), ca + ".reference.msp", p);
                checkSamples(conf.reference().entropy(), ca + ".reference.entropy", p);
                checkSamples(conf.reference().margin(), ca + ".reference.margin", p);
                if (p.size() == before) {
                    try {
                        reference = conf.reference().toReference();
                    } catch (IllegalArgumentException e) {
                        p.add(ca + ".reference: " + e.getMessage());
                    }
                }
            } else if (m.profile() == null) {
                p.add(
                        ca
                                + ": needs a reference: set "
                                + at
                                + ".profile, or reference-file, or reference");
            } else if (profile != null && profile.predictions().isEmpty()) {
                p.add(
                        ca
                                + ": the profile has no predictions to take the confidence"
                                + " reference from; build it from traffic with outputs, or set"
                                + " reference-file");
            } else if (profile != null) {
                reference = profile.predictions().flatMap(x -> x.confidence()).orElse(null);
            }
            // The detector refuses an alpha its reference is too small to ever reach: say so now,
            // naming the key, rather than when the job is built.
            if (reference != null && conf.alpha() > 0 && conf.alpha() < 1) {
                try {
                    new ConfidenceAnomalyDetector(reference, conf.alpha());
                } catch (IllegalArgumentException e) {
                    p.add(ca + ".alpha: " + e.getMessage());
                }
            }
        }
        DriftSettings drift = m.detectors().drift();
        if (drift != null && drift.enabled()) {
            validateDrift(drift, m, at + ".detectors.drift", p);
        }
        SequentialSettings seq = m.detectors().sequential();
        if (seq != null && seq.enabled()) {
            validateSequential(seq, m, at + ".detectors.sequential", p);
        }
        PerformanceSettings perf = m.detectors().performance();
        if (perf != null && perf.enabled()) {
            validatePerformance(perf, at + ".detectors.performance", p);
        }
        List<OnnxDetectorSettings> onnx = m.detectors().onnx();
        Set<String> onnxNames = new HashSet<>();
        for (int i = 0; i < onnx.size(); i++) {
            validateOnnx(onnx.get(i), m, profile, at + ".detectors.onnx[" + i + "]", onnxNames, p);
        }
        ServedModelValidation.validate(m, profile, at, onnxNames, p);
        if (m.detectors().extraction() != null) {
            validateExtraction(m.detectors().extraction(), at + ".detectors.extraction", p);
        }
        ModelSpec.PoisoningSettings poisoning = m.detectors().poisoning();
        if (poisoning != null) {
            String pa = at + ".detectors.poisoning";
            if (!ModelCatalog.performanceOn(m)) {
                p.add(
                        pa
                                + ": needs detectors.performance (its label join matches labels"
                                + " to predictions)");
            }
            Double rate = poisoning.expectedDisagreementRate();
            if (rate != null && !(rate > 0 && rate < 1)) {
                p.add(pa + ".expected-disagreement-rate: must be in (0, 1), got " + rate);
            }
            double consensus = poisoning.expectedConsensusDisagreementRate();
            if (!(consensus > 0 && consensus < 1)) {
                p.add(
                        pa
                                + ".expected-consensus-disagreement-rate: must be in (0, 1), got "
                                + consensus);
            }
            if (!(poisoning.alpha() > 0 && poisoning.alpha() < 1)) {
                p.add(pa + ".alpha: must be in (0, 1), got " + poisoning.alpha());
            }
            if (poisoning.minRecords() < 1) {
                p.add(pa + ".min-records: must be at least 1, got " + poisoning.minRecords());
            }
            if (poisoning.window() < poisoning.minRecords()) {
                p.add(pa + ".window: must be at least min-records, got " + poisoning.window());
            }
            if (!(poisoning.concentrationThreshold() > 0
                    && poisoning.concentrationThreshold() <= 1)) {
                p.add(
                        pa
                                + ".concentration-threshold: must be in (0, 1], got "
                                + poisoning.concentrationThreshold());
            }
            if (poisoning.minDisagreements() < 1) {
                p.add(
                        pa
                                + ".min-disagreements: must be at least 1, got "
                                + poisoning.minDisagreements());
            }
            positive(poisoning.idleTtl(), pa + ".idle-ttl", p);
            if (poisoning.records() != null) {
                FeedbackRecordValidation.validate(m, poisoning.records(), pa + ".records", p);
            }
        }
        ModelSpec.CampaignSettings campaign = m.detectors().evasionCampaign();
        if (campaign != null) {
            String ca = at + ".detectors.evasion-campaign";
            if (campaign.minFlagged() < 1 || campaign.minFlagged() > 1000) {
                p.add(ca + ".min-flagged: must be in [1, 1000], got " + campaign.minFlagged());
            }
            positive(campaign.window(), ca + ".window", p);
            if (!m.detectors().anyOnnx()) {
                p.add(
                        ca
                                + ": needs per-request evasion detection to count (detectors.onnx,"
                                + " squeezing or evasion-ensemble)");
            }
        }
        if (m.detectors().blacklight() != null) {
            validateBlacklight(
                    m.detectors().blacklight(), m, profile, at + ".detectors.blacklight", p);
        }
        if (m.detectors().queryAttack() != null) {
            validateQueryAttack(
                    m.detectors().queryAttack(), m, profile, at + ".detectors.query-attack", p);
        }
    }

    private static void validatePolicy(PolicySettings policy, List<String> p) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < policy.rules().size(); i++) {
            String at = "policy.rules[" + i + "]";
            PolicySettings.RuleSettings r = policy.rules().get(i);
            if (r == null) {
                p.add(at + ": empty entry (name, kinds, subject, action)");
                continue;
            }
            if (r.name() != null && !names.add(r.name())) {
                p.add(at + ".name: '" + r.name() + "' is used by another rule");
            }
            try {
                r.toRule();
            } catch (IllegalArgumentException | NullPointerException e) {
                p.add(at + ": " + e.getMessage());
            }
        }
    }

    private static void validateBlacklight(
            BlacklightSettings s,
            ModelSpec m,
            ReferenceProfile profile,
            String at,
            List<String> p) {
        int width = m.features() == null ? -1 : m.features().width();
        if (s.levels() < 2 || s.levels() > 65_536) {
            p.add(at + ".levels: must be in [2, 65536], got " + s.levels());
        }
        if (s.windowSize() < 1 || (width > 0 && s.windowSize() > width)) {
            p.add(
                    at
                            + ".window-size: must be in [1, the feature count "
                            + width
                            + "], got "
                            + s.windowSize());
        }
        if (s.windowStep() < 1) {
            p.add(at + ".window-step: must be at least 1, got " + s.windowStep());
        }
        if (s.fingerprintSize() < 1) {
            p.add(at + ".fingerprint-size: must be at least 1, got " + s.fingerprintSize());
        }
        if (s.matchThreshold() < 1 || s.matchThreshold() > s.fingerprintSize()) {
            p.add(
                    at
                            + ".match-threshold: must be in [1, fingerprint-size], got "
                            + s.matchThreshold());
        }
        positive(s.horizon(), at + ".horizon", p);
        if (s.maxEntries() < s.fingerprintSize()) {
            p.add(at + ".max-entries: must be at least fingerprint-size, got " + s.maxEntries());
        }
        if (s.maxClientsPerHash() < 1) {
            p.add(at + ".max-clients-per-hash: must be at least 1, got " + s.maxClientsPerHash());
        }
        if (s.range() != null) {
            if (s.range().size() != 2
                    || s.range().stream().anyMatch(v -> v == null)
                    || !(s.range().get(0) < s.range().get(1))) {
                p.add(at + ".range: must be [min, max] with min < max, got " + s.range());
            }
        } else if (m.profile() == null) {
            p.add(
                    at
                            + ".range: required without a profile (the quantization range of the"
                            + " features, e.g. [0, 16]); or set the model's profile");
        } else if (profile != null && width > 0) {
            List<String> missing =
                    featureNamesOrEmpty(m).stream()
                            .filter(f -> profile.schema().numericIndex(f) < 0)
                            .toList();
            if (!missing.isEmpty()) {
                p.add(
                        at
                                + ".range: the profile has no numeric "
                                + abbreviate(missing)
                                + " to take the ranges from; give range");
            }
        }
    }

    private static void validateQueryAttack(
            QueryAttackSettings s,
            ModelSpec m,
            ReferenceProfile profile,
            String at,
            List<String> p) {
        if (s.neighbours() < 1) {
            p.add(at + ".neighbours: must be at least 1, got " + s.neighbours());
        }
        if (s.bufferSize() < s.neighbours()) {
            p.add(
                    at
                            + ".buffer-size: must be at least neighbours ("
                            + s.neighbours()
                            + "), got "
                            + s.bufferSize());
        }
        positive(s.idleTtl(), at + ".idle-ttl", p);
        if (s.threshold() != null && s.alpha() != null) {
            p.add(at + ": give threshold or alpha, not both");
        } else if (s.threshold() != null) {
            if (!(s.threshold() >= 0 && Double.isFinite(s.threshold()))) {
                p.add(at + ".threshold: must be a finite distance >= 0, got " + s.threshold());
            }
        } else if (!(s.alpha() > 0 && s.alpha() < 1)) {
            p.add(at + ".alpha: must be in (0, 1), got " + s.alpha());
        } else if (m.profile() == null) {
            p.add(
                    at
                            + ".alpha: needs the model's profile (its row sample calibrates the"
                            + " threshold): set the model's profile, or give threshold");
        } else if (profile != null
                && (profile.multivariate().isEmpty()
                        || profile.multivariate().get().sample().size() <= s.neighbours())) {
            p.add(
                    at
                            + ".alpha: the profile "
                            + m.profile()
                            + " has no row sample larger than neighbours to calibrate on; give"
                            + " threshold");
        }
    }

    private static void validateExtraction(ExtractionSettings s, String at, List<String> p) {
        if (!(s.delta() > 0 && s.delta() < 1)) {
            p.add(at + ".delta: must be in (0, 1), got " + s.delta());
        }
        if (s.minDistances() < 3) {
            p.add(
                    at
                            + ".min-distances: must be at least 3 (Shapiro-Wilk), got "
                            + s.minDistances());
        }
        if (s.distanceWindow() < s.minDistances() || s.distanceWindow() > 5000) {
            p.add(
                    at
                            + ".distance-window: must be in [min-distances, 5000], got "
                            + s.distanceWindow());
        }
        if (s.testInterval() < 1) {
            p.add(at + ".test-interval: must be at least 1, got " + s.testInterval());
        }
        if (s.maxQueriesPerClass() < 1) {
            p.add(at + ".max-queries-per-class: must be at least 1, got " + s.maxQueriesPerClass());
        }
        if (!(s.maxQueriesPerSecond() > 0)) {
            p.add(at + ".max-queries-per-second: must be positive, got " + s.maxQueriesPerSecond());
        }
        positive(s.rateTimeConstant(), at + ".rate-time-constant", p);
        if (!(s.minClassEntropy() > 0 && s.minClassEntropy() <= 1)) {
            p.add(at + ".min-class-entropy: must be in (0, 1], got " + s.minClassEntropy());
        }
        if (s.minQueries() < 1) {
            p.add(at + ".min-queries: must be at least 1, got " + s.minQueries());
        }
        if (!(s.boundaryMargin() > 0 && s.boundaryMargin() <= 1)) {
            p.add(at + ".boundary-margin: must be in (0, 1], got " + s.boundaryMargin());
        }
        if (!(s.maxBoundaryShare() >= 0 && s.maxBoundaryShare() < 1)) {
            p.add(at + ".max-boundary-share: must be in [0, 1), got " + s.maxBoundaryShare());
        }
        if (s.boundaryWindow() < Math.max(1, s.minQueries())) {
            p.add(
                    at
                            + ".boundary-window: must be at least min-queries ("
                            + s.minQueries()
                            + "), got "
                            + s.boundaryWindow());
        }
        if (s.alertOn().isEmpty() || s.alertOn().stream().anyMatch(n -> n == null)) {
            p.add(
                    at
                            + ".alert-on: at least one of prada, query-rate, class-coverage,"
                            + " near-boundary");
        }
        positive(s.idleTtl(), at + ".idle-ttl", p);
    }

    /**
     * Checks one ONNX detector: its settings, the model file against its pin (a missing file or a
     * mismatch names the key and the file), the reference rows an {@code alpha} needs, and, when
     * all of that holds, that the model's input and output fit (a session is opened and closed).
     */
    private static void validateOnnx(
            OnnxDetectorSettings d,
            ModelSpec m,
            ReferenceProfile profile,
            String at,
            Set<String> names,
            List<String> p) {
        if (d == null) {
            p.add(
                    at
                            + ": empty entry (name, model, sha256, input, output or builtin,"
                            + " threshold or alpha)");
            return;
        }
        int before = p.size();
        if (blank(d.name())) {
            p.add(at + ".name: required (names the detector in alerts)");
        } else if (!names.add(d.name())) {
            p.add(at + ".name: '" + d.name() + "' is used by another ONNX detector of this model");
        }
        if (d.builtin() == null) {
            if (blank(d.input())) {
                p.add(at + ".input: required (the ONNX model's input tensor fed with the rows)");
            }
            if (blank(d.output())) {
                p.add(at + ".output: required (the ONNX model's output tensor holding the score)");
            }
        }
        List<String> modelFeatures = m.features() == null ? List.of() : featureNamesOrEmpty(m);
        if (d.features() != null) {
            if (d.features().isEmpty()) {
                p.add(at + ".features: must not be empty (omit it to feed every feature)");
            }
            List<String> unknown =
                    d.features().stream().filter(f -> !modelFeatures.contains(f)).toList();
            if (!unknown.isEmpty()) {
                p.add(at + ".features: " + abbreviate(unknown) + " not in the model's features");
            }
            Set<String> dup =
                    d.features().stream()
                            .filter(n -> java.util.Collections.frequency(d.features(), n) > 1)
                            .collect(Collectors.toCollection(TreeSet::new));
            if (!dup.isEmpty()) {
                p.add(at + ".features: duplicate names " + dup);
            }
        }
        if (m.detectors().evasionEnsemble() != null) {
            if (d.threshold() != null || d.alpha() != null) {
                p.add(
                        at
                                + ": neither threshold nor alpha with evasion-ensemble (the"
                                + " ensemble's alpha judges every member)");
            }
        } else if ((d.threshold() == null) == (d.alpha() == null)) {
            p.add(
                    at
                            + ": give exactly one of threshold (a fixed score threshold) or alpha"
                            + " (conformal, against the profile's reference rows)");
        } else if (d.threshold() != null && !Double.isFinite(d.threshold())) {
            p.add(at + ".threshold: must be a finite number, got " + d.threshold());
        } else if (d.alpha() != null) {
            validateOnnxAlpha(d, m, profile, at, p);
        }
        if (d.batchSize() < 1 || d.batchSize() > 65_536) {
            p.add(at + ".batch-size: must be in [1, 65536], got " + d.batchSize());
        }
        positive(d.maxWait(), at + ".max-wait", p);
        if (d.intraOpThreads() < 1) {
            p.add(at + ".intra-op-threads: must be at least 1, got " + d.intraOpThreads());
        }
        if (d.builtin() != null) {
            validateBuiltin(d, m, profile, at, p);
            return;
        }
        ModelFile file = null;
        if (blank(d.model())) {
            p.add(
                    at
                            + ".model: required (the ONNX file, relative to the config file), or"
                            + " builtin: pca | mahalanobis instead of model, sha256, input and"
                            + " output");
        }
        if (blank(d.sha256())) {
            p.add(
                    at
                            + ".sha256: required: the model file's SHA-256 (e.g. from `sha256sum"
                            + " FILE`), which pins it");
        } else if (!blank(d.model())) {
            try {
                file = new ModelFile(Path.of(d.model()), d.sha256());
            } catch (IllegalArgumentException e) {
                p.add(at + ".sha256: " + e.getMessage());
            }
        }
        if (file == null) {
            return;
        }
        try {
            file.readVerified();
        } catch (ModelIntegrityException e) {
            p.add(at + ".sha256: " + e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            p.add(at + ".model: " + e.getMessage());
            return;
        }
        if (p.size() > before || modelFeatures.isEmpty()) {
            return;
        }
        OnnxScorerSettings settings =
                new OnnxScorerSettings(
                        d.input(),
                        d.output(),
                        d.inputFeatures(m.features()).size(),
                        d.intraOpThreads(),
                        OnnxScorerSettings.DEFAULT_INTER_OP_THREADS,
                        ExecutionProvider.CPU);
        try (OnnxScorer scorer = new OnnxScorer(file, settings)) {
            if (scorer.outputWidth() != 1) {
                p.add(
                        at
                                + ".output: '"
                                + d.output()
                                + "' of "
                                + d.model()
                                + " gives "
                                + scorer.outputWidth()
                                + " values per row; a score output gives one ([batch] or [batch,"
                                + " 1])");
            }
        } catch (RuntimeException e) {
            p.add(at + ": " + e.getMessage());
        }
    }

    /**
     * Checks a built-in ONNX detector ({@code builtin}): none of the keys its export provides, the
     * model's profile, which must have a multivariate part whose numeric features the model has,
     * and that the export succeeds.
     */
    private static void validateBuiltin(
            OnnxDetectorSettings d,
            ModelSpec m,
            ReferenceProfile profile,
            String at,
            List<String> p) {
        String why = ": not with builtin (the built-in detector's export provides it); give";
        String either = " either builtin or model, sha256, input and output";
        if (d.model() != null) {
            p.add(at + ".model" + why + either);
        }
        if (d.sha256() != null) {
            p.add(at + ".sha256" + why + either);
        }
        if (d.input() != null) {
            p.add(at + ".input" + why + either);
        }
        if (d.output() != null) {
            p.add(at + ".output" + why + either);
        }
        if (d.features() != null) {
            p.add(
                    at
                            + ".features: not with builtin (a built-in detector takes the profile's"
                            + " numeric features, in the profile's order)");
        }
        if (m.profile() == null) {
            p.add(
                    at
                            + ".builtin: needs the model's profile (the built-in detector is fitted"
                            + " from it): set the model's profile");
            return;
        }
        if (profile == null) {
            return; // the profile's own problem is reported
        }
        List<String> numeric = profile.schema().numericFeatures();
        List<String> modelFeatures = m.features() == null ? List.of() : featureNamesOrEmpty(m);
        List<String> missing = numeric.stream().filter(f -> !modelFeatures.contains(f)).toList();
        if (!missing.isEmpty()) {
            p.add(
                    at
                            + ".builtin: the profile's numeric features "
                            + abbreviate(missing)
                            + " are not in the model's features");
            return;
        }
        try {
            switch (d.builtin()) {
                case PCA -> BuiltInDetectors.pcaReconstruction(profile);
                case MAHALANOBIS -> BuiltInDetectors.mahalanobis(profile);
            }
        } catch (IllegalArgumentException e) {
            p.add(at + ".builtin: " + e.getMessage());
        }
    }

    private static void validateOnnxAlpha(
            OnnxDetectorSettings d,
            ModelSpec m,
            ReferenceProfile profile,
            String at,
            List<String> p) {
        validateConformalAlpha(d.alpha(), 1, m, profile, at, p);
    }

    /**
     * Checks a conformal alpha against the profile's row sample: in (0, 1), a profile with a row
     * sample, and reachable with {@code 1/share} of the sample's rows (the ensemble ranks against
     * half of them).
     */
    static void validateConformalAlpha(
            double alpha,
            int share,
            ModelSpec m,
            ReferenceProfile profile,
            String at,
            List<String> p) {
        if (!(alpha > 0 && alpha < 1)) {
            p.add(at + ".alpha: must be in (0, 1), got " + alpha);
            return;
        }
        if (m.profile() == null) {
            p.add(
                    at
                            + ".alpha: needs reference rows, which come from the model's profile"
                            + " (its multivariate row sample): set the model's profile, or use"
                            + " threshold");
            return;
        }
        if (profile == null) {
            return; // the profile's own problem is reported
        }
        if (profile.multivariate().isEmpty() || profile.multivariate().get().sample().isEmpty()) {
            p.add(
                    at
                            + ".alpha: the profile "
                            + m.profile()
                            + " holds no multivariate row sample (it has fewer than two numeric"
                            + " features, or no complete rows); use threshold");
            return;
        }
        int n = profile.multivariate().get().sample().size() / share;
        double smallest = 1.0 / (n + 1);
        if (alpha < smallest) {
            p.add(
                    at
                            + ".alpha: "
                            + alpha
                            + " is below 1/(n+1) = "
                            + smallest
                            + ", the smallest p-value the profile's "
                            + n
                            + " reference rows can give, so it would never flag; raise alpha or"
                            + " build the profile with a larger sample");
        }
    }

    private static void validatePerformance(PerformanceSettings s, String at, List<String> p) {
        positive(s.window(), at + ".window", p);
        notNegative(s.labelWait(), at + ".label-wait", p);
        Double ref = s.referenceAccuracy();
        if (ref == null) {
            p.add(
                    at
                            + ".reference-accuracy: required (the model's accuracy on its"
                            + " validation data, which windows are compared with)");
        } else if (!(ref > 0 && ref <= 1)) {
            p.add(at + ".reference-accuracy: must be in (0, 1], got " + ref);
        } else if (!(s.maxDrop() >= 0 && s.maxDrop() < ref)) {
            p.add(
                    at
                            + ".max-drop: must be in [0, reference-accuracy "
                            + ref
                            + "), got "
                            + s.maxDrop());
        }
        if (s.referenceEce() != null && !(s.referenceEce() >= 0 && s.referenceEce() <= 1)) {
            p.add(at + ".reference-ece: must be in [0, 1], got " + s.referenceEce());
        }
        if (!(s.alpha() > 0 && s.alpha() < 1)) {
            p.add(at + ".alpha: must be in (0, 1), got " + s.alpha());
        }
        if (s.minLabels() < 1) {
            p.add(at + ".min-labels: must be at least 1, got " + s.minLabels());
        }
        if (s.calibrationBins() < 1 || s.calibrationBins() > 1000) {
            p.add(at + ".calibration-bins: must be in [1, 1000], got " + s.calibrationBins());
        }
        if (s.alertAfter() < 1) {
            p.add(at + ".alert-after: must be at least 1");
        }
        if (s.recoverAfter() < 1) {
            p.add(at + ".recover-after: must be at least 1");
        }
    }

    /** Reads and checks the model's profile; null when there is none or it is unusable. */
    private static ReferenceProfile checkProfile(ModelSpec m, String at, List<String> p) {
        if (m.profile() == null) {
            if (m.profileSha256() != null) {
                p.add(at + ".profile-sha256: given without " + at + ".profile");
            }
            return null;
        }
        ProfileFile file;
        try {
            file = ProfileIo.read(Path.of(m.profile()));
        } catch (IllegalArgumentException e) {
            p.add(at + ".profile: " + e.getMessage());
            return null;
        }
        if (m.profileSha256() != null && !m.profileSha256().equalsIgnoreCase(file.sha256())) {
            p.add(
                    at
                            + ".profile-sha256: "
                            + m.profile()
                            + " has SHA-256 "
                            + file.sha256()
                            + ", not the pinned "
                            + m.profileSha256());
        }
        ReferenceProfile profile = file.profile();
        if (m.features() != null
                && (m.features().names() != null || m.features().shape() != null)) {
            List<String> missing = new ArrayList<>();
            for (String name : m.features().featureNames()) {
                if (profile.schema().numericIndex(name) < 0) {
                    missing.add(name);
                }
            }
            if (!missing.isEmpty()) {
                p.add(
                        at
                                + ".profile: "
                                + m.profile()
                                + " has no numeric feature(s) "
                                + abbreviate(missing)
                                + " of "
                                + at
                                + ".features");
            }
        }
        if (m.output() != null
                && m.output().classes() != null
                && profile.predictions().isPresent()
                && !profile.predictions().get().classLabels().equals(m.output().classes())) {
            p.add(
                    at
                            + ".profile: its classes "
                            + profile.predictions().get().classLabels()
                            + " differ from "
                            + at
                            + ".output.classes "
                            + m.output().classes());
        }
        return profile;
    }

    private static void validateDrift(DriftSettings d, ModelSpec m, String at, List<String> p) {
        if (m.profile() == null) {
            p.add(at + ": needs the model's reference profile (set the model's profile)");
        }
        positive(d.window(), at + ".window", p);
        if (d.slide() != null) {
            positive(d.slide(), at + ".slide", p);
            if (d.slide().compareTo(d.window()) > 0) {
                p.add(at + ".slide: must not be longer than the window");
            }
        }
        if (d.minSamples() < 1) {
            p.add(at + ".min-samples: must be at least 1, got " + d.minSamples());
        }
        try {
            MultipleTesting.Correction.fromId(d.correction());
        } catch (IllegalArgumentException e) {
            p.add(
                    at
                            + ".correction: '"
                            + d.correction()
                            + "' is not one of [none, bonferroni, holm, benjamini-hochberg]");
        }
        if (!(d.alpha() > 0 && d.alpha() < 1)) {
            p.add(at + ".alpha: must be in (0, 1), got " + d.alpha());
        }
        try {
            d.driftThresholds();
        } catch (IllegalArgumentException e) {
            p.add(at + ".thresholds: " + e.getMessage());
        }
        if (d.minDriftedFeatures() < 1) {
            p.add(at + ".min-drifted-features: must be at least 1");
        }
        if (d.alertAfter() < 1) {
            p.add(at + ".alert-after: must be at least 1");
        }
        if (d.recoverAfter() < 1) {
            p.add(at + ".recover-after: must be at least 1");
        }
    }

    private static void validateSequential(
            SequentialSettings s, ModelSpec m, String at, List<String> p) {
        if (s.signals().isEmpty()) {
            p.add(at + ".signals: at least one signal is required");
        }
        List<String> features = m.features() == null ? List.of() : featureNamesOrEmpty(m);
        List<String> featureSignals = new ArrayList<>();
        for (String signal : s.signals()) {
            if (SEQUENTIAL_CONFIDENCE_SIGNALS.contains(signal)) {
                continue;
            }
            if (features.contains(signal)) {
                featureSignals.add(signal);
            } else {
                p.add(
                        at
                                + ".signals: '"
                                + signal
                                + "' is neither msp, entropy, margin nor a feature name");
            }
        }
        Set<String> dup =
                s.signals().stream()
                        .filter(n -> java.util.Collections.frequency(s.signals(), n) > 1)
                        .collect(Collectors.toCollection(TreeSet::new));
        if (!dup.isEmpty()) {
            p.add(at + ".signals: duplicate signals " + dup);
        }
        if (!featureSignals.isEmpty() && m.profile() == null) {
            p.add(
                    at
                            + ".signals: feature signal(s) "
                            + abbreviate(featureSignals)
                            + " need the model's reference profile (their values are put on [0, 1]"
                            + " by the profile's CDF); set the model's profile");
        }
        if (s.detector() == ModelSpec.SequentialDetector.ADWIN) {
            if (s.delta() != null && !(s.delta() > 0 && s.delta() < 1)) {
                p.add(at + ".delta: ADWIN's confidence must be in (0, 1), got " + s.delta());
            }
        } else if (s.delta() != null && !(s.delta() >= 0 && s.delta() < 1)) {
            p.add(
                    at
                            + ".delta: Page-Hinkley's tolerated change must be in [0, 1) (signals"
                            + " are on [0, 1]), got "
                            + s.delta());
        }
        if (s.threshold() != null && !(s.threshold() > 0)) {
            p.add(at + ".threshold: must be positive, got " + s.threshold());
        }
        if (s.threshold() != null && s.detector() == ModelSpec.SequentialDetector.ADWIN) {
            p.add(at + ".threshold: applies to page-hinkley only");
        }
        if (s.detector() == ModelSpec.SequentialDetector.ADWIN) {
            if (s.fading() != null) {
                p.add(
                        at
                                + ".fading: applies to page-hinkley only (the fading factor of its"
                                + " cumulative sums); remove it or set detector: page-hinkley");
            }
        } else if (s.fading() != null && !(s.fading() > 0 && s.fading() <= 1)) {
            p.add(
                    at
                            + ".fading: Page-Hinkley's fading factor must be in (0, 1] (1: no"
                            + " fading), got "
                            + s.fading());
        }
        if (s.cooldown() < 0) {
            p.add(at + ".cooldown: must not be negative");
        }
    }

    /** The per-request confidence signals a sequential detector can watch. */
    public static final Set<String> SEQUENTIAL_CONFIDENCE_SIGNALS =
            Set.of("msp", "entropy", "margin");

    static List<String> featureNamesOrEmpty(ModelSpec m) {
        FeatureSpec f = m.features();
        return f.names() != null || f.shape() != null ? f.featureNames() : List.of();
    }

    static String abbreviate(List<String> names) {
        return names.size() <= 5
                ? names.toString()
                : names.subList(0, 5) + " and " + (names.size() - 5) + " more";
    }

    private static void checkSamples(List<Double> samples, String at, List<String> p) {
        if (samples == null || samples.isEmpty()) {
            p.add(at + ": required, a non-empty list of numbers");
        } else {
            for (int i = 0; i < samples.size(); i++) {
                Double v = samples.get(i);
                if (v == null || !Double.isFinite(v)) {
                    p.add(at + "[" + i + "]: must be a finite number, got " + v);
                    return;
                }
            }
        }
    }

    static void positive(Duration d, String key, List<String> p) {
        if (d.isZero() || d.isNegative()) {
            p.add(key + ": must be positive, got " + Durations.format(d));
        }
    }

    private static void notNegative(Duration d, String key, List<String> p) {
        if (d.isNegative()) {
            p.add(key + ": must not be negative");
        }
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Durations in {@code 30s} / {@code PT30S} form; the message names the accepted forms. */
    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String text = p.getValueAsString();
            if (text == null) {
                return (Duration) ctx.handleUnexpectedToken(Duration.class, p);
            }
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw JsonMappingException.from(p, e.getMessage(), e);
            }
        }
    }
}
