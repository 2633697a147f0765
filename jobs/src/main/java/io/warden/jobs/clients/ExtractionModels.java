package io.warden.jobs.clients;

import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.drift.Observation;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The extraction detection of every model that has it on, by configured model (a null version
 * covers every version; each version's clients get states of their own).
 */
public final class ExtractionModels implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, ExtractionModel> byConfiguredKey;

    public ExtractionModels(Map<String, ExtractionModel> byConfiguredKey) {
        this.byConfiguredKey = Map.copyOf(byConfiguredKey);
    }

    /** The models of a validated config with {@code detectors.extraction}; profiles are read. */
    public static ExtractionModels from(WardenConfig config) {
        Map<String, ExtractionModel> models = new HashMap<>();
        for (ModelSpec spec : config.models()) {
            if (spec.detectors().extraction() == null) {
                continue;
            }
            ReferenceProfile profile =
                    spec.profile() == null
                            ? null
                            : ProfileIo.read(Path.of(spec.profile())).profile();
            ExtractionModel m = ExtractionModel.of(spec, profile);
            models.put(m.configuredKey(), m);
        }
        return new ExtractionModels(models);
    }

    /** The model's extraction detection: its exact version first, then the version-less spec. */
    public ExtractionModel find(String name, String version) {
        ExtractionModel exact =
                version == null ? null : byConfiguredKey.get(Observation.modelKey(name, version));
        return exact != null ? exact : byConfiguredKey.get(Observation.modelKey(name, null));
    }

    public boolean isEmpty() {
        return byConfiguredKey.isEmpty();
    }
}
