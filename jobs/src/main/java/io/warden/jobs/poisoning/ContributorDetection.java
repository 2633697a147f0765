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
import io.warden.jobs.monitor.Scores;
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
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
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
 * <p>Its second input, for models that judge feedback records on their own ({@code
 * detectors.poisoning.records}), is every record's verdict ({@link RecordVerdict}): the
 * contributor's rate of flagged records against the detectors' false-positive rate ({@link
 * FlaggedRecordRate}), so a poisoner whose records keep being flagged (a backdoor poisoner sending
 * samples of its own, say) is found too. Whichever signal fires first, the contributor gets one
 * alert.
 *
 * <p><b>Metrics:</b> {@code poisoningAlerts}, {@code contributorsExpired}.
 */
public final class ContributorDetection
        extends KeyedCoProcessFunction<String, LabelledPrediction, RecordVerdict, Alert> {
    private static final long serialVersionUID = 1L;

    /** MITRE ATLAS "Poison Training Data". */
    static final String ATLAS_POISON = "AML.T0020";

    /**
     * One model's detectors and settings.
     *
     * @param recordRate the flagged-record rate test, or null when the model does not judge records
     *     on their own
     */
    public record Model(
            ContributorMonitor monitor,
            long idleTtlMillis,
            Severity severity,
            FlaggedRecordRate recordRate)
            implements Serializable {

        /** A model without the flagged-record rate. */
        public Model(ContributorMonitor monitor, long idleTtlMillis, Severity severity) {
            this(monitor, idleTtlMillis, severity, null);
        }
    }

    private final ByModel<Model> byConfiguredKey;

    private transient ValueState<ContributorState> contributor;
    private transient ValueState<FlaggedRecordRate.Counts> records;
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
            ModelSpec.FeedbackRecordSettings r = s.records();
            FlaggedRecordRate rate =
                    r == null || r.reviewMinFlagged() == 0
                            ? null
                            : new FlaggedRecordRate(
                                    r.reviewFlagRate(),
                                    s.alpha(),
                                    r.reviewMinFlagged(),
                                    s.window());
            models.put(
                    Observation.modelKey(m.name(), m.version()),
                    new Model(monitor, s.idleTtl().toMillis(), s.severity(), rate));
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

    /** The key of a record verdict: its model version and contributor. */
    public static String key(RecordVerdict v) {
        return v.modelKey + '\u0000' + v.contributorId;
    }

    /** Whether a verdict counts: a model with the flagged-record rate, a known contributor. */
    public boolean counts(RecordVerdict v) {
        Model m = find(v.modelName, v.modelVersion);
        return v.contributorId != null && m != null && m.recordRate() != null;
    }

    @Override
    public void open(OpenContext openContext) {
        contributor =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "contributor", TypeInformation.of(ContributorState.class)));
        records =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "contributor-records",
                                        TypeInformation.of(FlaggedRecordRate.Counts.class)));
        expiry = IdleExpiry.open(getRuntimeContext(), "contributor-expiry");
        alerted =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("contributor-alerted", Types.BOOLEAN));
        alerts = getRuntimeContext().getMetricGroup().counter("poisoningAlerts");
        expired = getRuntimeContext().getMetricGroup().counter("contributorsExpired");
    }

    @Override
    public void processElement2(RecordVerdict v, Context ctx, Collector<Alert> out)
            throws Exception {
        Model model = find(v.modelName, v.modelVersion);
        if (model == null || model.recordRate() == null) {
            return;
        }
        FlaggedRecordRate.Counts counts = records.value();
        if (counts == null) {
            counts = new FlaggedRecordRate.Counts();
        }
        model.recordRate().add(counts, v);
        records.update(counts);
        long time = ctx.timestamp() == null ? v.eventTime : ctx.timestamp();
        expiry.touch(time + model.idleTtlMillis(), ctx.timerService());
        DetectorResult r = model.recordRate().assess(counts);
        if (alerted.value() == null && r.flagged()) {
            alerted.update(true);
            alerts.inc();
            out.collect(recordRateAlert(model, v, counts, r, time));
        }
    }

    @Override
    public void processElement1(LabelledPrediction p, Context ctx, Collector<Alert> out)
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
            records.clear();
            expiry.clear();
            alerted.clear();
            expired.inc();
        }
    }

    /** The POISONING alert of a contributor whose records keep being flagged. */
    static Alert recordRateAlert(
            Model model,
            RecordVerdict v,
            FlaggedRecordRate.Counts counts,
            DetectorResult r,
            long time) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("contributor_id", v.contributorId);
        details.put("records", String.format(Locale.ROOT, "%.0f", counts.judged));
        details.put("flagged_records", String.format(Locale.ROOT, "%.0f", counts.flagged));
        details.put("feedback_id", v.feedbackId);
        String summary =
                String.format(
                        Locale.ROOT,
                        "contributor %s: its feedback records for %s keep being flagged as"
                                + " poisoned: %s",
                        v.contributorId,
                        v.modelKey,
                        r.explanation());
        return contributorAlert(
                model,
                v.modelName,
                v.modelVersion,
                v.contributorId,
                v.feedbackId,
                FlaggedRecordRate.ID,
                summary,
                List.of(Scores.of(r)),
                details,
                time);
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
            scores.add(Scores.of(result, r.firing()));
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
        return contributorAlert(
                model,
                p.modelName,
                p.modelVersion,
                p.contributorId,
                p.feedbackId,
                null,
                summary,
                scores,
                details,
                time);
    }

    /**
     * A POISONING alert about a contributor; its id derives from model, contributor, the feedback
     * record that tipped it and, when given, the detector (null for label flipping).
     */
    private static Alert contributorAlert(
            Model model,
            String modelName,
            String modelVersion,
            String contributorId,
            String feedbackId,
            String detector,
            String summary,
            List<DetectorScore> scores,
            Map<String, String> details,
            long time) {
        String id =
                detector == null
                        ? Ids.of(
                                AlertKind.POISONING.name(),
                                modelName,
                                modelVersion,
                                SubjectType.CONTRIBUTOR.name(),
                                contributorId,
                                feedbackId)
                        : Ids.of(
                                AlertKind.POISONING.name(),
                                modelName,
                                modelVersion,
                                SubjectType.CONTRIBUTOR.name(),
                                contributorId,
                                feedbackId,
                                detector);
        return Alert.newBuilder()
                .setAlertId(id)
                .setEventTime(Instant.ofEpochMilli(time))
                .setModelName(modelName)
                .setModelVersion(modelVersion)
                .setKind(AlertKind.POISONING)
                .setSeverity(model.severity())
                .setSubject(new Subject(SubjectType.CONTRIBUTOR, contributorId))
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
