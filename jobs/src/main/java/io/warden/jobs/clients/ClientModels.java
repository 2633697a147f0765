package io.warden.jobs.clients;

import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.drift.Observation;
import io.warden.jobs.monitor.ByModel;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The per-client detection of every model that has it on (extraction, black-box query attacks), by
 * configured model (a null version covers every version; each version's clients get states of their
 * own).
 */
public final class ClientModels implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ByModel<ClientModel> byConfiguredKey;

    public ClientModels(Map<String, ClientModel> byConfiguredKey) {
        this.byConfiguredKey = new ByModel<>(byConfiguredKey);
    }

    /**
     * One model's per-client detection: either part may be null, not both.
     *
     * @param configuredKey the spec's model key (name, and version when configured)
     * @param extraction model-extraction detection, or null
     * @param queryAttack black-box query-attack detection, or null
     */
    public record ClientModel(
            String configuredKey, ExtractionModel extraction, QueryAttackModel queryAttack)
            implements Serializable {

        /** How long a client's state outlives its last query: the longer of the two parts'. */
        public long idleTtlMillis() {
            return Math.max(
                    extraction == null ? 0 : extraction.idleTtlMillis(),
                    queryAttack == null ? 0 : queryAttack.idleTtlMillis());
        }
    }

    /** The models of a validated config with per-client detection; profiles are read. */
    public static ClientModels from(WardenConfig config) {
        Map<String, ClientModel> models = new HashMap<>();
        for (ModelSpec spec : config.models()) {
            if (spec.detectors().extraction() == null && spec.detectors().queryAttack() == null) {
                continue;
            }
            ReferenceProfile profile =
                    spec.profile() == null
                            ? null
                            : ProfileIo.read(Path.of(spec.profile())).profile();
            String key = Observation.modelKey(spec.name(), spec.version());
            models.put(
                    key,
                    new ClientModel(
                            key,
                            spec.detectors().extraction() == null
                                    ? null
                                    : ExtractionModel.of(spec, profile),
                            spec.detectors().queryAttack() == null
                                    ? null
                                    : QueryAttackModel.of(spec, profile)));
        }
        return new ClientModels(models);
    }

    /** The model's per-client detection: its exact version first, then the version-less spec. */
    public ClientModel find(String name, String version) {
        return byConfiguredKey.find(name, version);
    }

    public boolean isEmpty() {
        return byConfiguredKey.isEmpty();
    }
}
