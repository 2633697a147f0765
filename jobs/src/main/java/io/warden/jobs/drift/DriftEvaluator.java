package io.warden.jobs.drift;

import io.warden.detectors.drift.DriftStatistic;
import io.warden.detectors.drift.MultipleTesting;
import io.warden.detectors.drift.UnivariateDriftResult;
import io.warden.detectors.multivariate.PcaDriftResult;
import io.warden.jobs.monitor.Ids;
import io.warden.schemas.DriftReport;
import io.warden.schemas.FeatureDrift;
import io.warden.schemas.FeatureKind;
import io.warden.schemas.TimeWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a closed window's counts into a {@link DriftReport}: univariate drift of every feature,
 * corrected for multiple testing across features, prediction drift (predicted classes against the
 * profile's priors), confidence drift (max softmax probability) and multivariate drift (mean PCA
 * reconstruction error against NannyML-style thresholds for a window of that size). Pure: the same
 * counts give the same report, whatever the parallelism or speed of the run.
 *
 * <p>Verdicts: a feature's comes from its {@link io.warden.detectors.drift.VerdictRule}; where that
 * is a test (KS), the p-value shown is the one adjusted by the correction, compared with the
 * configured alpha. The window is drifted when at least {@code min-drifted-features} features are,
 * or the predictions, the confidence or the PCA error are. A window with fewer than {@code
 * min-samples} rows is reported with its statistics but never judged drifted.
 */
public final class DriftEvaluator {
    /** Prefixes of the model-level statistics in {@link DriftReport#getOverall()}. */
    public static final String PREDICTION = "prediction.";

    public static final String CONFIDENCE = "confidence.msp.";
    public static final String PCA = "multivariate.pca";
    public static final String MIN_SAMPLES = "min_samples";

    private DriftEvaluator() {}

    /** The report id: derived from model, version and window, the same on every replay. */
    public static String reportId(String model, String version, long start, long end) {
        return Ids.of("DRIFT_REPORT", model, version, Long.toString(start), Long.toString(end));
    }

    public static DriftReport evaluate(
            DriftModel model,
            DriftAccumulator acc,
            String modelName,
            String modelVersion,
            long windowStart,
            long windowEnd) {
        boolean enough = acc.rows >= model.settings.minSamples();
        int n = model.features.length;
        UnivariateDriftResult[] results = new UnivariateDriftResult[n];
        for (int i = 0; i < n; i++) {
            results[i] =
                    model.drift.numeric(
                            model.features[i],
                            acc.featureCounts[i],
                            FixedPoint.value(acc.featureLowerExcess[i], model.scale(i)),
                            FixedPoint.value(acc.featureUpperExcess[i], model.scale(i)));
        }
        List<FeatureDrift> features = corrected(model, results, enough);
        long driftedFeatures = features.stream().filter(FeatureDrift::getDrifted).count();

        List<io.warden.schemas.DriftStatistic> overall = new ArrayList<>();
        boolean modelDrift = false;
        if (model.classes != null) {
            UnivariateDriftResult p = model.drift.categorical(model.classes, acc.classCounts, 0);
            for (DriftStatistic s : p.statistics()) {
                overall.add(
                        avro(
                                PREDICTION + s.name(),
                                s,
                                enough && s.name().equals(p.verdictBasis()) && p.drifted()));
            }
            modelDrift |= enough && p.drifted();
        }
        if (model.msp != null) {
            UnivariateDriftResult c =
                    model.drift.numeric(
                            model.msp,
                            acc.mspCounts,
                            FixedPoint.value(acc.mspLowerExcess, model.mspScale()),
                            FixedPoint.value(acc.mspUpperExcess, model.mspScale()));
            for (DriftStatistic s : c.statistics()) {
                overall.add(
                        avro(
                                CONFIDENCE + s.name(),
                                s,
                                enough && s.name().equals(c.verdictBasis()) && c.drifted()));
            }
            modelDrift |= enough && c.drifted();
        }
        if (model.pca != null && acc.pcaRows > 0) {
            PcaDriftResult r =
                    model.pca.assess(
                            FixedPoint.value(acc.pcaErrorSum, 1.0) / acc.pcaRows,
                            (int) Math.min(Integer.MAX_VALUE, acc.pcaRows));
            boolean drifted = enough && r.drifted();
            double threshold =
                    r.meanError() < r.thresholds().lower()
                            ? r.thresholds().lower()
                            : r.thresholds().upper();
            overall.add(
                    new io.warden.schemas.DriftStatistic(
                            PCA, r.meanError(), null, threshold, drifted));
            modelDrift |= drifted;
        }
        if (!enough) {
            overall.add(
                    new io.warden.schemas.DriftStatistic(
                            MIN_SAMPLES,
                            (double) acc.rows,
                            null,
                            (double) model.settings.minSamples(),
                            false));
        }
        boolean drifted =
                enough && (driftedFeatures >= model.settings.minDriftedFeatures() || modelDrift);
        return DriftReport.newBuilder()
                .setReportId(reportId(modelName, modelVersion, windowStart, windowEnd))
                .setModelName(modelName)
                .setModelVersion(modelVersion)
                .setWindow(
                        new TimeWindow(
                                Instant.ofEpochMilli(windowStart), Instant.ofEpochMilli(windowEnd)))
                .setProfileId(model.profileId)
                .setSampleCount(acc.rows)
                .setFeatures(features)
                .setOverall(overall)
                .setCorrection(model.correction.id())
                .setDrifted(drifted)
                .build();
    }

    /** Feature results with test p-values adjusted across features and verdicts decided again. */
    private static List<FeatureDrift> corrected(
            DriftModel model, UnivariateDriftResult[] results, boolean enough) {
        double[] pValues = new double[results.length];
        for (int i = 0; i < results.length; i++) {
            pValues[i] =
                    results[i].statistic(DriftStatistic.KS).map(DriftStatistic::pValue).orElse(1.0);
        }
        MultipleTesting.Result adjusted =
                MultipleTesting.adjust(pValues, model.correction, model.settings.alpha());
        List<FeatureDrift> out = new ArrayList<>(results.length);
        for (int i = 0; i < results.length; i++) {
            UnivariateDriftResult r = results[i];
            List<io.warden.schemas.DriftStatistic> stats = new ArrayList<>();
            boolean drifted = false;
            for (DriftStatistic s : r.statistics()) {
                DriftStatistic judged =
                        s.name().equals(DriftStatistic.KS)
                                ? s.withAdjustedPValue(
                                        adjusted.adjustedPValue(i), model.settings.alpha())
                                : s;
                boolean deciding =
                        r.verdictBasis().equals(UnivariateDriftResult.ANY)
                                || judged.name().equals(r.verdictBasis());
                boolean statDrifted = enough && judged.drifted();
                if (deciding && statDrifted) {
                    drifted = true;
                }
                stats.add(avro(judged.name(), judged, statDrifted));
            }
            out.add(
                    FeatureDrift.newBuilder()
                            .setFeature(model.featureNames.get(i))
                            .setKind(FeatureKind.NUMERIC)
                            .setSampleCount(r.windowCount())
                            .setMissingRate(0.0)
                            .setStatistics(stats)
                            .setDrifted(drifted)
                            .build());
        }
        return out;
    }

    private static io.warden.schemas.DriftStatistic avro(
            String name, DriftStatistic s, boolean drifted) {
        return new io.warden.schemas.DriftStatistic(
                name, s.value(), s.hasPValue() ? s.pValue() : null, s.threshold(), drifted);
    }

    /** The effect size features are ranked by in alerts: their Jensen-Shannon distance. */
    public static double effectSize(FeatureDrift f) {
        return f.getStatistics().stream()
                .filter(s -> s.getName().equals(DriftStatistic.JS_DISTANCE))
                .mapToDouble(io.warden.schemas.DriftStatistic::getValue)
                .findFirst()
                .orElse(0.0);
    }
}
