package io.warden.jobs.poisoning;

import io.warden.detectors.core.DetectorResult;
import io.warden.detectors.poisoning.ContributorAssessment;
import io.warden.detectors.poisoning.ContributorMonitor;
import io.warden.detectors.poisoning.ContributorState;
import io.warden.detectors.poisoning.LabelFlipReading;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.PoisoningSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.drift.Observation;
import io.warden.jobs.monitor.ByModel;
import io.warden.jobs.monitor.IdleExpiry;
import io.warden.jobs.monitor.Ids;
import io.warden.jobs.performance.LabelledPrediction;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Evidence;
import io.warden.schemas.Severity;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Label-flip detection per contributor, keyed by {@link #key(LabelledPrediction)} (model version
 * and contributor), over the labels the realised-performance join matched to their predictions.
 * Each label goes through the model's {@link ContributorMonitor} (disagreement with the model
 * against the expected rate, concentration on one class pair); the contributor's {@link
 * ContributorState} (a few hundred bytes) lives in keyed state.
 *
 * <p>The first time a signal fires for a contributor, one POISONING alert about it (subject
 * CONTRIBUTOR) names the signals, their values and p-values, the class pair and the feedback record
 * that tipped it; no more until the state expires. State is dropped after {@code idle-ttl} of event
 * time without a label from the contributor (an event-time timer, so replays agree).
 *
 * <p>Every label of a row is judged, each with the consensus of the row's other labels (the class
 * most of them gave), so a contributor who keeps contradicting the others is found by the consensus
 * signal even where the model agrees with it.
 *
 * <p><b>Metrics:</b> {@code poisoningAlerts}, {@code contributorsExpired}.
 */
public final class ContributorDetection
        extends KeyedProcessFunction<String, LabelledPrediction, Alert> {
    private static final long serialVersionUID = 1L;

    /** MITRE ATLAS "Poison Training Data". */
    static final String ATLAS_POISON = "AML.T0020";

    /** One model's detector and settings. */
    public record Model(ContributorMonitor monitor, long idleTtlMillis, Severity severity)
            implements Serializable {}

    private final ByModel<Model> byConfiguredKey;

    private transient ValueState<ContributorState> contributor;
    private transient IdleExpiry expiry;
    private transient ValueState<Boolean> alerted;
    private transient Counter alerts;
    private transient Counter expired;

    public ContributorDetection(Map<String, Model> byConfiguredKey) {
        this.byConfiguredKey = new ByModel<>(byConfiguredKey);
    }

    /** The detection of a validated config's models with {@code detectors.poisoning}; or null. */
    public static ContributorDetection from(WardenConfig config) {
        Map<String, Model> models = new HashMap<>();
        for (ModelSpec m : config.models()) {
            PoisoningSettings s = m.detectors().poisoning();
            if (s == null) {
                continue;
            }
            ContributorMonitor monitor =
                    ContributorMonitor.builder(m.output().classes().size())
                            .expectedModelDisagreementRate(
                                    s.expectedRate(m.detectors().performance()))
                            .expectedConsensusDisagreementRate(
                                    s.expectedConsensusDisagreementRate())
                            .alpha(s.alpha())
                            .minRecords(s.minRecords())
                            .window(s.window())
                            .concentrationThreshold(s.concentrationThreshold())
                            .minDisagreements(s.minDisagreements())
                            .build();
            models.put(
                    Observation.modelKey(m.name(), m.version()),
                    new Model(monitor, s.idleTtl().toMillis(), s.severity()));
        }
        return models.isEmpty() ? null : new ContributorDetection(models);
    }

    /** The model's detection: its exact version first, then the version-less spec. */
    Model find(String name, String version) {
        return byConfiguredKey.find(name, version);
    }

    /** Whether a joined prediction counts: labelled, by a known contributor, of a watched model. */
    public boolean counts(LabelledPrediction p) {
        return p.labelClass != LabelledPrediction.UNLABELLED
                && p.contributorId != null
                && find(p.modelName, p.modelVersion) != null;
    }

    /** The key of a counted label: its model version and contributor. */
    public static String key(LabelledPrediction p) {
        return p.modelKey + '\u0000' + p.contributorId;
    }

    @Override
    public void open(OpenContext openContext) {
        contributor =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "contributor", TypeInformation.of(ContributorState.class)));
        expiry = IdleExpiry.open(getRuntimeContext(), "contributor-expiry");
        alerted =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("contributor-alerted", Types.BOOLEAN));
        alerts = getRuntimeContext().getMetricGroup().counter("poisoningAlerts");
        expired = getRuntimeContext().getMetricGroup().counter("contributorsExpired");
    }

    @Override
    public void processElement(LabelledPrediction p, Context ctx, Collector<Alert> out)
            throws Exception {
        Model model = find(p.modelName, p.modelVersion);
        if (model == null) {
            return;
        }
        ContributorState state = contributor.value();
        if (state == null) {
            state = model.monitor().newState();
        }
        ContributorAssessment a =
                model.monitor()
                        .assess(
                                state,
                                p.labelClass,
                                p.predictedClass,
                                p.consensusClass == LabelledPrediction.NO_CONSENSUS
                                        ? ContributorMonitor.UNKNOWN
                                        : p.consensusClass);
        contributor.update(state);
        long time = ctx.timestamp() == null ? p.eventTime : ctx.timestamp();
        expiry.touch(time + model.idleTtlMillis(), ctx.timerService());
        if (alerted.value() == null && a.flagged()) {
            alerted.update(true);
            alerts.inc();
            out.collect(alert(model, p, a, time));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        if (expiry.isDue(timestamp)) {
            contributor.clear();
            expiry.clear();
            alerted.clear();
            expired.inc();
        }
    }

    /** The POISONING alert of a contributor; its id derives from model, contributor and record. */
    static Alert alert(Model model, LabelledPrediction p, ContributorAssessment a, long time) {
        List<DetectorScore> scores = new ArrayList<>();
        List<String> fired = new ArrayList<>();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("contributor_id", p.contributorId);
        details.put("records", Long.toString(a.records()));
        details.put("feedback_id", p.feedbackId);
        if (a.topPairGiven() >= 0) {
            details.put("top_pair_given", Integer.toString(a.topPairGiven()));
            details.put("top_pair_predicted", Integer.toString(a.topPairPredicted()));
        }
        for (LabelFlipReading r : a.readings()) {
            DetectorResult result = r.toResult();
            scores.add(
                    new DetectorScore(
                            result.detector(),
                            result.score(),
                            result.threshold(),
                            Double.isNaN(result.pValue()) ? null : result.pValue(),
                            r.firing()));
            if (r.hasFired()) {
                details.put(
                        result.detector() + ".first_fired_at_record",
                        Long.toString(r.firstFiredAtRecord()));
                fired.add(result.explanation());
            }
        }
        String summary =
                String.format(
                        Locale.ROOT,
                        "contributor %s: label flipping suspected in the feedback for %s after %d"
                                + " labels: %s",
                        p.contributorId,
                        p.modelKey,
                        a.records(),
                        String.join("; ", fired));
        return Alert.newBuilder()
                .setAlertId(
                        Ids.of(
                                AlertKind.POISONING.name(),
                                p.modelName,
                                p.modelVersion,
                                SubjectType.CONTRIBUTOR.name(),
                                p.contributorId,
                                p.feedbackId))
                .setEventTime(Instant.ofEpochMilli(time))
                .setModelName(p.modelName)
                .setModelVersion(p.modelVersion)
                .setKind(AlertKind.POISONING)
                .setSeverity(model.severity())
                .setSubject(new Subject(SubjectType.CONTRIBUTOR, p.contributorId))
                .setSummary(summary)
                .setScores(scores)
                .setEvidence(
                        Evidence.newBuilder()
                                .setRequestIds(List.of())
                                .setFeatureNames(List.of())
                                .setDetails(details)
                                .build())
                .setAtlasTechnique(ATLAS_POISON)
                .setWindow(null)
                .setProfileId(null)
                .build();
    }
}
