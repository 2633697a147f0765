package io.warden.jobs.config;

import static io.warden.jobs.config.ConfigLoader.blank;
import static io.warden.jobs.config.ConfigLoader.positive;

import io.warden.detectors.onnx.ExecutionProvider;
import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.onnx.ModelIntegrityException;
import io.warden.detectors.onnx.OnnxScorer;
import io.warden.detectors.onnx.OnnxScorerSettings;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec.EnsembleSettings;
import io.warden.jobs.config.ModelSpec.IntegritySettings;
import io.warden.jobs.config.ModelSpec.ServedModelSpec;
import io.warden.jobs.config.ModelSpec.SqueezingSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Checks a model's served ONNX file ({@code served-model}) and the detectors built on it (feature
 * squeezing, output integrity), and the evasion ensemble; every problem names its key.
 */
final class ServedModelValidation {
    private ServedModelValidation() {}

    static void validate(
            ModelSpec m,
            ReferenceProfile profile,
            String at,
            Set<String> onnxNames,
            List<String> p) {
        ModelSpec.DetectorSettings d = m.detectors();
        if (m.servedModel() != null) {
            validateServedModel(m, at + ".served-model", p);
        }
        if (d.squeezing() != null) {
            validateSqueezing(d.squeezing(), m, profile, at + ".detectors.squeezing", onnxNames, p);
        }
        if (d.integrity() != null) {
            validateIntegrity(d.integrity(), m, at + ".detectors.integrity", p);
        }
        if (d.evasionEnsemble() != null) {
            validateEnsemble(
                    d.evasionEnsemble(), m, profile, at + ".detectors.evasion-ensemble", p);
        }
    }

    private static void validateServedModel(ModelSpec m, String at, List<String> p) {
        ServedModelSpec s = m.servedModel();
        int before = p.size();
        if (blank(s.model())) {
            p.add(at + ".model: required (the served model's ONNX file, relative to the config)");
        }
        if (blank(s.sha256())) {
            p.add(at + ".sha256: required: the file's SHA-256 (e.g. from `sha256sum FILE`)");
        }
        if (blank(s.input())) {
            p.add(at + ".input: required (the ONNX input fed with the feature rows)");
        }
        if (blank(s.output())) {
            p.add(at + ".output: required (the ONNX output holding the logged output tensor)");
        }
        if (s.intraOpThreads() < 1) {
            p.add(at + ".intra-op-threads: must be at least 1, got " + s.intraOpThreads());
        }
        if (p.size() > before || m.features() == null || m.output() == null) {
            return;
        }
        ModelFile file;
        try {
            file = new ModelFile(Path.of(s.model()), s.sha256());
            file.readVerified();
        } catch (ModelIntegrityException e) {
            p.add(at + ".sha256: " + e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            p.add(at + ".model: " + e.getMessage());
            return;
        }
        int width = m.features().width();
        int classes = m.output().classes() == null ? -1 : m.output().classes().size();
        try (OnnxScorer scorer = new OnnxScorer(file, servedSettings(s, width))) {
            if (classes > 0 && scorer.outputWidth() != classes) {
                p.add(
                        at
                                + ".output: '"
                                + s.output()
                                + "' of "
                                + s.model()
                                + " gives "
                                + scorer.outputWidth()
                                + " values per row, but the model has "
                                + classes
                                + " classes");
            }
        } catch (RuntimeException e) {
            p.add(at + ": " + e.getMessage());
        }
    }

    /** How the scorers bind the served model. */
    static OnnxScorerSettings servedSettings(ServedModelSpec s, int width) {
        return new OnnxScorerSettings(
                s.input(),
                s.output(),
                width,
                s.intraOpThreads(),
                OnnxScorerSettings.DEFAULT_INTER_OP_THREADS,
                ExecutionProvider.CPU);
    }

    private static void needsServedModel(ModelSpec m, String at, List<String> p) {
        if (m.servedModel() == null) {
            p.add(
                    at
                            + ": needs the model's served-model (its ONNX file, sha256, input and"
                            + " output), which it runs");
        }
    }

    private static void validateSqueezing(
            SqueezingSettings s,
            ModelSpec m,
            ReferenceProfile profile,
            String at,
            Set<String> onnxNames,
            List<String> p) {
        needsServedModel(m, at, p);
        if (!onnxNames.add(s.name())) {
            p.add(at + ".name: '" + s.name() + "' is used by an ONNX detector of this model");
        }
        if (s.squeezers().isEmpty()) {
            p.add(at + ".squeezers: at least one (bit-depth, median or rounding)");
        }
        for (int i = 0; i < s.squeezers().size(); i++) {
            if (s.squeezers().get(i) == null) {
                p.add(at + ".squeezers[" + i + "]: empty entry");
                continue;
            }
            if (m.features() == null) {
                continue;
            }
            try {
                s.squeezers().get(i).toSqueezer(m.features());
            } catch (IllegalArgumentException e) {
                p.add(at + ".squeezers[" + i + "]: " + e.getMessage());
            }
        }
        if (m.detectors().evasionEnsemble() != null) {
            if (s.threshold() != null || s.alpha() != null) {
                p.add(
                        at
                                + ": neither threshold nor alpha with evasion-ensemble (the"
                                + " ensemble's alpha judges every member)");
            }
        } else if ((s.threshold() == null) == (s.alpha() == null)) {
            p.add(
                    at
                            + ": give exactly one of threshold (an L1 distance in (0, 2)) or alpha"
                            + " (conformal, against the profile's reference rows)");
        } else if (s.threshold() != null && !(s.threshold() > 0 && s.threshold() < 2)) {
            p.add(
                    at
                            + ".threshold: must be in (0, 2), the range of an L1 distance of"
                            + " probabilities, got "
                            + s.threshold());
        } else if (s.alpha() != null) {
            ConfigLoader.validateConformalAlpha(s.alpha(), 1, m, profile, at, p);
        }
        batching(s.batchSize(), s.maxWait(), at, p);
    }

    private static void validateIntegrity(
            IntegritySettings s, ModelSpec m, String at, List<String> p) {
        needsServedModel(m, at, p);
        if (!(s.sampleRate() > 0 && s.sampleRate() <= 1)) {
            p.add(at + ".sample-rate: must be in (0, 1], got " + s.sampleRate());
        }
        if (!(s.tolerance() >= 0 && Double.isFinite(s.tolerance()))) {
            p.add(at + ".tolerance: must be a finite number >= 0, got " + s.tolerance());
        }
        batching(s.batchSize(), s.maxWait(), at, p);
    }

    private static void validateEnsemble(
            EnsembleSettings s, ModelSpec m, ReferenceProfile profile, String at, List<String> p) {
        if (m.detectors().onnx().isEmpty() && m.detectors().squeezing() == null) {
            p.add(
                    at
                            + ": has no members: add ONNX detectors (detectors.onnx) or"
                            + " detectors.squeezing");
            return;
        }
        ConfigLoader.validateConformalAlpha(s.alpha(), 2, m, profile, at, p);
    }

    private static void batching(int batchSize, Duration maxWait, String at, List<String> p) {
        if (batchSize < 1 || batchSize > 65_536) {
            p.add(at + ".batch-size: must be in [1, 65536], got " + batchSize);
        }
        positive(maxWait, at + ".max-wait", p);
    }
}
