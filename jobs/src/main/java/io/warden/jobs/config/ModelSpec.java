package io.warden.jobs.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.warden.schemas.Severity;
import java.io.Serializable;
import java.util.List;

/**
 * One monitored model: where its features and outputs are in the traffic and which detectors run.
 *
 * @param name the model name as the server logs it (required)
 * @param version a specific version, or null for every version of the name
 * @param features the input tensor holding the features
 * @param output the output tensor holding probabilities or logits
 * @param detectors detector settings
 */
public record ModelSpec(
        String name,
        String version,
        FeatureSpec features,
        OutputSpec output,
        DetectorSettings detectors)
        implements Serializable {

    public ModelSpec {
        detectors = detectors == null ? DetectorSettings.defaults() : detectors;
    }

    /**
     * The feature tensor: its name and either the feature names (tabular: one value per name) or
     * the shape of one sample (image-like, e.g. {@code [8, 8]}). A leading batch dimension in the
     * traffic is allowed on top of either.
     */
    public record FeatureSpec(String tensor, List<String> names, List<Integer> shape)
            implements Serializable {
        public FeatureSpec {
            names = names == null ? null : List.copyOf(names);
            shape = shape == null ? null : List.copyOf(shape);
        }

        /** Number of feature values in one sample. */
        public int width() {
            if (names != null) {
                return names.size();
            }
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** The output tensor and what it holds. */
    public record OutputSpec(String tensor, OutputType type, List<String> classes)
            implements Serializable {
        public OutputSpec {
            type = type == null ? OutputType.PROBABILITIES : type;
            classes = classes == null ? null : List.copyOf(classes);
        }
    }

    /** Probabilities (each row sums to 1) or raw logits (softmax applied by warden). */
    public enum OutputType {
        @JsonProperty("probabilities")
        PROBABILITIES,
        @JsonProperty("logits")
        LOGITS
    }

    /** Which detectors run on this model. */
    public record DetectorSettings(ConfidenceSettings confidence) implements Serializable {
        public static DetectorSettings defaults() {
            return new DetectorSettings(null);
        }
    }

    /**
     * The confidence-anomaly detector (Hendrycks and Gimpel, ICLR 2017): max softmax probability,
     * entropy and margin ranked against a reference distribution.
     *
     * @param enabled default true when the section is present
     * @param alpha target false-positive rate on traffic like the reference (default 0.001)
     * @param referenceFile a confidence reference file (JSON with {@code msp}, {@code entropy},
     *     {@code margin} samples), relative to the config file; or
     * @param reference the reference samples inline
     * @param severity severity of the alerts it raises (default LOW)
     */
    public record ConfidenceSettings(
            Boolean enabled,
            Double alpha,
            String referenceFile,
            ReferenceSamples reference,
            Severity severity)
            implements Serializable {
        public ConfidenceSettings {
            enabled = enabled == null || enabled;
            alpha = alpha == null ? 0.001 : alpha;
            severity = severity == null ? Severity.LOW : severity;
        }
    }

    /** Reference samples of the three confidence signals. */
    public record ReferenceSamples(List<Double> msp, List<Double> entropy, List<Double> margin)
            implements Serializable {}
}
