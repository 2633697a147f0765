package io.warden.jobs.clients;

import io.warden.detectors.profile.NumericFeatureProfile;
import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.detectors.query.BlacklightDetector;
import io.warden.detectors.query.Quantizer;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.BlacklightSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.drift.Observation;
import io.warden.jobs.monitor.ByModel;
import io.warden.schemas.Severity;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Blacklight settings of every model that has them, by configured model (a null version covers
 * every version, each of which gets a store of its own), shipped with the job graph. Each model
 * version's detector is created empty by {@link BlacklightModel#newDetector()}.
 */
public final class BlacklightModels implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ByModel<BlacklightModel> byConfiguredKey;

    public BlacklightModels(Map<String, BlacklightModel> byConfiguredKey) {
        this.byConfiguredKey = new ByModel<>(byConfiguredKey);
    }

    /**
     * One model's Blacklight: the quantizer's per-feature ranges and the detector's parameters.
     *
     * @param lows each feature's low end
     * @param highs each feature's high end
     * @param settings the rest of the parameters
     * @param profileId the profile the ranges come from, or null
     */
    public record BlacklightModel(
            double[] lows, double[] highs, BlacklightSettings settings, String profileId)
            implements Serializable {

        /** An empty detector for a model version. */
        public BlacklightDetector newDetector() {
            return BlacklightDetector.builder(Quantizer.perFeature(lows, highs, settings.levels()))
                    .windowSize(settings.windowSize())
                    .windowStep(settings.windowStep())
                    .fingerprintSize(settings.fingerprintSize())
                    .matchThreshold(settings.matchThreshold())
                    .horizonMillis(settings.horizon().toMillis())
                    .maxEntries(settings.maxEntries())
                    .maxClientsPerHash(settings.maxClientsPerHash())
                    .build();
        }

        public long horizonMillis() {
            return settings.horizon().toMillis();
        }

        public Severity severity() {
            return settings.severity();
        }

        /**
         * A model's Blacklight: the configured {@code range} for every feature, or each feature's
         * min..max in the profile (widened by one unit when a feature is constant there).
         */
        public static BlacklightModel of(ModelSpec spec, ReferenceProfile profile) {
            BlacklightSettings s = spec.detectors().blacklight();
            List<String> features = spec.features().featureNames();
            double[] lows = new double[features.size()];
            double[] highs = new double[features.size()];
            for (int j = 0; j < lows.length; j++) {
                if (s.range() != null) {
                    lows[j] = s.range().get(0);
                    highs[j] = s.range().get(1);
                } else {
                    NumericFeatureProfile f =
                            profile.numeric().get(profile.schema().numericIndex(features.get(j)));
                    lows[j] = f.min();
                    highs[j] = f.max() > f.min() ? f.max() : f.min() + 1;
                }
            }
            return new BlacklightModel(
                    lows, highs, s, s.range() != null || profile == null ? null : profile.id());
        }
    }

    /** The models of a validated config with {@code detectors.blacklight}. */
    public static BlacklightModels from(WardenConfig config) {
        Map<String, BlacklightModel> models = new HashMap<>();
        for (ModelSpec spec : config.models()) {
            BlacklightSettings s = spec.detectors().blacklight();
            if (s == null) {
                continue;
            }
            ReferenceProfile profile =
                    s.range() == null ? ProfileIo.read(Path.of(spec.profile())).profile() : null;
            models.put(
                    Observation.modelKey(spec.name(), spec.version()),
                    BlacklightModel.of(spec, profile));
        }
        return new BlacklightModels(models);
    }

    /** The model's Blacklight: its exact version first, then the version-less spec. */
    public BlacklightModel find(String name, String version) {
        return byConfiguredKey.find(name, version);
    }

    public boolean isEmpty() {
        return byConfiguredKey.isEmpty();
    }
}
