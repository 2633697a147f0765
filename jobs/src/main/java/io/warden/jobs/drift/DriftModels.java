package io.warden.jobs.drift;

import java.io.Serializable;
import java.util.Map;

/**
 * The drift references of every model with drift enabled, by configured model (name and version; a
 * null version covers every version), shipped with the job graph.
 */
public final class DriftModels implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, DriftModel> byConfiguredKey;

    public DriftModels(Map<String, DriftModel> byConfiguredKey) {
        this.byConfiguredKey = Map.copyOf(byConfiguredKey);
    }

    /** The model's drift references: its exact version first, then the version-less spec. */
    public DriftModel find(String name, String version) {
        DriftModel exact =
                version == null ? null : byConfiguredKey.get(Observation.modelKey(name, version));
        return exact != null ? exact : byConfiguredKey.get(Observation.modelKey(name, null));
    }

    public boolean isEmpty() {
        return byConfiguredKey.isEmpty();
    }
}
