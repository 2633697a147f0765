package io.warden.jobs.sequential;

import io.warden.detectors.profile.ReferenceProfile;
import io.warden.detectors.sequential.Adwin;
import io.warden.detectors.sequential.ChangeDetector;
import io.warden.detectors.sequential.PageHinkley;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.SequentialDetector;
import io.warden.jobs.config.ModelSpec.SequentialSettings;
import io.warden.jobs.drift.Observation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One configured model's sequential detection: its settings, its signals (each on [0, 1]) and how
 * to build their detectors. Prepared once on the client from the config and the profile, shipped
 * with the job graph.
 */
public final class SequentialModel implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String configuredKey;
    private final SequentialSettings settings;
    private final List<Signal> signals;
    private final List<String> signalNames;
    private final String profileId;

    private SequentialModel(
            String configuredKey,
            SequentialSettings settings,
            List<Signal> signals,
            String profileId) {
        this.configuredKey = configuredKey;
        this.settings = settings;
        this.signals = List.copyOf(signals);
        this.signalNames = signals.stream().map(Signal::name).toList();
        this.profileId = profileId;
        newDetector(); // fails here, on the client, if the parameters are invalid
    }

    /**
     * The sequential detection of a model whose {@code sequential} section is enabled.
     *
     * @param profile the model's reference profile; may be null when no signal is a feature
     * @throws IllegalArgumentException if a signal is unknown, a feature signal has no reference,
     *     or a detector parameter is out of range
     */
    public static SequentialModel of(ModelSpec spec, ReferenceProfile profile) {
        SequentialSettings settings = spec.detectors().sequential();
        if (settings == null || !settings.enabled()) {
            throw new IllegalArgumentException(
                    "model " + spec.name() + " has no enabled sequential section");
        }
        List<Signal> signals = new ArrayList<>();
        boolean anyFeature = false;
        for (String name : settings.signals()) {
            Signal s = Signal.of(name, spec, profile);
            anyFeature |= s.isFeature();
            signals.add(s);
        }
        return new SequentialModel(
                Observation.modelKey(spec.name(), spec.version()),
                settings,
                signals,
                anyFeature ? profile.id() : null);
    }

    /** The configured model's key: name and version (null version: every version). */
    public String configuredKey() {
        return configuredKey;
    }

    public SequentialSettings settings() {
        return settings;
    }

    /** The watched signals in configured order. */
    public List<Signal> signals() {
        return signals;
    }

    /** The signals' names in configured order. */
    public List<String> signalNames() {
        return signalNames;
    }

    /** The profile id behind the feature signals; null when none is a feature. */
    public String profileId() {
        return profileId;
    }

    /** {@code adwin} or {@code page-hinkley}. */
    public String detectorName() {
        return settings.detector() == SequentialDetector.ADWIN ? "adwin" : "page-hinkley";
    }

    /** The detector's id for a signal, as alerts name it: e.g. {@code adwin.msp}. */
    public String detectorId(String signal) {
        return detectorName() + "." + signal;
    }

    /**
     * A fresh detector with the configured parameters, the others at their defaults, except
     * Page-Hinkley's fading factor: the configured {@code fading}, by default {@value
     * SequentialSettings#DEFAULT_FADING} (no fading).
     */
    public ChangeDetector newDetector() {
        return newDetector(settings);
    }

    /**
     * A fresh detector as {@link #newDetector()} builds it for these settings.
     *
     * @throws IllegalArgumentException if a parameter is out of the detector's range
     */
    public static ChangeDetector newDetector(SequentialSettings settings) {
        if (settings.detector() == SequentialDetector.ADWIN) {
            return settings.delta() == null ? new Adwin() : new Adwin(settings.delta());
        }
        PageHinkley.Builder b = PageHinkley.builder();
        if (settings.delta() != null) {
            b.delta(settings.delta());
        }
        if (settings.threshold() != null) {
            b.threshold(settings.threshold());
        }
        // The job's default, not the detector's (River's 1 - 1e-4): see SequentialSettings.fading.
        b.alpha(settings.fading() == null ? SequentialSettings.DEFAULT_FADING : settings.fading());
        return b.build();
    }

    /** Rows of a signal after an alarm during which it raises no other. */
    public long cooldown() {
        return settings.cooldown();
    }

    /** The signals' values of one row, in configured order. */
    double[] values(Observation o) {
        double[] v = new double[signals.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = signals.get(i).value(o);
        }
        return v;
    }
}
