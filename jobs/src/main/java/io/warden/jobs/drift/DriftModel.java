package io.warden.jobs.drift;

import io.warden.detectors.drift.CategoricalReference;
import io.warden.detectors.drift.MultipleTesting;
import io.warden.detectors.drift.NumericReference;
import io.warden.detectors.drift.UnivariateDrift;
import io.warden.detectors.multivariate.PcaDriftReference;
import io.warden.detectors.profile.NumericFeatureProfile;
import io.warden.detectors.profile.PredictionProfile;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.DriftSettings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * The reference side of one model's drift windows, prepared once from its profile on the client: a
 * {@link NumericReference} per configured feature (with the fine bins windows count in), the
 * predicted-class priors, the max softmax probability's reference, and the PCA reconstruction
 * reference. Shipped to the operators with the job graph.
 */
public final class DriftModel implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Sketch size that keeps a profile's confidence sample whole (no compaction, exact ranks). */
    private static final int EXACT_SKETCH_K = 65_535;

    final String profileId;
    final DriftSettings settings;
    final UnivariateDrift drift;
    final MultipleTesting.Correction correction;
    final List<String> featureNames;
    final NumericReference[] features;
    final List<String> classLabels;
    final CategoricalReference classes;
    final NumericReference msp;
    final PcaDriftReference pca;

    /** For each PCA input (profile order), the index of that feature in the configured order. */
    final int[] pcaColumns;

    private DriftModel(
            String profileId,
            DriftSettings settings,
            List<String> featureNames,
            NumericReference[] features,
            List<String> classLabels,
            CategoricalReference classes,
            NumericReference msp,
            PcaDriftReference pca,
            int[] pcaColumns) {
        this.profileId = profileId;
        this.settings = settings;
        this.drift = UnivariateDrift.of(settings.driftThresholds());
        this.correction = MultipleTesting.Correction.fromId(settings.correction());
        this.featureNames = List.copyOf(featureNames);
        this.features = features;
        this.classLabels = classLabels;
        this.classes = classes;
        this.msp = msp;
        this.pca = pca;
        this.pcaColumns = pcaColumns;
    }

    /**
     * The drift references of a model from its profile.
     *
     * @throws IllegalArgumentException if the profile lacks a configured feature
     */
    public static DriftModel of(ModelSpec spec, ReferenceProfile profile) {
        DriftSettings settings = spec.detectors().drift();
        List<String> names = spec.features().featureNames();
        NumericReference[] features = new NumericReference[names.size()];
        for (int i = 0; i < features.length; i++) {
            NumericFeatureProfile f = profile.numeric(names.get(i));
            features[i] =
                    NumericReference.of(
                            f.sketch(), withOuterEdges(f.binEdges()), f.standardDeviation());
        }
        List<String> classLabels = spec.output().classes();
        CategoricalReference classes = null;
        NumericReference msp = null;
        PredictionProfile predictions = profile.predictions().orElse(null);
        if (predictions != null && settings.prediction()) {
            double[] priors = new double[predictions.classCount()];
            for (int c = 0; c < priors.length; c++) {
                priors[c] = predictions.prior(c);
            }
            classes = CategoricalReference.of(predictions.classLabels(), priors);
        }
        if (predictions != null
                && settings.confidence()
                && predictions.confidenceSample().size() > 0) {
            double[] sample = predictions.confidenceSample().column(PredictionProfile.MSP);
            KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(EXACT_SKETCH_K);
            for (double v : sample) {
                sketch.update(v);
            }
            // In probability units, not per standard deviation: a confident model's MSP sits near 1
            // with a tiny spread, and per-sd distances would turn a handful of unsure answers into
            // "drift". So wasserstein_norm here is the mean shift of the MSP distribution.
            msp =
                    NumericReference.of(
                            sketch,
                            io.warden.detectors.drift.Bins.equalFrequencyEdges(
                                    sketch, io.warden.detectors.drift.Bins.DEFAULT_BINS),
                            1.0);
        }
        PcaDriftReference pca = null;
        int[] pcaColumns = null;
        if (settings.pca() && profile.multivariate().isPresent()) {
            pca = profile.multivariate().get().pca().orElse(null);
            if (pca != null) {
                List<String> profileNames = profile.schema().numericFeatures();
                pcaColumns = new int[profileNames.size()];
                for (int j = 0; j < pcaColumns.length; j++) {
                    pcaColumns[j] = names.indexOf(profileNames.get(j));
                }
                if (Arrays.stream(pcaColumns).anyMatch(c -> c < 0)) {
                    // The profile's PCA covers features this model's config does not name.
                    pca = null;
                    pcaColumns = null;
                }
            }
        }
        return new DriftModel(
                profile.id(),
                settings,
                names,
                features,
                classLabels,
                classes,
                msp,
                pca,
                pcaColumns);
    }

    private static double[] withOuterEdges(double[] inner) {
        double[] edges = new double[inner.length + 2];
        edges[0] = Double.NEGATIVE_INFINITY;
        System.arraycopy(inner, 0, edges, 1, inner.length);
        edges[edges.length - 1] = Double.POSITIVE_INFINITY;
        return edges;
    }

    /** The unit of a feature's fixed-point sums: its reference standard deviation (floored). */
    double scale(int feature) {
        return scaleOf(features[feature]);
    }

    double mspScale() {
        return scaleOf(msp);
    }

    private static double scaleOf(NumericReference r) {
        double sd = r.standardDeviation();
        return sd > 1e-9 ? sd : 1e-9;
    }

    /** The PCA row (profile order) of a row of configured features. */
    double[] pcaRow(double[] features) {
        double[] row = new double[pcaColumns.length];
        for (int j = 0; j < row.length; j++) {
            row[j] = features[pcaColumns[j]];
        }
        return row;
    }

    /** Empty counting arrays for a window of this model. */
    void initialise(DriftAccumulator acc) {
        acc.featureCounts = new long[features.length][];
        for (int i = 0; i < features.length; i++) {
            acc.featureCounts[i] = new long[features[i].windowBins().size()];
        }
        acc.featureLowerExcess = new long[features.length];
        acc.featureUpperExcess = new long[features.length];
        acc.classCounts = new long[classLabels.size()];
        acc.mspCounts = msp == null ? new long[0] : new long[msp.windowBins().size()];
    }

    /** Names of the features, in configured order. */
    public List<String> featureNames() {
        return new ArrayList<>(featureNames);
    }
}
