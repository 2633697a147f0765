package io.warden.jobs.sequential;

import io.warden.jobs.monitor.Ids;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Evidence;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import io.warden.schemas.TimeWindow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The DRIFT alert of a sequential detection. Its id derives from the model version, the detector
 * and the estimated change point's row, so a replay of the same traffic (or a restart from a
 * checkpoint) gives the same id; {@code evidence.details} carries {@value #METHOD_KEY} = {@value
 * #METHOD}, the signal, the detector, the rows and the means, for machines.
 */
public final class SequentialAlerts {
    /** The details key that tells sequential alerts from windowed drift alerts. */
    public static final String METHOD_KEY = "method";

    /** Its value for sequential alerts. */
    public static final String METHOD = "sequential";

    private SequentialAlerts() {}

    /** Whether the alert was raised by a sequential detector. */
    public static boolean isSequential(Alert a) {
        return a.getKind() == AlertKind.DRIFT
                && a.getEvidence() != null
                && METHOD.equals(a.getEvidence().getDetails().get(METHOD_KEY));
    }

    static Alert alert(
            String key,
            SequentialState state,
            SequentialModel model,
            Signal signal,
            SignalState s,
            Detection d,
            PendingRow row) {
        String detectorId = model.detectorId(signal.name());
        boolean adwin = "adwin".equals(model.detectorName());
        Map<String, String> details = new LinkedHashMap<>();
        details.put(METHOD_KEY, METHOD);
        details.put("signal", signal.name());
        details.put("scale", signal.scale());
        details.put("detector", model.detectorName());
        details.put("direction", d.direction().name().toLowerCase(Locale.ROOT));
        details.put("change_point_row", Long.toString(d.changePoint()));
        details.put("detection_row", Long.toString(d.detectionRow()));
        details.put("delay_rows", Long.toString(d.delayRows()));
        if (adwin) {
            details.put("mean_before", number(d.before()));
            details.put("mean_after", number(d.after()));
            details.put("rows_before", Long.toString(d.rowsBefore()));
            details.put("rows_after", Long.toString(d.rowsAfter()));
        } else {
            details.put("statistic", number(d.score()));
            details.put("threshold", number(d.threshold()));
            details.put("mean_since_restart", number(d.after()));
        }
        details.put("cooldown_rows", Long.toString(model.cooldown()));
        return Alert.newBuilder()
                .setAlertId(
                        Ids.of(
                                AlertKind.DRIFT.name(),
                                state.modelName,
                                state.modelVersion,
                                SubjectType.MODEL.name(),
                                key,
                                METHOD,
                                detectorId,
                                Long.toString(d.changePoint())))
                .setEventTime(Instant.ofEpochMilli(row.eventTime))
                .setModelName(state.modelName)
                .setModelVersion(state.modelVersion)
                .setKind(AlertKind.DRIFT)
                .setSeverity(model.settings().severity())
                .setSubject(new Subject(SubjectType.MODEL, key))
                .setSummary(summary(key, model, signal, d, adwin))
                .setScores(
                        List.of(
                                new DetectorScore(
                                        detectorId, d.score(), d.threshold(), null, true)))
                .setEvidence(
                        Evidence.newBuilder()
                                .setRequestIds(
                                        row.requestId == null ? List.of() : List.of(row.requestId))
                                .setFeatureNames(
                                        signal.isFeature() ? List.of(signal.name()) : List.of())
                                .setDetails(details)
                                .build())
                .setAtlasTechnique(null)
                .setWindow(
                        new TimeWindow(
                                Instant.ofEpochMilli(
                                        s.startTime == SignalState.NO_TIME
                                                ? row.eventTime
                                                : s.startTime),
                                Instant.ofEpochMilli(row.eventTime)))
                .setProfileId(signal.isFeature() ? model.profileId() : null)
                .build();
    }

    private static String summary(
            String key, SequentialModel model, Signal signal, Detection d, boolean adwin) {
        String what =
                signal.isFeature()
                        ? "feature " + signal.name() + " (on its reference CDF)"
                        : signal.kind() == Signal.Kind.ENTROPY ? signal.scale() : signal.name();
        String moved =
                switch (d.direction()) {
                    case INCREASE -> "rose";
                    case DECREASE -> "fell";
                    case BOTH -> "changed";
                };
        String size =
                adwin
                        ? String.format(
                                Locale.ROOT,
                                " from %.3f to %.3f (%+.3f)",
                                d.before(),
                                d.after(),
                                d.after() - d.before())
                        : String.format(
                                Locale.ROOT,
                                " (Page-Hinkley statistic %.1f > %.1f)",
                                d.score(),
                                d.threshold());
        return String.format(
                Locale.ROOT,
                "sudden change in %s: %s %s%s; began about %,d rows before detection (row %,d, %s)",
                key,
                what,
                moved,
                size,
                d.delayRows(),
                d.detectionRow(),
                model.detectorId(signal.name()));
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
