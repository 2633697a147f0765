package io.warden.jobs.monitor;

import io.warden.detectors.confidence.ConfidenceAnomalyDetector;
import io.warden.detectors.confidence.ConfidenceReference;
import io.warden.jobs.config.ConfidenceReferenceFile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.ConfidenceSettings;
import io.warden.jobs.config.WardenConfig;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured models with their ready-to-run detectors, built once on the client from the config
 * (reference files are read here, so a broken file fails before the job starts) and shipped to the
 * operators with the job graph.
 */
public final class ModelCatalog implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One model's spec and detectors. {@code confidence} is null when that detector is off. */
    public record ModelRuntime(
            ModelSpec spec, ConfidenceAnomalyDetector confidence, String confidenceProfileId)
            implements Serializable {}

    private final List<ModelRuntime> models;

    private ModelCatalog(List<ModelRuntime> models) {
        this.models = List.copyOf(models);
    }

    public static ModelCatalog from(WardenConfig config) {
        List<ModelRuntime> out = new ArrayList<>();
        for (ModelSpec spec : config.models()) {
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
                } else {
                    reference =
                            ConfidenceReference.of(
                                    toArray(conf.reference().msp()),
                                    toArray(conf.reference().entropy()),
                                    toArray(conf.reference().margin()));
                    profileId = "inline:" + spec.name();
                }
                detector = new ConfidenceAnomalyDetector(reference, conf.alpha());
            }
            out.add(new ModelRuntime(spec, detector, profileId));
        }
        return new ModelCatalog(out);
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

    private static double[] toArray(List<Double> values) {
        double[] a = new double[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }
}
