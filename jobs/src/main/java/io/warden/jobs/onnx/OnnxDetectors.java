package io.warden.jobs.onnx;

import io.warden.detectors.multivariate.RowSample;
import io.warden.detectors.onnx.BuiltInDetectors;
import io.warden.detectors.onnx.ExportedModel;
import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.BuiltinDetector;
import io.warden.jobs.config.ModelSpec.OnnxDetectorSettings;
import io.warden.jobs.config.WardenConfig;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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

    /**
     * The folder built-in detectors' models are written to by {@link #from(WardenConfig)}: {@code
     * warden-builtin-detectors} in the system's temp folder ({@code java.io.tmpdir}).
     */
    public static Path defaultBuiltinFolder() {
        return Path.of(System.getProperty("java.io.tmpdir"), "warden-builtin-detectors");
    }

    /**
     * The detectors of a config that {@code ConfigLoader} has validated, built-in detectors' models
     * written to {@link #defaultBuiltinFolder()}.
     */
    public static OnnxDetectors from(WardenConfig config) {
        return from(config, defaultBuiltinFolder());
    }

    /**
     * The detectors of a config that {@code ConfigLoader} has validated. A built-in detector
     * ({@code builtin}) is exported from its model's profile with {@link BuiltInDetectors} and
     * written to {@code builtinFolder} as {@code NAME-SHA256.onnx} (the export is deterministic, so
     * the same profile gives the same file, and an existing file with the right digest is kept);
     * from there on it is a pinned model file like any other. It is fed the profile's numeric
     * features in the profile's order, the order the export takes them in.
     *
     * @throws UncheckedIOException if a built-in detector's model cannot be written
     */
    public static OnnxDetectors from(WardenConfig config, Path builtinFolder) {
        List<OnnxDetector> out = new ArrayList<>();
        for (ModelSpec m : config.models()) {
            if (m.detectors().onnx().isEmpty()) {
                continue;
            }
            List<String> modelFeatures = m.features().featureNames();
            ReferenceProfile profile = null;
            for (OnnxDetectorSettings d : m.detectors().onnx()) {
                if (profile == null && (d.alpha() != null || d.builtin() != null)) {
                    profile = ProfileIo.read(Path.of(m.profile())).profile();
                }
                String modelPath = d.model();
                String sha256 = d.sha256();
                String input = d.input();
                String output = d.output();
                List<String> fed = d.inputFeatures(m.features());
                if (d.builtin() != null) {
                    ExportedModel export = export(d.builtin(), profile);
                    ModelFile file = write(export, builtinFolder);
                    modelPath = file.path().toString();
                    sha256 = file.sha256();
                    input = export.settings().inputName();
                    output = export.settings().outputName();
                    fed = profile.schema().numericFeatures();
                    if (fed.size() != export.featureCount()) {
                        throw new IllegalStateException(
                                "built-in detector "
                                        + d.name()
                                        + " takes "
                                        + export.featureCount()
                                        + " features, but the profile has "
                                        + fed.size()
                                        + " numeric features");
                    }
                }
                int[] indices = new int[fed.size()];
                for (int j = 0; j < indices.length; j++) {
                    indices[j] = modelFeatures.indexOf(fed.get(j));
                    if (indices[j] < 0) {
                        throw new IllegalArgumentException(
                                "ONNX detector "
                                        + d.name()
                                        + " of model "
                                        + m.name()
                                        + ": feature "
                                        + fed.get(j)
                                        + " is not among the model's features");
                    }
                }
                double[] reference = null;
                String profileId = null;
                if (d.alpha() != null) {
                    reference = referenceRows(profile, fed, m.profile());
                    profileId = profile.id();
                }
                out.add(
                        new OnnxDetector(
                                m.name(),
                                m.version(),
                                d.name(),
                                modelPath,
                                sha256,
                                input,
                                output,
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

    /** A built-in detector's model, exported from a profile. */
    static ExportedModel export(BuiltinDetector builtin, ReferenceProfile profile) {
        return switch (builtin) {
            case PCA -> BuiltInDetectors.pcaReconstruction(profile);
            case MAHALANOBIS -> BuiltInDetectors.mahalanobis(profile);
        };
    }

    /**
     * Writes an exported model to {@code folder/NAME-SHA256.onnx}, unless a file with its digest is
     * already there, and returns the file pinned to the export's digest.
     */
    static ModelFile write(ExportedModel export, Path folder) {
        Path file =
                folder.toAbsolutePath().resolve(export.name() + "-" + export.sha256() + ".onnx");
        try {
            if (Files.isRegularFile(file) && ModelFile.sha256Of(file).equals(export.sha256())) {
                return new ModelFile(file, export.sha256());
            }
            Files.createDirectories(folder);
            return export.writeTo(file);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the built-in detector model " + export.name() + " to " + file, e);
        }
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
