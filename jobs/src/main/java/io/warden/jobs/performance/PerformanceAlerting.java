package io.warden.jobs.performance;

import io.warden.jobs.config.ModelSpec.PerformanceSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.drift.AlertEpisode;
import io.warden.jobs.drift.EpisodeAlerting;
import io.warden.jobs.monitor.Ids;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.ClassPerformance;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.PerformanceReport;
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
 * One PERFORMANCE alert per degradation, not one per window: a model version's performance reports
 * pass through the same hysteresis as drift ({@link AlertEpisode}). A degraded window is bad, a
 * judged window that is not degraded is good, and a window with too few labels to judge changes
 * nothing. The alert names the accuracy with its interval, the floor it fell under, the p-value and
 * the classes with the lowest recall; after {@code recover-after} good windows, one recovery
 * (severity INFO). Ids derive from the model and the start of the episode.
 */
public final class PerformanceAlerting extends EpisodeAlerting<PerformanceReport> {
    private static final long serialVersionUID = 1L;

    /** At most this many classes are named in an alert. */
    static final int MAX_CLASSES = 3;

    private final WardenConfig config;

    public PerformanceAlerting(WardenConfig config) {
        super("performance-episode");
        this.config = config;
    }

    private PerformanceSettings settings(PerformanceReport r) {
        return config.model(r.getModelName(), r.getModelVersion())
                .orElseThrow()
                .detectors()
                .performance();
    }

    @Override
    protected Verdict verdict(PerformanceReport r) {
        if (!r.getJudged()) {
            return Verdict.NONE;
        }
        return r.getDegraded() ? Verdict.BAD : Verdict.GOOD;
    }

    @Override
    protected long windowStart(PerformanceReport r) {
        return r.getWindow().getStart().toEpochMilli();
    }

    @Override
    protected int alertAfter(PerformanceReport r) {
        return settings(r).alertAfter();
    }

    @Override
    protected int recoverAfter(PerformanceReport r) {
        return settings(r).recoverAfter();
    }

    @Override
    protected Alert opened(String key, PerformanceReport r, long episodeStart) {
        return degraded(key, r, settings(r).severity(), episodeStart);
    }

    @Override
    protected Alert recovered(String key, PerformanceReport r, AlertEpisode e) {
        return recovery(key, r, e);
    }

    static Alert degraded(String key, PerformanceReport r, Severity severity, long episodeStart) {
        double floor = r.getReferenceAccuracy() - r.getMaxDrop();
        StringBuilder summary =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "accuracy of %s fell to %.3f (95%% CI %.3f-%.3f, %d labels),"
                                        + " below %.3f = reference %.3f - tolerance %.3f"
                                        + " (p = %.2g)",
                                key,
                                r.getAccuracy(),
                                r.getAccuracyLower(),
                                r.getAccuracyUpper(),
                                r.getLabelled(),
                                floor,
                                r.getReferenceAccuracy(),
                                r.getMaxDrop(),
                                r.getPValue()));
        List<ClassPerformance> weakest = new ArrayList<>();
        for (ClassPerformance c : r.getClasses()) {
            if (c.getRecall() != null) {
                weakest.add(c);
            }
        }
        weakest.sort(
                Comparator.comparingDouble(ClassPerformance::getRecall)
                        .thenComparing(ClassPerformance::getLabel));
        weakest = weakest.subList(0, Math.min(MAX_CLASSES, weakest.size()));
        List<DetectorScore> scores = new ArrayList<>();
        scores.add(
                new DetectorScore(
                        "performance.accuracy", r.getAccuracy(), floor, r.getPValue(), true));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("report_id", r.getReportId());
        details.put("labelled", Long.toString(r.getLabelled()));
        details.put("correct", Long.toString(r.getCorrect()));
        details.put("predictions", Long.toString(r.getPredictions()));
        if (r.getExpectedCalibrationError() != null) {
            details.put(
                    "expected_calibration_error",
                    String.format(Locale.ROOT, "%.4f", r.getExpectedCalibrationError()));
        }
        details.put("episode_start", Instant.ofEpochMilli(episodeStart).toString());
        if (!weakest.isEmpty()) {
            StringBuilder lowest = new StringBuilder();
            for (int i = 0; i < weakest.size(); i++) {
                ClassPerformance c = weakest.get(i);
                lowest.append(i == 0 ? "" : ", ")
                        .append(c.getLabel())
                        .append(String.format(Locale.ROOT, " %.3f", c.getRecall()));
            }
            summary.append("; lowest recall ").append(lowest);
            details.put("lowest_recall", lowest.toString());
        }
        return alert(
                Ids.of(
                        AlertKind.PERFORMANCE.name(),
                        r.getModelName(),
                        r.getModelVersion(),
                        SubjectType.MODEL.name(),
                        key,
                        Long.toString(episodeStart)),
                key,
                r,
                severity,
                summary.toString(),
                scores,
                details,
                episodeStart);
    }

    private static Alert recovery(String key, PerformanceReport r, AlertEpisode e) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("state", "recovered");
        details.put("performance_alert_id", e.alertId);
        details.put("episode_start", Instant.ofEpochMilli(e.streakStart).toString());
        details.put("good_windows", Integer.toString(e.cleanStreak));
        details.put("report_id", r.getReportId());
        return alert(
                Ids.of(
                        AlertKind.PERFORMANCE.name(),
                        r.getModelName(),
                        r.getModelVersion(),
                        SubjectType.MODEL.name(),
                        key,
                        Long.toString(e.streakStart),
                        "recovered"),
                key,
                r,
                Severity.INFO,
                String.format(
                        Locale.ROOT,
                        "accuracy of %s is back within tolerance (%.3f over %d labels in the last"
                                + " window; drop began %s)",
                        key,
                        r.getAccuracy(),
                        r.getLabelled(),
                        Instant.ofEpochMilli(e.streakStart)),
                List.of(),
                details,
                e.streakStart);
    }

    private static Alert alert(
            String id,
            String key,
            PerformanceReport r,
            Severity severity,
            String summary,
            List<DetectorScore> scores,
            Map<String, String> details,
            long episodeStart) {
        return episodeAlert(
                AlertKind.PERFORMANCE,
                id,
                key,
                r.getModelName(),
                r.getModelVersion(),
                r.getWindow(),
                episodeStart,
                severity,
                summary,
                scores,
                List.of(),
                details,
                null);
    }
}
