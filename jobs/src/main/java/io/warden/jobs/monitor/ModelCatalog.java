package io.warden.jobs.monitor;

import io.warden.detectors.confidence.ConfidenceAnomalyDetector;
import io.warden.detectors.confidence.ConfidenceReference;
import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ConfidenceReferenceFile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.ConfidenceSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.drift.DriftModel;
import io.warden.jobs.drift.DriftModels;
import io.warden.jobs.drift.Observation;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The configured models with their ready-to-run detectors, built once on the client from the config
 * (profiles and reference files are read here, so a broken file fails before the job starts) and
 * shipped to the operators with the job graph.
 */
public final class ModelCatalog implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * One model's spec and detectors. {@code confidence} is null when that detector is off; {@code
     * observed} when drift, sequential, performance, ONNX or per-client detection needs its rows.
     */
    public record ModelRuntime(
            ModelSpec spec,
            ConfidenceAnomalyDetector confidence,
            String confidenceProfileId,
            boolean observed)
            implements Serializable {}

    private final List<ModelRuntime> models;
    private final DriftModels drift;
    private final boolean keepsOutputs;

    private ModelCatalog(List<ModelRuntime> models, DriftModels drift, boolean keepsOutputs) {
        this.models = List.copyOf(models);
        this.drift = drift;
        this.keepsOutputs = keepsOutputs;
    }

    public static ModelCatalog from(WardenConfig config) {
        List<ModelRuntime> out = new ArrayList<>();
        Map<String, DriftModel> drift = new HashMap<>();
        for (ModelSpec spec : config.models()) {
            ReferenceProfile profile =
                    spec.profile() == null
                            ? null
                            : ProfileIo.read(Path.of(spec.profile())).profile();
            ConfidenceSettings conf = spec.detectors().confidence();
            ConfidenceAnomalyDetector detector = null;
            String profileId = null;
            if (conf != null && conf.enabled()) {
                ConfidenceReference reference;
                if (conf.referenceFile() != null) {
                    ConfidenceReferenceFile file =
                            ConfidenceReferenceFile.read(Path.of(conf.referenceFile()));
                    reference = ConfidenceReference.of(file.msp(), file.entropy(), file.margin());
                    profileId = file.id();
                } else if (conf.reference() != null) {
                    reference = conf.reference().toReference();
                    profileId = "inline:" + spec.name();
                } else {
                    reference =
                            profile.predictions()
                                    .flatMap(p -> p.confidence())
                                    .orElseThrow(
                                            () ->
                                                    new IllegalArgumentException(
                                                            "profile "
                                                                    + spec.profile()
                                                                    + " has no confidence reference"));
                    profileId = profile.id();
                }
                detector = new ConfidenceAnomalyDetector(reference, conf.alpha());
            }
            boolean driftOn =
                    spec.detectors().drift() != null && spec.detectors().drift().enabled();
            boolean sequentialOn =
                    spec.detectors().sequential() != null
                            && spec.detectors().sequential().enabled();
            boolean performanceOn = performanceOn(spec);
            if (driftOn) {
                drift.put(
                        Observation.modelKey(spec.name(), spec.version()),
                        DriftModel.of(spec, profile));
            }
            boolean onnxOn = spec.detectors().anyOnnx();
            boolean clientsOn = spec.detectors().anyClient();
            out.add(
                    new ModelRuntime(
                            spec,
                            detector,
                            profileId,
                            driftOn || sequentialOn || performanceOn || onnxOn || clientsOn));
        }
        return new ModelCatalog(
                out, new DriftModels(drift), config.topics().adversarialExamples() != null);
    }

    /** The runtime for a model: exact version first, then the version-less spec of the name. */
    public ModelRuntime find(String name, String version) {
        ModelRuntime any = null;
        for (ModelRuntime m : models) {
            if (m.spec().name().equals(name)) {
                if (m.spec().version() == null) {
                    any = m;
                } else if (m.spec().version().equals(version)) {
                    return m;
                }
            }
        }
        return any;
    }

    /** The drift references of the models with drift on. */
    /**
     * Whether every observation keeps its logged output row ({@code Observation.outputs}), because
     * flagged rows are written to {@code topics.adversarial-examples} with it; otherwise only the
     * rows of models with a served model keep it.
     */
    public boolean keepsOutputs() {
        return keepsOutputs;
    }

    public DriftModels drift() {
        return drift;
    }

    /** Whether any model has sequential detection on. */
    public boolean anySequential() {
        return models.stream()
                .anyMatch(
                        m ->
                                m.spec().detectors().sequential() != null
                                        && m.spec().detectors().sequential().enabled());
    }

    /** Whether any model has an ONNX detector. */
    public boolean anyOnnx() {
        return models.stream().anyMatch(m -> m.spec().detectors().anyOnnx());
    }

    /** Whether any model has realised performance from feedback on. */
    public boolean anyPerformance() {
        return models.stream().anyMatch(m -> performanceOn(m.spec()));
    }

    /** Whether a model has realised performance from feedback on. */
    public static boolean performanceOn(ModelSpec spec) {
        return spec.detectors().performance() != null && spec.detectors().performance().enabled();
    }
}
