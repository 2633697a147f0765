package io.warden.jobs.drift;

import io.warden.jobs.config.ModelSpec.DriftSettings;
import io.warden.jobs.monitor.Ids;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.DriftReport;
import io.warden.schemas.DriftStatistic;
import io.warden.schemas.FeatureDrift;
import io.warden.schemas.Severity;
import io.warden.schemas.SubjectType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One alert per drift, not one per window: a model version's drift reports pass through hysteresis.
 * After {@code alert-after} consecutive drifted windows it raises one DRIFT alert naming the
 * drifted features ranked by effect size (Jensen-Shannon distance); while the drift lasts, nothing
 * more; after {@code recover-after} consecutive clean windows, one recovery alert (severity INFO).
 * Alert ids derive from the model and the start of the episode, so a replay gives the same ids.
 */
public final class DriftAlerting extends EpisodeAlerting<DriftReport> {
    private static final long serialVersionUID = 1L;

    /** At most this many features are named in an alert. */
    static final int MAX_FEATURES = 10;

    private final DriftModels models;

    public DriftAlerting(DriftModels models) {
        super("drift-episode");
        this.models = models;
    }

    private DriftSettings settings(DriftReport r) {
        return models.find(r.getModelName(), r.getModelVersion()).settings;
    }

    @Override
    protected Verdict verdict(DriftReport r) {
        return r.getDrifted() ? Verdict.BAD : Verdict.GOOD;
    }

    @Override
    protected long windowStart(DriftReport r) {
        return r.getWindow().getStart().toEpochMilli();
    }

    @Override
    protected int alertAfter(DriftReport r) {
        return settings(r).alertAfter();
    }

    @Override
    protected int recoverAfter(DriftReport r) {
        return settings(r).recoverAfter();
    }

    @Override
    protected Alert opened(String key, DriftReport r, long episodeStart) {
        return driftAlert(key, r, models.find(r.getModelName(), r.getModelVersion()), episodeStart);
    }

    @Override
    protected Alert recovered(String key, DriftReport r, AlertEpisode e) {
        return recovery(key, r, models.find(r.getModelName(), r.getModelVersion()), e);
    }

    static Alert driftAlert(String key, DriftReport r, DriftModel model, long episodeStart) {
        List<FeatureDrift> drifted = new ArrayList<>();
        for (FeatureDrift f : r.getFeatures()) {
            if (f.getDrifted()) {
                drifted.add(f);
            }
        }
        drifted.sort(
                Comparator.comparingDouble(DriftEvaluator::effectSize)
                        .reversed()
                        .thenComparing(FeatureDrift::getFeature));
        List<FeatureDrift> top = drifted.subList(0, Math.min(MAX_FEATURES, drifted.size()));
        List<DetectorScore> scores = new ArrayList<>();
        List<String> names = new ArrayList<>();
        StringBuilder summary = new StringBuilder("drift in ").append(key);
        if (!top.isEmpty()) {
            summary.append(": ").append(drifted.size()).append(" feature(s) drifted, most ");
        }
        for (int i = 0; i < top.size(); i++) {
            FeatureDrift f = top.get(i);
            names.add(f.getFeature());
            if (i < 3) {
                summary.append(i == 0 ? "" : ", ")
                        .append(f.getFeature())
                        .append(
                                String.format(
                                        Locale.ROOT, " (JS %.3f)", DriftEvaluator.effectSize(f)));
            }
            for (DriftStatistic s : f.getStatistics()) {
                if (s.getDrifted()) {
                    scores.add(score("drift." + f.getFeature() + "." + s.getName(), s));
                }
            }
        }
        for (DriftStatistic s : r.getOverall()) {
            if (s.getDrifted()) {
                scores.add(score("drift." + s.getName(), s));
                summary.append(top.isEmpty() ? ": " : "; ").append(s.getName());
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("report_id", r.getReportId());
        details.put("rows", Long.toString(r.getSampleCount()));
        details.put("drifted_features", Integer.toString(drifted.size()));
        details.put("episode_start", Instant.ofEpochMilli(episodeStart).toString());
        details.put("correction", String.valueOf(r.getCorrection()));
        return alert(
                Ids.of(
                        AlertKind.DRIFT.name(),
                        r.getModelName(),
                        r.getModelVersion(),
                        SubjectType.MODEL.name(),
                        key,
                        Long.toString(episodeStart)),
                key,
                r,
                model.settings.severity(),
                summary.toString(),
                scores,
                names,
                details,
                episodeStart);
    }

    private static Alert recovery(String key, DriftReport r, DriftModel model, AlertEpisode e) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("state", "recovered");
        details.put("drift_alert_id", e.alertId);
        details.put("episode_start", Instant.ofEpochMilli(e.streakStart).toString());
        details.put("clean_windows", Integer.toString(e.cleanStreak));
        details.put("report_id", r.getReportId());
        return alert(
                Ids.of(
                        AlertKind.DRIFT.name(),
                        r.getModelName(),
                        r.getModelVersion(),
                        SubjectType.MODEL.name(),
                        key,
                        Long.toString(e.streakStart),
                        "recovered"),
                key,
                r,
                Severity.INFO,
                "drift in "
                        + key
                        + " that began "
                        + Instant.ofEpochMilli(e.streakStart)
                        + " has ended ("
                        + e.cleanStreak
                        + " clean windows)",
                List.of(),
                List.of(),
                details,
                e.streakStart);
    }

    private static Alert alert(
            String id,
            String key,
            DriftReport r,
            Severity severity,
            String summary,
            List<DetectorScore> scores,
            List<String> features,
            Map<String, String> details,
            long episodeStart) {
        return episodeAlert(
                AlertKind.DRIFT,
                id,
                key,
                r.getModelName(),
                r.getModelVersion(),
                r.getWindow(),
                episodeStart,
                severity,
                summary,
                scores,
                features,
                details,
                r.getProfileId());
    }

    private static DetectorScore score(String detector, DriftStatistic s) {
        return new DetectorScore(
                detector, s.getValue(), s.getThreshold(), s.getPValue(), s.getDrifted());
    }
}
