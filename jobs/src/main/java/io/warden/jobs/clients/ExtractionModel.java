package io.warden.jobs.clients;

import io.warden.detectors.extraction.ClassCoverage;
import io.warden.detectors.extraction.ExtractionMonitor;
import io.warden.detectors.extraction.ExtractionSignal;
import io.warden.detectors.extraction.NearBoundaryShare;
import io.warden.detectors.extraction.PradaDetector;
import io.warden.detectors.extraction.QueryRate;
import io.warden.detectors.profile.NumericFeatureProfile;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.ExtractionSettings;
import io.warden.jobs.config.ModelSpec.ExtractionSignalName;
import io.warden.jobs.drift.Observation;
import io.warden.schemas.Severity;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One configured model's extraction detection, shipped with the job graph: the shared (stateless)
 * {@link ExtractionMonitor}, which signals raise the alert, and the idle expiry.
 *
 * @param configuredKey the spec's model key (name, and version when configured)
 * @param monitor the detectors, shared by every client
 * @param alertOn the signals that raise the alert
 * @param idleTtlMillis event time without a query after which a client's state is dropped
 * @param severity severity of the alerts
 * @param profileId the profile whose feature scales PRADA's distances use, or null
 */
public record ExtractionModel(
        String configuredKey,
        ExtractionMonitor monitor,
        Set<ExtractionSignal> alertOn,
        long idleTtlMillis,
        Severity severity,
        String profileId)
        implements Serializable {

    public ExtractionModel {
        alertOn = Set.copyOf(alertOn);
    }

    /**
     * The scale of each of a model's features for distances between queries: the profile's standard
     * deviation, or 1 where there is no profile, the feature is not numeric in it, or its deviation
     * is 0.
     */
    static double[] featureScales(ModelSpec spec, ReferenceProfile profile) {
        List<String> features = spec.features().featureNames();
        double[] scales = new double[features.size()];
        for (int j = 0; j < scales.length; j++) {
            scales[j] = 1.0;
            if (profile != null) {
                int k = profile.schema().numericIndex(features.get(j));
                if (k >= 0) {
                    NumericFeatureProfile f = profile.numeric().get(k);
                    double sd = f.standardDeviation();
                    if (sd > 0 && Double.isFinite(sd)) {
                        scales[j] = sd;
                    }
                }
            }
        }
        return scales;
    }

    /**
     * The extraction detection of a model. PRADA's distances are over features divided by the
     * profile's standard deviations (1 where there is no profile, the feature is not numeric in it,
     * or its deviation is 0), so that no feature dominates by its unit.
     */
    public static ExtractionModel of(ModelSpec spec, ReferenceProfile profile) {
        ExtractionSettings s = spec.detectors().extraction();
        List<String> features = spec.features().featureNames();
        int classes = spec.output().classes().size();
        double[] scales = featureScales(spec, profile);
        PradaDetector prada =
                PradaDetector.builder(features.size(), classes)
                        .featureScales(scales)
                        .delta(s.delta())
                        .minDistances(s.minDistances())
                        .distanceWindow(s.distanceWindow())
                        .maxGrowingSetPerClass(s.maxQueriesPerClass())
                        .testInterval(s.testInterval())
                        .build();
        ExtractionMonitor monitor =
                new ExtractionMonitor(
                        prada,
                        new QueryRate(s.rateTimeConstant().toMillis(), s.maxQueriesPerSecond()),
                        new ClassCoverage(classes, s.minQueries(), s.minClassEntropy()),
                        new NearBoundaryShare(
                                s.boundaryMargin(),
                                s.boundaryWindow(),
                                s.minQueries(),
                                s.maxBoundaryShare()));
        Set<ExtractionSignal> alertOn = EnumSet.noneOf(ExtractionSignal.class);
        for (ExtractionSignalName n : s.alertOn()) {
            alertOn.add(n.toSignal());
        }
        return new ExtractionModel(
                Observation.modelKey(spec.name(), spec.version()),
                monitor,
                alertOn,
                s.idleTtl().toMillis(),
                s.severity(),
                profile == null ? null : profile.id());
    }
}
