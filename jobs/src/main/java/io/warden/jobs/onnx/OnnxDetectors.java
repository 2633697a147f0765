package io.warden.jobs.onnx;

import io.warden.detectors.calibration.PValueCombination;
import io.warden.detectors.core.Direction;
import io.warden.detectors.multivariate.RowSample;
import io.warden.detectors.onnx.BuiltInDetectors;
import io.warden.detectors.onnx.ExecutionProvider;
import io.warden.detectors.onnx.ExportedModel;
import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.detectors.squeezing.FeatureSqueezing;
import io.warden.detectors.squeezing.Squeezer;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.BuiltinDetector;
import io.warden.jobs.config.ModelSpec.EnsembleSettings;
import io.warden.jobs.config.ModelSpec.IntegritySettings;
import io.warden.jobs.config.ModelSpec.OnnxDetectorSettings;
import io.warden.jobs.config.ModelSpec.OutputType;
import io.warden.jobs.config.ModelSpec.ServedModelSpec;
import io.warden.jobs.config.ModelSpec.SqueezerSettings;
import io.warden.jobs.config.ModelSpec.SqueezingSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.drift.Observation;
import io.warden.schemas.Severity;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ONNX detectors of every configured model, built on the client from a validated config (the
 * reference rows of conformal detectors are read from the profiles here) and shipped to the scoring
 * operator.
 */
public final class OnnxDetectors implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<OnnxDetector> detectors;
    private final List<Ensemble> ensembles;
    private final Map<String, List<String>> modelFeatures;

    /** The bytes of the built-in detectors' exports, by SHA-256, shipped with the job. */
    private final HashMap<String, byte[]> builtinModels;

    public OnnxDetectors(List<OnnxDetector> detectors) {
        this(detectors, List.of());
    }

    public OnnxDetectors(List<OnnxDetector> detectors, List<Ensemble> ensembles) {
        this(detectors, ensembles, Map.of());
    }

    /**
     * @param detectors every detector, in config order
     * @param ensembles the models' evasion ensembles, whose members are among the detectors
     * @param modelFeatures each model's feature names, by {@link Observation#modelKey} of its
     *     spec's name and version (for the adversarial examples)
     */
    public OnnxDetectors(
            List<OnnxDetector> detectors,
            List<Ensemble> ensembles,
            Map<String, List<String>> modelFeatures) {
        this(detectors, ensembles, modelFeatures, Map.of());
    }

    /**
     * @param detectors every detector, in config order
     * @param ensembles the models' evasion ensembles, whose members are among the detectors
     * @param modelFeatures each model's feature names, by {@link Observation#modelKey}
     * @param builtinModels the built-in detectors' exported models by SHA-256, which {@link
     *     #materialize} writes where a task manager expects them
     */
    public OnnxDetectors(
            List<OnnxDetector> detectors,
            List<Ensemble> ensembles,
            Map<String, List<String>> modelFeatures,
            Map<String, byte[]> builtinModels) {
        this.builtinModels = new HashMap<>(builtinModels);
        this.detectors = List.copyOf(detectors);
        this.ensembles = List.copyOf(ensembles);
        this.modelFeatures = Map.copyOf(modelFeatures);
        for (Ensemble e : this.ensembles) {
            for (int i : e.members()) {
                OnnxDetector d = this.detectors.get(i);
                if (!d.ensembleMember()
                        || !d.modelName().equals(e.modelName())
                        || !java.util.Objects.equals(d.modelVersion(), e.modelVersion())) {
                    throw new IllegalArgumentException(
                            "detector " + d.name() + " is not a member of this ensemble's model");
                }
            }
        }
    }

    /**
     * One model's evasion ensemble ({@link io.warden.detectors.calibration.ConformalEnsemble}).
     *
     * @param modelName the model's name
     * @param modelVersion its configured version, or null for every version
     * @param members indices into {@link #all()} of the member detectors, in score order
     * @param combination how the members' p-values are combined
     * @param alpha the ensemble's false-positive rate
     * @param severity severity of the alerts
     * @param profileId the profile whose row sample calibrates it
     */
    public record Ensemble(
            String modelName,
            String modelVersion,
            int[] members,
            PValueCombination combination,
            double alpha,
            Severity severity,
            String profileId)
            implements Serializable {

        /** The ensemble's id in scores and alerts. */
        public static final String DETECTOR_ID = "onnx.evasion-ensemble";
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
        Map<String, byte[]> builtins = new HashMap<>();
        List<OnnxDetector> out = new ArrayList<>();
        List<Ensemble> ensembles = new ArrayList<>();
        Map<String, List<String>> features = new HashMap<>();
        for (ModelSpec m : config.models()) {
            if (!m.detectors().anyOnnx()) {
                continue;
            }
            features.put(Observation.modelKey(m.name(), m.version()), m.features().featureNames());
            EnsembleSettings ensemble = m.detectors().evasionEnsemble();
            boolean member = ensemble != null;
            List<String> modelFeatures = m.features().featureNames();
            ReferenceProfile profile = null;
            List<Integer> members = new ArrayList<>();
            for (OnnxDetectorSettings d : m.detectors().onnx()) {
                if (profile == null && (d.alpha() != null || d.builtin() != null || member)) {
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
                    builtins.put(export.sha256(), export.bytes());
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
                int[] indices = indices(fed, modelFeatures, d.name(), m.name());
                double[] reference = null;
                String profileId = null;
                if (d.alpha() != null || member) {
                    reference = referenceRows(profile, fed, m.profile());
                    profileId = profile.id();
                }
                if (member) {
                    members.add(out.size());
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
                                member || d.threshold() == null ? Double.NaN : d.threshold(),
                                member || d.alpha() == null ? Double.NaN : d.alpha(),
                                reference,
                                profileId,
                                d.batchSize(),
                                d.maxWait().toMillis(),
                                d.intraOpThreads(),
                                d.executionProvider(),
                                d.severity(),
                                OnnxDetector.Kind.SCORE,
                                null,
                                false,
                                1.0,
                                Double.NaN,
                                member));
            }
            SqueezingSettings squeezing = m.detectors().squeezing();
            if (squeezing != null) {
                if (profile == null && (squeezing.alpha() != null || member)) {
                    profile = ProfileIo.read(Path.of(m.profile())).profile();
                }
                if (member) {
                    members.add(out.size());
                }
                out.add(squeezingDetector(m, squeezing, profile, member));
            }
            IntegritySettings integrity = m.detectors().integrity();
            if (integrity != null) {
                out.add(integrityDetector(m, integrity));
            }
            if (member) {
                ensembles.add(
                        new Ensemble(
                                m.name(),
                                m.version(),
                                members.stream().mapToInt(Integer::intValue).toArray(),
                                ensemble.combination().toCombination(),
                                ensemble.alpha(),
                                ensemble.severity(),
                                profile.id()));
            }
        }
        return new OnnxDetectors(out, ensembles, features, builtins);
    }

    /**
     * Makes sure a built-in detector's model file is where the detector expects it, on the machine
     * that is about to open it: the export is written on the machine that builds the job (into
     * {@code java.io.tmpdir}), and a task manager elsewhere would not have it. The bytes shipped
     * with the job are written to a temporary file next to the path and moved there atomically (so
     * two subtasks of one task manager never read half a file); the pin is still checked when the
     * file is opened. A no-op for any other detector, and when the file is already there.
     *
     * @throws UncheckedIOException naming the path when it cannot be written
     */
    public void materialize(OnnxDetector d) {
        byte[] bytes = builtinModels.get(d.sha256());
        if (bytes == null) {
            return;
        }
        Path path = Path.of(d.modelPath());
        try {
            if (Files.isRegularFile(path) && ModelFile.sha256Of(path).equals(d.sha256())) {
                return;
            }
            Files.createDirectories(path.toAbsolutePath().getParent());
            Path temp =
                    Files.createTempFile(path.toAbsolutePath().getParent(), ".builtin-", ".tmp");
            Files.write(temp, bytes);
            Files.move(
                    temp,
                    path,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the built-in detector model " + d.name() + " to " + path, e);
        }
    }

    /** Where each fed feature is among the model's features. */
    private static int[] indices(
            List<String> fed, List<String> modelFeatures, String detector, String model) {
        int[] indices = new int[fed.size()];
        for (int j = 0; j < indices.length; j++) {
            indices[j] = modelFeatures.indexOf(fed.get(j));
            if (indices[j] < 0) {
                throw new IllegalArgumentException(
                        "ONNX detector "
                                + detector
                                + " of model "
                                + model
                                + ": feature "
                                + fed.get(j)
                                + " is not among the model's features");
            }
        }
        return indices;
    }

    /** Feature squeezing of a model: its served model fed all of its features. */
    private static OnnxDetector squeezingDetector(
            ModelSpec m, SqueezingSettings s, ReferenceProfile profile, boolean member) {
        ServedModelSpec served = m.servedModel();
        List<String> fed = m.features().featureNames();
        List<Squeezer> squeezers = new ArrayList<>();
        for (SqueezerSettings q : s.squeezers()) {
            squeezers.add(q.toSqueezer(m.features()));
        }
        double[] reference = null;
        String profileId = null;
        if (s.alpha() != null || member) {
            reference = referenceRows(profile, fed, m.profile());
            profileId = profile.id();
        }
        return new OnnxDetector(
                m.name(),
                m.version(),
                s.name(),
                served.model(),
                served.sha256(),
                served.input(),
                served.output(),
                fed,
                indices(fed, fed, s.name(), m.name()),
                Direction.HIGH_IS_ANOMALOUS,
                member || s.threshold() == null ? Double.NaN : s.threshold(),
                member || s.alpha() == null ? Double.NaN : s.alpha(),
                reference,
                profileId,
                s.batchSize(),
                s.maxWait().toMillis(),
                served.intraOpThreads(),
                ExecutionProvider.CPU,
                s.severity(),
                OnnxDetector.Kind.SQUEEZING,
                new FeatureSqueezing(fed.size(), squeezers),
                m.output().type() == OutputType.LOGITS,
                1.0,
                Double.NaN,
                member);
    }

    /** Output integrity of a model: its served model re-run on a sample of rows. */
    private static OnnxDetector integrityDetector(ModelSpec m, IntegritySettings s) {
        ServedModelSpec served = m.servedModel();
        List<String> fed = m.features().featureNames();
        return new OnnxDetector(
                m.name(),
                m.version(),
                INTEGRITY_NAME,
                served.model(),
                served.sha256(),
                served.input(),
                served.output(),
                fed,
                indices(fed, fed, INTEGRITY_NAME, m.name()),
                Direction.HIGH_IS_ANOMALOUS,
                s.tolerance(),
                Double.NaN,
                null,
                null,
                s.batchSize(),
                s.maxWait().toMillis(),
                served.intraOpThreads(),
                ExecutionProvider.CPU,
                s.severity(),
                OnnxDetector.Kind.INTEGRITY,
                null,
                false,
                s.sampleRate(),
                s.tolerance(),
                false);
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

    /** The name of every model's output-integrity check ({@code onnx.integrity} in alerts). */
    public static final String INTEGRITY_NAME = "integrity";

    /** Every detector, in config order. */
    public List<OnnxDetector> all() {
        return detectors;
    }

    /** The evasion ensembles. */
    public List<Ensemble> ensembles() {
        return ensembles;
    }

    /**
     * The index into {@link #ensembles()} of a model version's ensemble, picked as {@link
     * #forModel} picks detectors; -1 when it has none.
     */
    public int ensembleForModel(String name, String version) {
        int[] mine = forModel(name, version);
        for (int i : mine) {
            if (detectors.get(i).ensembleMember()) {
                OnnxDetector d = detectors.get(i);
                for (int e = 0; e < ensembles.size(); e++) {
                    Ensemble x = ensembles.get(e);
                    if (x.modelName().equals(d.modelName())
                            && java.util.Objects.equals(x.modelVersion(), d.modelVersion())) {
                        return e;
                    }
                }
            }
        }
        return -1;
    }

    /**
     * The feature names of a model version, its exact version's spec's if there is one, else its
     * version-less spec's; empty when unknown.
     */
    public List<String> featureNames(String name, String version) {
        List<String> exact =
                version == null ? null : modelFeatures.get(Observation.modelKey(name, version));
        return exact != null ? exact : modelFeatures.getOrDefault(name, List.of());
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
