package io.warden.jobs.sequential;

import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.SequentialSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.monitor.ByModel;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The sequential detection of every model that has it on, by configured model (name and version; a
 * null version covers every version, each of which gets detectors of its own), shipped with the job
 * graph.
 */
public final class SequentialModels implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ByModel<SequentialModel> byConfiguredKey;

    public SequentialModels(Map<String, SequentialModel> byConfiguredKey) {
        this.byConfiguredKey = new ByModel<>(byConfiguredKey);
    }

    /**
     * The models of the config with sequential detection on; profiles are read only for models that
     * watch a feature.
     */
    public static SequentialModels from(WardenConfig config) {
        Map<String, SequentialModel> models = new HashMap<>();
        for (ModelSpec spec : config.models()) {
            SequentialSettings s = spec.detectors().sequential();
            if (s == null || !s.enabled()) {
                continue;
            }
            boolean needsProfile =
                    s.signals().stream()
                            .anyMatch(
                                    n ->
                                            !n.equals("msp")
                                                    && !n.equals("entropy")
                                                    && !n.equals("margin"));
            ReferenceProfile profile =
                    needsProfile && spec.profile() != null
                            ? ProfileIo.read(Path.of(spec.profile())).profile()
                            : null;
            SequentialModel m = SequentialModel.of(spec, profile);
            models.put(m.configuredKey(), m);
        }
        return new SequentialModels(models);
    }

    /** The model's sequential detection: its exact version first, then the version-less spec. */
    public SequentialModel find(String name, String version) {
        return byConfiguredKey.find(name, version);
    }

    public boolean isEmpty() {
        return byConfiguredKey.isEmpty();
    }

    Collection<SequentialModel> all() {
        return byConfiguredKey.values();
    }
}
