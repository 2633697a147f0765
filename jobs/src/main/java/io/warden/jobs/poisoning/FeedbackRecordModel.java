package io.warden.jobs.poisoning;

import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.poisoning.ClassConditionalOutliers;
import io.warden.detectors.poisoning.SpectralSignatures;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.FeedbackRecordSettings;
import io.warden.schemas.Severity;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One model's per-record poisoning detectors, fitted at start-up from the trusted reference of
 * {@code detectors.poisoning.records}: class-conditional outliers on every record, and spectral
 * signatures over windows of one labelled class (null when {@code spectral-window} is 0).
 *
 * @param outliers the class models
 * @param spectral the window analysis, or null
 * @param spectralWindow records per window (0 when off)
 * @param severity severity of the alerts
 */
public record FeedbackRecordModel(
        ClassConditionalOutliers outliers,
        SpectralSignatures spectral,
        int spectralWindow,
        Severity severity)
        implements Serializable {

    /**
     * Fits a model's detectors from its reference file.
     *
     * @throws IllegalArgumentException naming the file (and line) or the class that is a problem:
     *     an unreadable file, a SHA-256 mismatch, a class without reference rows, too few
     *     calibration rows for the conformal alpha, or a singular class covariance
     */
    public static FeedbackRecordModel fit(ModelSpec m) {
        FeedbackRecordSettings s = m.detectors().poisoning().records();
        Path file = Path.of(s.reference());
        if (s.referenceSha256() != null) {
            String actual = ModelFile.sha256Of(file);
            if (!actual.equalsIgnoreCase(s.referenceSha256())) {
                throw new IllegalArgumentException(
                        file
                                + " has SHA-256 "
                                + actual
                                + ", not the pinned "
                                + s.referenceSha256());
            }
        }
        List<String> classes = m.output().classes();
        LabelledReference reference =
                LabelledReference.read(file, m.features().featureNames(), s.labelColumn(), classes);
        boolean conformal = s.method() == ModelSpec.OutlierPValue.CONFORMAL;
        long needed = (long) Math.ceil(1.0 / s.alpha() - 1.0 - 1e-9);
        List<String> short_ = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            // Every other row of a class is held out for calibration, the rest fitted.
            int calibration = (int) Math.floor(reference.perClass()[c] * CALIBRATION_SHARE);
            int fitted = reference.perClass()[c] - calibration;
            if (fitted < ClassConditionalOutliers.MIN_FIT_ROWS
                    || (conformal && calibration < needed)) {
                short_.add("'" + classes.get(c) + "' has " + reference.perClass()[c] + " rows");
            }
        }
        if (!short_.isEmpty()) {
            throw new IllegalArgumentException(
                    file
                            + ": every class needs at least "
                            + (conformal
                                    ? Math.max(
                                                    2 * needed,
                                                    2 * ClassConditionalOutliers.MIN_FIT_ROWS)
                                            + " rows (half are held out to calibrate the"
                                            + " conformal p-values at alpha "
                                            + s.alpha()
                                            + "; use a larger alpha, more rows or method"
                                            + " chi-squared)"
                                    : 2 * ClassConditionalOutliers.MIN_FIT_ROWS + " rows")
                            + ", but "
                            + String.join(", ", short_.size() <= 5 ? short_ : short_.subList(0, 5))
                            + (short_.size() > 5 ? " and " + (short_.size() - 5) + " more" : ""));
        }
        ClassConditionalOutliers outliers =
                ClassConditionalOutliers.builder(classes.size())
                        .alpha(s.alpha())
                        .shrinkage(s.shrinkage())
                        .calibrationShare(CALIBRATION_SHARE)
                        .method(
                                conformal
                                        ? ClassConditionalOutliers.PValueMethod.CONFORMAL
                                        : ClassConditionalOutliers.PValueMethod.CHI_SQUARED)
                        .fit(reference.features(), reference.labels());
        SpectralSignatures spectral =
                s.spectralWindow() == 0
                        ? null
                        : SpectralSignatures.builder()
                                .epsilon(s.epsilon())
                                .separationFactor(s.separationFactor())
                                .minWindow(Math.min(s.spectralWindow(), MIN_SPECTRAL_WINDOW))
                                .build();
        return new FeedbackRecordModel(outliers, spectral, s.spectralWindow(), s.severity());
    }

    /** Share of each class's reference rows held out for calibration. */
    static final double CALIBRATION_SHARE = 0.5;

    /** The smallest {@code spectral-window} allowed. */
    public static final int MIN_SPECTRAL_WINDOW = SpectralSignatures.DEFAULT_MIN_WINDOW;
}
