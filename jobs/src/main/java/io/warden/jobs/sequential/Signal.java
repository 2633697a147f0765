package io.warden.jobs.sequential;

import io.warden.detectors.profile.NumericFeatureProfile;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.drift.Observation;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * One per-row signal a sequential detector watches, put on [0, 1]: the scale ADWIN's cut bound
 * assumes (its second term, (2/3)(1/m)d, is in those units), and so the scale on which {@code
 * delta} and {@code threshold} are configured for every signal alike.
 *
 * <ul>
 *   <li>{@code msp}, the maximum softmax probability, in [1/K, 1], and {@code margin}, the top-1
 *       minus top-2 probability, in [0, 1]: as they are.
 *   <li>{@code entropy}, in [0, ln K] nats for K classes: divided by ln K.
 *   <li>a feature: through its reference profile's CDF, u = F<sub>ref</sub>(x) (the probability
 *       integral transform, with the profile's KLL sketch as F<sub>ref</sub>). Whatever the
 *       feature's units and shape, u is uniform on [0, 1] (mean 1/2, variance 1/12) while the
 *       traffic looks like the reference, and a shift or rescaling of the feature moves u's mean (a
 *       rise of x by s standard deviations of a Gaussian feature moves it to &Phi;(s/&radic;2)).
 *       The detectors compare the stream with its own past, not with the reference: the CDF only
 *       fixes the scale, so the sketch's rank error (under 1% at the profile's k) does not matter.
 * </ul>
 */
public final class Signal implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What the signal reads. */
    public enum Kind {
        MSP,
        ENTROPY,
        MARGIN,
        FEATURE
    }

    private final String name;
    private final Kind kind;
    private final int featureIndex;
    private final double entropyScale;
    private final int classes;
    private final NumericFeatureProfile reference;

    private Signal(
            String name,
            Kind kind,
            int featureIndex,
            int classes,
            NumericFeatureProfile reference) {
        this.name = name;
        this.kind = kind;
        this.featureIndex = featureIndex;
        this.classes = classes;
        this.entropyScale = 1.0 / Math.log(classes);
        this.reference = reference;
    }

    /**
     * The signal {@code name} of a model: {@code msp}, {@code entropy}, {@code margin} or one of
     * its feature names (which needs the profile).
     *
     * @throws IllegalArgumentException if the name is none of these, or a feature has no numeric
     *     reference in the profile
     */
    public static Signal of(String name, ModelSpec spec, ReferenceProfile profile) {
        Objects.requireNonNull(name, "name");
        int classes = spec.output().classes().size();
        switch (name) {
            case "msp":
                return new Signal(name, Kind.MSP, -1, classes, null);
            case "entropy":
                return new Signal(name, Kind.ENTROPY, -1, classes, null);
            case "margin":
                return new Signal(name, Kind.MARGIN, -1, classes, null);
            default:
                int index = spec.features().featureNames().indexOf(name);
                if (index < 0) {
                    throw new IllegalArgumentException(
                            "signal '"
                                    + name
                                    + "' of model "
                                    + spec.name()
                                    + " is neither msp, entropy, margin nor a feature name");
                }
                if (profile == null || profile.schema().numericIndex(name) < 0) {
                    throw new IllegalArgumentException(
                            "feature signal '"
                                    + name
                                    + "' of model "
                                    + spec.name()
                                    + " needs a reference profile with that numeric feature");
                }
                return new Signal(name, Kind.FEATURE, index, classes, profile.numeric(name));
        }
    }

    /** The configured name: {@code msp}, {@code entropy}, {@code margin} or a feature name. */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether the signal is a feature (read through the reference CDF). */
    public boolean isFeature() {
        return kind == Kind.FEATURE;
    }

    /** The row's value of this signal on [0, 1]. */
    public double value(Observation o) {
        return switch (kind) {
            case MSP -> clamp(o.msp);
            case ENTROPY -> clamp(o.entropy * entropyScale);
            case MARGIN -> clamp(o.margin);
            case FEATURE -> clamp(reference.rank(o.features[featureIndex]));
        };
    }

    /** How the value was put on [0, 1], for alerts: e.g. {@code entropy / ln 4}. */
    public String scale() {
        return switch (kind) {
            case MSP -> "max softmax probability";
            case ENTROPY -> "entropy / ln " + classes;
            case MARGIN -> "top-1 minus top-2 probability";
            case FEATURE -> "reference CDF of " + name;
        };
    }

    /** Probabilities may sum to 1 within a tolerance; keep the value inside [0, 1]. */
    private static double clamp(double v) {
        return Math.max(0.0, Math.min(1.0, v));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Signal[%s: %s]", name, scale());
    }
}
