package io.warden.jobs.drift;

import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Evidence;
import io.warden.schemas.Severity;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import io.warden.schemas.TimeWindow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One alert per episode, not one per window: a model version's window reports pass through the
 * hysteresis of {@link AlertEpisode}, kept as keyed state. Subclasses say what a bad window is and
 * build the alerts; this class owns the state and its transitions.
 *
 * @param <R> the window report
 */
public abstract class EpisodeAlerting<R> extends KeyedProcessFunction<String, R, Alert> {
    private static final long serialVersionUID = 1L;

    private final String stateName;
    private transient ValueState<AlertEpisode> episode;

    /**
     * @param stateName name of the episode state (part of savepoint compatibility: keep it)
     */
    protected EpisodeAlerting(String stateName) {
        this.stateName = stateName;
    }

    /** A window's verdict. */
    protected enum Verdict {
        BAD,
        GOOD,
        /** Not judged (e.g. too few labels): the episode stays as it is. */
        NONE
    }

    protected abstract Verdict verdict(R report);

    protected abstract long windowStart(R report);

    protected abstract int alertAfter(R report);

    protected abstract int recoverAfter(R report);

    /** The alert that opens an episode which began with the window starting at episodeStart. */
    protected abstract Alert opened(String key, R report, long episodeStart);

    /** The recovery alert of episode {@code e}, whose alert id is still set. */
    protected abstract Alert recovered(String key, R report, AlertEpisode e);

    /**
     * An alert about a model version over an episode, from the episode's start to the end of the
     * window that decided it.
     *
     * @param key the model version's key (the alert's subject)
     * @param window the window that opened or ended the episode
     */
    protected static Alert episodeAlert(
            AlertKind kind,
            String id,
            String key,
            String modelName,
            String modelVersion,
            TimeWindow window,
            long episodeStart,
            Severity severity,
            String summary,
            List<DetectorScore> scores,
            List<String> features,
            Map<String, String> details,
            String profileId) {
        return Alert.newBuilder()
                .setAlertId(id)
                .setEventTime(window.getEnd())
                .setModelName(modelName)
                .setModelVersion(modelVersion)
                .setKind(kind)
                .setSeverity(severity)
                .setSubject(new Subject(SubjectType.MODEL, key))
                .setSummary(summary)
                .setScores(scores)
                .setEvidence(
                        Evidence.newBuilder()
                                .setRequestIds(List.of())
                                .setFeatureNames(features)
                                .setDetails(details)
                                .build())
                .setAtlasTechnique(null)
                .setWindow(new TimeWindow(Instant.ofEpochMilli(episodeStart), window.getEnd()))
                .setProfileId(profileId)
                .build();
    }

    @Override
    public void open(OpenContext openContext) {
        episode =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        stateName, TypeInformation.of(AlertEpisode.class)));
    }

    @Override
    public void processElement(R report, Context ctx, Collector<Alert> out) throws Exception {
        Verdict v = verdict(report);
        if (v == Verdict.NONE) {
            return;
        }
        AlertEpisode e = episode.value();
        if (e == null) {
            e = new AlertEpisode();
        }
        switch (e.step(
                v == Verdict.BAD, windowStart(report), alertAfter(report), recoverAfter(report))) {
            case OPENED -> {
                Alert alert = opened(ctx.getCurrentKey(), report, e.streakStart);
                e.alertId = alert.getAlertId();
                out.collect(alert);
            }
            case RECOVERED -> {
                out.collect(recovered(ctx.getCurrentKey(), report, e));
                e.alertId = null;
            }
            case NONE -> {}
        }
        if (e.idle()) {
            episode.clear();
        } else {
            episode.update(e);
        }
    }
}
