package io.warden.jobs.onnx;

import io.warden.detectors.multivariate.RowSample;
import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.OnnxDetectorSettings;
import io.warden.jobs.config.WardenConfig;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ONNX detectors of every configured model, built on the client from a validated config (the
 * reference rows of conformal detectors are read from the profiles here) and shipped to the scoring
 * operator.
 */
public final class OnnxDetectors implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<OnnxDetector> detectors;

    public OnnxDetectors(List<OnnxDetector> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    /** The detectors of a config that {@code ConfigLoader} has validated. */
    public static OnnxDetectors from(WardenConfig config) {
        List<OnnxDetector> out = new ArrayList<>();
        for (ModelSpec m : config.models()) {
            if (m.detectors().onnx().isEmpty()) {
                continue;
            }
            List<String> modelFeatures = m.features().featureNames();
            ReferenceProfile profile = null;
            for (OnnxDetectorSettings d : m.detectors().onnx()) {
                List<String> fed = d.inputFeatures(m.features());
                int[] indices = new int[fed.size()];
                for (int j = 0; j < indices.length; j++) {
                    indices[j] = modelFeatures.indexOf(fed.get(j));
                }
                double[] reference = null;
                String profileId = null;
                if (d.alpha() != null) {
                    if (profile == null) {
                        profile = ProfileIo.read(Path.of(m.profile())).profile();
                    }
                    reference = referenceRows(profile, fed, m.profile());
                    profileId = profile.id();
                }
                out.add(
                        new OnnxDetector(
                                m.name(),
                                m.version(),
                                d.name(),
                                d.model(),
                                d.sha256(),
                                d.input(),
                                d.output(),
                                fed,
                                indices,
                                d.direction().toDirection(),
                                d.threshold() == null ? Double.NaN : d.threshold(),
                                d.alpha() == null ? Double.NaN : d.alpha(),
                                reference,
                                profileId,
                                d.batchSize(),
                                d.maxWait().toMillis(),
                                d.intraOpThreads(),
                                d.executionProvider(),
                                d.severity()));
            }
        }
        return new OnnxDetectors(out);
    }

    /**
     * The profile's multivariate row sample (a uniform sample of its complete rows), cut to the fed
     * features in the fed order, row-major.
     */
    static double[] referenceRows(ReferenceProfile profile, List<String> fed, String file) {
        RowSample sample =
                profile.multivariate()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "profile " + file + " has no multivariate sample"))
                        .sample();
        int[] columns = new int[fed.size()];
        for (int j = 0; j < columns.length; j++) {
            columns[j] = profile.schema().numericIndex(fed.get(j));
            if (columns[j] < 0) {
                throw new IllegalArgumentException(
                        "profile " + file + " has no numeric feature " + fed.get(j));
            }
        }
        double[] rows = new double[sample.size() * columns.length];
        for (int r = 0; r < sample.size(); r++) {
            for (int j = 0; j < columns.length; j++) {
                rows[r * columns.length + j] = sample.get(r, columns[j]);
            }
        }
        return rows;
    }

    /** Every detector, in config order. */
    public List<OnnxDetector> all() {
        return detectors;
    }

    /** Whether there are none. */
    public boolean isEmpty() {
        return detectors.isEmpty();
    }

    /**
     * The indices into {@link #all()} of the detectors of a model version: those of its exact
     * version's spec if there is one, else those of the version-less spec of its name (as {@code
     * ModelCatalog.find} picks a spec).
     */
    public int[] forModel(String name, String version) {
        boolean exact =
                version != null
                        && detectors.stream()
                                .anyMatch(
                                        d ->
                                                d.modelName().equals(name)
                                                        && version.equals(d.modelVersion()));
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < detectors.size(); i++) {
            OnnxDetector d = detectors.get(i);
            if (d.modelName().equals(name)
                    && (exact ? version.equals(d.modelVersion()) : d.modelVersion() == null)) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
