package io.warden.jobs.profile;

import io.warden.detectors.confidence.Confidence;
import io.warden.detectors.profile.ProfileSchema;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.OutputType;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.monitor.TrafficValidator;
import io.warden.jobs.monitor.TrafficValidator.Rejection;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * The model a profile is built for, as the config describes it: which records belong to it, how
 * they are validated (as the monitor job does, with {@link TrafficValidator}), and the profile's
 * rows in a valid record.
 *
 * <p>A record belongs to the target when the config resolves its model name and version to the
 * target's {@link ModelSpec} (so a version with a spec of its own is left to that spec) and, when
 * the target is one version, when it is of that version. The profile's numeric features are the
 * configured feature names ({@link ModelSpec.FeatureSpec#featureNames()}); with predictions, its
 * classes are the configured classes, and logits are turned into probabilities by softmax.
 */
public final class ProfileTarget {
    private final WardenConfig config;
    private final ModelSpec spec;
    private final String modelName;
    private final String modelVersion;
    private final TrafficValidator validator;

    private ProfileTarget(WardenConfig config, ModelSpec spec, String name, String version) {
        this.config = config;
        this.spec = spec;
        this.modelName = name;
        this.modelVersion = version;
        this.validator = new TrafficValidator(config);
    }

    /**
     * The model {@code name} (and {@code version}, if given) of the config: the spec the config
     * resolves the pair to. Without a version, the name's spec for every version, or its only spec.
     *
     * @throws IllegalArgumentException naming the configured models, when there is no such model or
     *     the name has several versions configured and none is given
     */
    public static ProfileTarget select(WardenConfig config, String name, String version) {
        Objects.requireNonNull(name, "name");
        List<ModelSpec> named = new ArrayList<>();
        for (ModelSpec m : config.models()) {
            if (m.name().equals(name)) {
                named.add(m);
            }
        }
        if (named.isEmpty()) {
            throw new IllegalArgumentException(
                    "model '" + name + "' is not configured (configured: " + known(config) + ")");
        }
        if (version != null) {
            ModelSpec spec =
                    config.model(name, version)
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "model '"
                                                            + name
                                                            + "' version '"
                                                            + version
                                                            + "' is not configured (configured: "
                                                            + known(config)
                                                            + ")"));
            return new ProfileTarget(config, spec, name, version);
        }
        ModelSpec any = config.model(name, null).orElse(null);
        if (any != null) {
            return new ProfileTarget(config, any, name, null);
        }
        if (named.size() == 1) {
            return new ProfileTarget(config, named.get(0), name, named.get(0).version());
        }
        throw new IllegalArgumentException(
                "model '"
                        + name
                        + "' is configured for several versions "
                        + known(config)
                        + "; give --model-version");
    }

    private static List<String> known(WardenConfig config) {
        List<String> out = new ArrayList<>();
        for (ModelSpec m : config.models()) {
            out.add(m.version() == null ? m.name() : m.name() + ":" + m.version());
        }
        return out;
    }

    /** The model's spec in the config. */
    public ModelSpec spec() {
        return spec;
    }

    /** The config the target is part of. */
    public WardenConfig config() {
        return config;
    }

    /** The model's name. */
    public String modelName() {
        return modelName;
    }

    /** The version profiled, or null for every version the spec covers. */
    public String modelVersion() {
        return modelVersion;
    }

    /** The name and, if any, version, e.g. {@code fraud:3}. */
    public String displayName() {
        return modelVersion == null ? modelName : modelName + ":" + modelVersion;
    }

    /** Whether a record of this model name and version belongs to the profile. */
    public boolean covers(String name, String version) {
        if (!modelName.equals(name)) {
            return false;
        }
        if (modelVersion != null && !modelVersion.equals(version)) {
            return false;
        }
        return config.model(name, version).map(spec::equals).orElse(false);
    }

    /** The profile's schema: the configured features, and classes with predictions. */
    public ProfileSchema schema(boolean withPredictions) {
        return ProfileSchema.of(
                spec.features().featureNames(),
                List.of(),
                withPredictions ? spec.output().classes() : List.of());
    }

    /** The monitor job's verdict on an event or request: null when it is valid. */
    public Rejection check(SpecificRecord record) {
        if (record instanceof InferenceEvent e) {
            return validator.checkEvent(e);
        }
        if (record instanceof InferenceRequest r) {
            return validator.checkRequest(r);
        }
        throw new IllegalArgumentException("not an event or request: " + record.getClass());
    }

    /** Takes the rows of a record: features, and probabilities (null without predictions). */
    @FunctionalInterface
    public interface RowSink {
        void add(double[] features, double[] probabilities);
    }

    /**
     * Hands each row of a valid event or request (one per row of a batched tensor) to the sink. An
     * event's probabilities are the output tensor's row, or its softmax for logits.
     */
    public void rows(SpecificRecord record, RowSink sink) {
        List<Double> inputs;
        List<Double> outputs = null;
        if (record instanceof InferenceEvent e) {
            inputs = tensor(e.getInputs(), spec.features().tensor()).getData();
            outputs = tensor(e.getOutputs(), spec.output().tensor()).getData();
        } else if (record instanceof InferenceRequest r) {
            inputs = tensor(r.getInputs(), spec.features().tensor()).getData();
        } else {
            throw new IllegalArgumentException("not an event or request: " + record.getClass());
        }
        int width = spec.features().width();
        int rows = inputs.size() / width;
        int classes = spec.output().classes().size();
        boolean logits = spec.output().type() == OutputType.LOGITS;
        for (int r = 0; r < rows; r++) {
            double[] x = new double[width];
            for (int j = 0; j < width; j++) {
                x[j] = inputs.get(r * width + j);
            }
            double[] p = null;
            if (outputs != null) {
                p = new double[classes];
                for (int k = 0; k < classes; k++) {
                    p[k] = outputs.get(r * classes + k);
                }
                if (logits) {
                    Confidence.softmax(p, p);
                }
            }
            sink.add(x, p);
        }
    }

    private static Tensor tensor(List<Tensor> tensors, String name) {
        for (Tensor t : tensors) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        throw new IllegalStateException("a validated record without tensor " + name);
    }
}
