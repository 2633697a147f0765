package io.warden.jobs.config;

import static io.warden.jobs.config.ConfigLoader.blank;

import io.warden.detectors.onnx.ModelFile;
import io.warden.jobs.config.ModelSpec.FeedbackRecordSettings;
import io.warden.jobs.poisoning.FeedbackRecordModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks {@code detectors.poisoning.records} of a model: the settings' ranges, then the reference
 * file by fitting the detectors from it, so that a bad file fails at start-up naming it.
 */
final class FeedbackRecordValidation {
    private FeedbackRecordValidation() {}

    static void validate(ModelSpec m, FeedbackRecordSettings s, String at, List<String> p) {
        int before = p.size();
        if (blank(s.reference())) {
            p.add(
                    at
                            + ".reference: required (a CSV file of trusted labelled samples,"
                            + " relative to the config)");
        } else if (!Files.isRegularFile(Path.of(s.reference()))) {
            p.add(at + ".reference: no such file " + s.reference());
        }
        if (blank(s.labelColumn())) {
            p.add(at + ".label-column: must not be blank");
        }
        if (!(s.alpha() > 0 && s.alpha() < 1)) {
            p.add(at + ".alpha: must be in (0, 1), got " + s.alpha());
        }
        if (!(s.shrinkage() >= 0 && s.shrinkage() <= 1)) {
            p.add(at + ".shrinkage: must be in [0, 1], got " + s.shrinkage());
        }
        int window = s.spectralWindow();
        if (window != 0 && (window < FeedbackRecordModel.MIN_SPECTRAL_WINDOW || window > 100_000)) {
            p.add(
                    at
                            + ".spectral-window: must be 0 (off) or in ["
                            + FeedbackRecordModel.MIN_SPECTRAL_WINDOW
                            + ", 100000], got "
                            + window);
        }
        if (!(s.epsilon() > 0 && s.epsilon() <= 1.0 / 3.0)) {
            p.add(at + ".epsilon: must be in (0, 1/3], got " + s.epsilon());
        }
        if (!(s.separationFactor() >= 1) || s.separationFactor().isInfinite()) {
            p.add(
                    at
                            + ".separation-factor: must be a finite number >= 1, got "
                            + s.separationFactor());
        }
        if (s.reviewMinFlagged() < 0 || s.reviewMinFlagged() > 1000) {
            p.add(
                    at
                            + ".review-min-flagged: must be in [0, 1000] (0: off), got "
                            + s.reviewMinFlagged());
        }
        if (!(s.reviewFlagRate() > 0 && s.reviewFlagRate() < 1)) {
            p.add(at + ".review-flag-rate: must be in (0, 1), got " + s.reviewFlagRate());
        }
        if (p.size() > before || m.features() == null || m.output() == null) {
            return;
        }
        if (s.referenceSha256() != null) {
            String actual = ModelFile.sha256Of(Path.of(s.reference()));
            if (!actual.equalsIgnoreCase(s.referenceSha256())) {
                p.add(
                        at
                                + ".reference-sha256: "
                                + s.reference()
                                + " has SHA-256 "
                                + actual
                                + ", not the pinned "
                                + s.referenceSha256());
                return;
            }
        }
        try {
            FeedbackRecordModel.fit(m);
        } catch (IllegalArgumentException e) {
            p.add(at + ".reference: " + e.getMessage());
        }
    }
}
