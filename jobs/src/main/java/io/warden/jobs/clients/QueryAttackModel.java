package io.warden.jobs.clients;

import io.warden.detectors.multivariate.RowSample;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.detectors.query.NearestNeighbourQueryDetector;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.QueryAttackSettings;
import io.warden.schemas.Severity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One configured model's black-box query-attack detection per client, shipped with the job graph:
 * the shared (stateless) {@link NearestNeighbourQueryDetector} with its threshold.
 *
 * @param detector the detector, shared by every client
 * @param idleTtlMillis event time without a query after which a client's state is dropped
 * @param severity severity of the alerts
 * @param profileId the profile whose scales (and row sample, when calibrated) it uses, or null
 */
public record QueryAttackModel(
        NearestNeighbourQueryDetector detector,
        long idleTtlMillis,
        Severity severity,
        String profileId)
        implements Serializable {

    /**
     * The detection of a model: distances over features divided by the profile's standard
     * deviations ({@link ExtractionModel#featureScales}); the threshold fixed, or calibrated at
     * {@code alpha} on the profile's row sample cut into sequences of twice the buffer size, each
     * read as one benign client's queries.
     */
    public static QueryAttackModel of(ModelSpec spec, ReferenceProfile profile) {
        QueryAttackSettings s = spec.detectors().queryAttack();
        double[] scales = ExtractionModel.featureScales(spec, profile);
        NearestNeighbourQueryDetector.Builder builder =
                NearestNeighbourQueryDetector.builder(scales)
                        .neighbours(s.neighbours())
                        .bufferSize(s.bufferSize());
        double threshold;
        if (s.threshold() != null) {
            threshold = s.threshold();
        } else {
            NearestNeighbourQueryDetector parameters = builder.threshold(0).build();
            threshold =
                    NearestNeighbourQueryDetector.calibrateThreshold(
                            parameters, sequences(spec, profile, 2 * s.bufferSize()), s.alpha());
        }
        return new QueryAttackModel(
                builder.threshold(threshold).build(),
                s.idleTtl().toMillis(),
                s.severity(),
                profile == null ? null : profile.id());
    }

    /** The profile's row sample in the model's feature order, cut into sequences. */
    private static List<double[][]> sequences(
            ModelSpec spec, ReferenceProfile profile, int length) {
        RowSample sample =
                profile.multivariate()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "profile " + profile.id() + " has no row sample"))
                        .sample();
        List<String> features = spec.features().featureNames();
        int[] columns = new int[features.size()];
        for (int j = 0; j < columns.length; j++) {
            columns[j] = profile.schema().numericIndex(features.get(j));
            if (columns[j] < 0) {
                throw new IllegalArgumentException(
                        "profile " + profile.id() + " has no numeric feature " + features.get(j));
            }
        }
        List<double[][]> out = new ArrayList<>();
        for (int start = 0; start < sample.size(); start += length) {
            int n = Math.min(length, sample.size() - start);
            double[][] rows = new double[n][columns.length];
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < columns.length; j++) {
                    rows[r][j] = sample.get(start + r, columns[j]);
                }
            }
            out.add(rows);
        }
        return out;
    }
}
