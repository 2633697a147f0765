package io.warden.jobs.monitor;

import io.warden.jobs.drift.Observation;
import java.io.Serializable;
import java.util.Collection;
import java.util.Map;

/**
 * Per-model settings or detectors, by configured model: the key is {@link
 * Observation#modelKey(String, String)} of the spec's name and version, where a spec without a
 * version covers every version of its name. {@link #find} picks as {@link ModelCatalog#find} picks
 * a spec: the exact version first, then the version-less one.
 *
 * @param <T> what each model has
 */
public final class ByModel<T extends Serializable> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, T> byConfiguredKey;

    public ByModel(Map<String, T> byConfiguredKey) {
        this.byConfiguredKey = Map.copyOf(byConfiguredKey);
    }

    /** What a model version has: its exact version's entry first, then its name's; or null. */
    public T find(String name, String version) {
        T exact = version == null ? null : byConfiguredKey.get(Observation.modelKey(name, version));
        return exact != null ? exact : byConfiguredKey.get(Observation.modelKey(name, null));
    }

    public boolean isEmpty() {
        return byConfiguredKey.isEmpty();
    }

    /** Every entry. */
    public Collection<T> values() {
        return byConfiguredKey.values();
    }
}
