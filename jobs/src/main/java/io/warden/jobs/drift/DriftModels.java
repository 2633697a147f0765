package io.warden.jobs.drift;

import io.warden.jobs.monitor.ByModel;
import java.io.Serializable;
import java.util.Map;

/**
 * The drift references of every model with drift enabled, by configured model (name and version; a
 * null version covers every version), shipped with the job graph.
 */
public final class DriftModels implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ByModel<DriftModel> byConfiguredKey;

    public DriftModels(Map<String, DriftModel> byConfiguredKey) {
        this.byConfiguredKey = new ByModel<>(byConfiguredKey);
    }

    /** The model's drift references: its exact version first, then the version-less spec. */
    public DriftModel find(String name, String version) {
        return byConfiguredKey.find(name, version);
    }

    public boolean isEmpty() {
        return byConfiguredKey.isEmpty();
    }
}
