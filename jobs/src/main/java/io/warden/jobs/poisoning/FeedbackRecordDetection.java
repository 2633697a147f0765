package io.warden.jobs.poisoning;

import io.warden.detectors.core.DetectorResult;
import io.warden.detectors.poisoning.SpectralSignaturesResult;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.drift.Observation;
import io.warden.jobs.monitor.ByModel;
import io.warden.jobs.monitor.Ids;
import io.warden.jobs.monitor.Scores;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Evidence;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Judges each feedback record on its own, keyed by {@link #key(FeedbackSample)} (model version and
 * labelled class), with the model's {@link FeedbackRecordModel}:
 *
 * <ul>
 *   <li>class-conditional outliers on every record as it comes: a record whose features lie far
 *       from the reference of the class it was labelled with (a flipped label, a backdoor trigger)
 *       is flagged at once;
 *   <li>spectral signatures (Tran, Li &amp; M&#x105;dry 2018) over each {@code spectral-window}
 *       consecutive records of the class, kept in list state: at the window's last record the
 *       window is analysed and emptied (tumbling windows by count), and its flagged records not
 *       flagged before are alerted.
 * </ul>
 *
 * A flagged record gets one POISONING alert about it (subject FEEDBACK_RECORD, its feedback id),
 * with both detectors' scores, its contributor and the request it labels; its id derives from model
 * and feedback id, so a replay gives the same. A policy rule on FEEDBACK_RECORD subjects turns it
 * into a QUARANTINE decision. Every record's verdict also leaves on {@link #VERDICTS}, for its
 * contributor's flagged-record rate ({@link ContributorDetection}).
 *
 * <p>State: at most {@code spectral-window} samples (their features, 8 bytes each, and ids) per
 * model version and class; a window that does not fill waits for more records of its class (nothing
 * expires it). Which records share a window follows their arrival order, which at parallelism above
 * 1 depends on the interleaving of the upstream subtasks.
 *
 * <p><b>Metrics:</b> {@code feedbackRecordsJudged}, {@code feedbackRecordAlerts}, {@code
 * spectralWindowsAnalysed}.
 */
public final class FeedbackRecordDetection
        extends KeyedProcessFunction<String, FeedbackSample, Alert> {
    private static final long serialVersionUID = 1L;

    /** Every record's verdict, for its contributor's flagged-record rate. */
    public static final OutputTag<RecordVerdict> VERDICTS =
            new OutputTag<>("record-verdicts", TypeInformation.of(RecordVerdict.class));

    private final ByModel<FeedbackRecordModel> byConfiguredKey;

    private transient ListState<FeedbackSample> window;
    private transient ValueState<Integer> windowSize;
    private transient Counter judged;
    private transient Counter alerts;
    private transient Counter windows;

    public FeedbackRecordDetection(Map<String, FeedbackRecordModel> byConfiguredKey) {
        this.byConfiguredKey = new ByModel<>(byConfiguredKey);
    }

    /**
     * The detection of a validated config's models with {@code detectors.poisoning.records}, their
     * detectors fitted from the reference files; or null when no model has it.
     */
    public static FeedbackRecordDetection from(WardenConfig config) {
        Map<String, FeedbackRecordModel> models = new HashMap<>();
        for (ModelSpec m : config.models()) {
            ModelSpec.PoisoningSettings p = m.detectors().poisoning();
            if (p != null && p.records() != null) {
                models.put(Observation.modelKey(m.name(), m.version()), FeedbackRecordModel.fit(m));
            }
        }
        return models.isEmpty() ? null : new FeedbackRecordDetection(models);
    }

    /** Whether a sample's model version judges records (others need not be shuffled here). */
    public boolean judges(String modelName, String modelVersion) {
        return byConfiguredKey.find(modelName, modelVersion) != null;
    }

    /** The key of a sample: its model version and labelled class. */
    public static String key(FeedbackSample s) {
        return s.modelKey + '\u0000' + s.labelClass;
    }

    @Override
    public void open(OpenContext openContext) {
        window =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "spectral-window",
                                        TypeInformation.of(FeedbackSample.class)));
        windowSize =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("spectral-window-size", Types.INT));
        judged = getRuntimeContext().getMetricGroup().counter("feedbackRecordsJudged");
        alerts = getRuntimeContext().getMetricGroup().counter("feedbackRecordAlerts");
        windows = getRuntimeContext().getMetricGroup().counter("spectralWindowsAnalysed");
    }

    @Override
    public void processElement(FeedbackSample s, Context ctx, Collector<Alert> out)
            throws Exception {
        FeedbackRecordModel model = byConfiguredKey.find(s.modelName, s.modelVersion);
        if (model == null) {
            return;
        }
        DetectorResult outlier = model.outliers().assess(s.features, s.labelClass);
        judged.inc();
        ctx.output(VERDICTS, RecordVerdict.of(s, true, outlier.flagged()));
        if (outlier.flagged()) {
            s.alerted = true;
            alerts.inc();
            out.collect(alert(model, s, outlier, null, -1));
        }
        if (model.spectral() == null) {
            return;
        }
        window.add(s);
        Integer size = windowSize.value();
        int n = size == null ? 1 : size + 1;
        if (n < model.spectralWindow()) {
            windowSize.update(n);
            return;
        }
        List<FeedbackSample> samples = new ArrayList<>();
        window.get().forEach(samples::add);
        window.clear();
        windowSize.clear();
        double[][] rows = new double[samples.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = samples.get(i).features;
        }
        SpectralSignaturesResult result = model.spectral().analyse(rows);
        windows.inc();
        for (int i : result.flagged()) {
            FeedbackSample flagged = samples.get(i);
            if (!flagged.alerted) {
                alerts.inc();
                ctx.output(VERDICTS, RecordVerdict.of(flagged, false, true));
                out.collect(
                        alert(
                                model,
                                flagged,
                                model.outliers().assess(flagged.features, flagged.labelClass),
                                result,
                                i));
            }
        }
    }

    /**
     * The POISONING alert about one record: the class-conditional result, and the spectral window's
     * when that flagged it (row {@code row} of the window), else null.
     */
    static Alert alert(
            FeedbackRecordModel model,
            FeedbackSample s,
            DetectorResult outlier,
            SpectralSignaturesResult spectral,
            int row) {
        List<DetectorScore> scores = new ArrayList<>();
        List<String> fired = new ArrayList<>();
        scores.add(Scores.of(outlier));
        if (outlier.flagged()) {
            fired.add(outlier.explanation());
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("contributor_id", s.contributorId);
        details.put("label_class", Integer.toString(s.labelClass));
        if (spectral != null) {
            DetectorResult window = spectral.toResult();
            scores.add(Scores.of(window));
            fired.add(window.explanation());
            details.put(
                    "spectral_row_score",
                    String.format(Locale.ROOT, "%.6g", spectral.scores()[row]));
            details.put("spectral_window_rows", Integer.toString(spectral.scores().length));
        }
        String summary =
                String.format(
                        Locale.ROOT,
                        "feedback record %s from %s labelled class %d of %s looks poisoned: %s",
                        s.feedbackId,
                        s.contributorId,
                        s.labelClass,
                        s.modelKey,
                        String.join("; ", fired));
        return Alert.newBuilder()
                .setAlertId(
                        Ids.of(
                                AlertKind.POISONING.name(),
                                s.modelName,
                                s.modelVersion,
                                SubjectType.FEEDBACK_RECORD.name(),
                                s.feedbackId))
                .setEventTime(Instant.ofEpochMilli(s.eventTime))
                .setModelName(s.modelName)
                .setModelVersion(s.modelVersion)
                .setKind(AlertKind.POISONING)
                .setSeverity(model.severity())
                .setSubject(new Subject(SubjectType.FEEDBACK_RECORD, s.feedbackId))
                .setSummary(summary)
                .setScores(scores)
                .setEvidence(
                        Evidence.newBuilder()
                                .setRequestIds(
                                        s.requestId == null ? List.of() : List.of(s.requestId))
                                .setFeatureNames(List.of())
                                .setDetails(details)
                                .build())
                .setAtlasTechnique(ContributorDetection.ATLAS_POISON)
                .setWindow(null)
                .setProfileId(null)
                .build();
    }
}
