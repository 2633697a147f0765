package io.warden.jobs.onnx;

import io.warden.detectors.calibration.ConformalEnsemble;
import io.warden.detectors.calibration.EmpiricalReference;
import io.warden.detectors.core.Direction;
import io.warden.detectors.onnx.OnnxScorer;
import io.warden.detectors.squeezing.FeatureSqueezing;
import io.warden.jobs.drift.Observation;
import io.warden.jobs.monitor.Ids;
import io.warden.schemas.AdversarialExample;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Evidence;
import io.warden.schemas.ModelRollout;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores observation rows with the models' ONNX detectors in micro-batches, and raises an EVASION
 * alert for every flagged row.
 *
 * <p><b>Batching.</b> Each detector has its own buffer per subtask, of {@code batch-size} rows; a
 * row ({@link Observation}: one row of one request, so a batched request is several rows) of a
 * model with ONNX detectors is copied into the buffer of each of them. A buffer is scored in one
 * ONNX Runtime call, and emptied:
 *
 * <ul>
 *   <li>when it is full;
 *   <li>when its oldest row has waited {@code max-wait} (a processing-time timer, registered when
 *       the first row enters an empty buffer), so that nothing waits forever on quiet traffic;
 *   <li>before a watermark is forwarded ({@link #processWatermark}), so every score and alert
 *       leaves before the watermark that passes its row's event time, and no row becomes late
 *       downstream by waiting here;
 *   <li>before a checkpoint barrier ({@link #prepareSnapshotPreBarrier}), so a snapshot never holds
 *       a buffered row: the operator keeps no rows in state (only its rolled-in models), a restore
 *       starts with empty buffers, and every row that entered before the barrier was scored and
 *       emitted before it (nothing is lost on restart; the rows after it are replayed from the
 *       source);
 *   <li>at the end of a bounded input ({@link #endInput}, and again in {@link #finish}).
 * </ul>
 *
 * Outputs keep their row's timestamp. A row the model scores NaN is flagged: the detector cannot
 * vouch for it. The detectors' ONNX sessions are opened in {@link #open} (one {@link OnnxScorer}
 * per detector per subtask, which checks the file's pin again) and closed in {@link #close}; a
 * conformal detector scores its reference rows there to build its {@link EmpiricalReference}.
 *
 * <p><b>The served model.</b> Feature squeezing ({@link OnnxDetector.Kind#SQUEEZING}) runs the
 * served model on squeezed copies of each row ({@link FeatureSqueezing}) and compares with the
 * logged output ({@link Observation#outputs}). Output integrity ({@link
 * OnnxDetector.Kind#INTEGRITY}) re-runs it on the rows of a sample of requests (chosen by a hash of
 * the request id, so a replay samples the same ones) and raises an INTEGRITY alert when an output
 * differs from the logged one by more than the tolerance.
 *
 * <p><b>Evasion ensemble.</b> The rows of a model with an ensemble are judged by it ({@link
 * ConformalEnsemble}), not by each member: a row waits (in memory) until every member has scored
 * it, then one ensemble score is emitted and, when flagged, one EVASION alert naming the members
 * that fired. Members flush before every watermark and barrier like any detector, so no row waits
 * across either.
 *
 * <p><b>Rolling in models.</b> With a second input of {@link ModelRollout} records (the control
 * topic, broadcast to every subtask; see {@link OnnxStage}), a new version of a detector's model or
 * of the served model is rolled in while the job runs ({@link #processElement2}): the subtask first
 * flushes every buffer (so each row that arrived before the record is scored by the old model, and
 * every ensemble row waiting for its members is judged), then opens a session on the new file,
 * which must match the record's SHA-256 pin, bind like the old one and, for a conformal detector or
 * an ensemble member, calibrate again on the reference rows. Only then does it swap and close the
 * old session. Any failure is logged, counted ({@code onnx_rollin.refused}) and leaves the old
 * model serving; a roll-out never fails the job. Accepted roll-outs are kept in broadcast state
 * ({@link #ROLLS}), so a restored job serves them again, unless its config pins another file since
 * the roll (then the config's). Alerts name the file and digest that scored them. The control
 * input's watermarks and idleness are ignored: the operator's event time is the observations'.
 *
 * <p><b>Adversarial examples.</b> When asked for, the row behind every EVASION alert goes to {@link
 * #ADVERSARIAL_EXAMPLES} with its features, logged output, scores and the models' digests.
 *
 * <p><b>Metrics</b> per detector (group {@code onnx_detector}): {@code batches}, {@code
 * rowsScored}, {@code alerts} and the {@code batchSize} histogram; per subtask (group {@code
 * onnx_rollin}): {@code accepted} and {@code refused} roll-outs.
 */
public final class OnnxScoringOperator extends AbstractStreamOperator<OnnxScore>
        implements OneInputStreamOperator<Observation, OnnxScore>,
                TwoInputStreamOperator<Observation, ModelRollout, OnnxScore>,
                BoundedOneInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OnnxScoringOperator.class);

    /** EVASION alerts of flagged rows. */
    public static final OutputTag<Alert> ALERTS =
            new OutputTag<>("onnx-alerts", TypeInformation.of(Alert.class));

    /** The rows behind EVASION alerts, with their features, logged output and scores. */
    public static final OutputTag<AdversarialExample> ADVERSARIAL_EXAMPLES =
            new OutputTag<>(
                    "onnx-adversarial-examples", TypeInformation.of(AdversarialExample.class));

    /** The rolled-in models, by {@link OnnxDetector#rollKey()}: broadcast state. */
    static final MapStateDescriptor<String, ModelRoll> ROLLS =
            new MapStateDescriptor<>(
                    "onnx-rolled-in-models",
                    BasicTypeInfo.STRING_TYPE_INFO,
                    TypeInformation.of(ModelRoll.class));

    /** MITRE ATLAS "Evade ML Model". */
    static final String ATLAS_EVADE = "AML.T0015";

    private final OnnxDetectors detectors;
    private final boolean adversarialExamples;

    private transient Batch[] batches;
    private transient EnsembleRuntime[] ensembles;
    private transient Map<String, int[]> detectorsByModel;
    private transient Map<String, Integer> ensembleByModel;
    private transient BroadcastState<String, ModelRoll> rolls;
    private transient Counter rollIns;
    private transient Counter rollInsRefused;

    /** Scores with the configured models and writes no adversarial examples. */
    public OnnxScoringOperator(OnnxDetectors detectors) {
        this(detectors, false);
    }

    /**
     * @param detectors the configured detectors
     * @param adversarialExamples whether the rows behind EVASION alerts go to {@link
     *     #ADVERSARIAL_EXAMPLES}
     */
    public OnnxScoringOperator(OnnxDetectors detectors, boolean adversarialExamples) {
        this.detectors = detectors;
        this.adversarialExamples = adversarialExamples;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        rolls = context.getOperatorStateStore().getBroadcastState(ROLLS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        List<OnnxDetector> all = detectors.all();
        batches = new Batch[all.size()];
        detectorsByModel = new HashMap<>();
        ensembleByModel = new HashMap<>();
        MetricGroup rollGroup = getMetricGroup().addGroup("onnx_rollin");
        rollIns = rollGroup.counter("accepted");
        rollInsRefused = rollGroup.counter("refused");
        try {
            for (int i = 0; i < batches.length; i++) {
                OnnxDetector d = all.get(i);
                MetricGroup group =
                        getMetricGroup().addGroup("onnx_detector", d.modelName() + "." + d.name());
                batches[i] = new Batch(restoredOrConfigured(d), group);
            }
            List<OnnxDetectors.Ensemble> specs = detectors.ensembles();
            ensembles = new EnsembleRuntime[specs.size()];
            for (int e = 0; e < ensembles.length; e++) {
                OnnxDetectors.Ensemble spec = specs.get(e);
                ensembles[e] =
                        calibrate(
                                spec,
                                getMetricGroup()
                                        .addGroup(
                                                "onnx_ensemble",
                                                Observation.modelKey(
                                                        spec.modelName(), spec.modelVersion()))
                                        .counter("alerts"));
                int[] members = specs.get(e).members();
                for (int m = 0; m < members.length; m++) {
                    batches[members[m]].ensembleSlot = m;
                }
            }
        } catch (RuntimeException e) {
            closeScorers();
            throw e;
        }
    }

    /**
     * The model a detector serves at start-up: the one rolled in before the checkpoint this task
     * restores, unless the config pins another file since (then the config's), or the rolled-in
     * file no longer matches its pin or cannot be loaded (then the config's, logged as an error and
     * counted as refused).
     */
    private LoadedModel restoredOrConfigured(OnnxDetector configured) throws Exception {
        ModelRoll roll = rolls.get(configured.rollKey());
        if (roll != null && !configured.sha256().equalsIgnoreCase(roll.configSha256)) {
            LOG.info(
                    "ONNX detector {} of model {}: the config pins {} (SHA-256 {}) since {} was"
                            + " rolled in; serving the config's",
                    configured.name(),
                    configured.modelName(),
                    configured.modelPath(),
                    configured.sha256(),
                    roll.modelPath);
            rolls.remove(configured.rollKey());
        } else if (roll != null) {
            try {
                LoadedModel restored = open(configured.withModel(roll.modelPath, roll.sha256));
                LOG.info(
                        "ONNX detector {} of model {}: serving the rolled-in {} (SHA-256 {})",
                        configured.name(),
                        configured.modelName(),
                        roll.modelPath,
                        roll.sha256);
                return restored;
            } catch (RuntimeException e) {
                rollInsRefused.inc();
                LOG.error(
                        "ONNX detector {} of model {}: cannot serve the rolled-in {} again ({});"
                                + " serving the config's {} (SHA-256 {})",
                        configured.name(),
                        configured.modelName(),
                        roll.modelPath,
                        e.getMessage(),
                        configured.modelPath(),
                        configured.sha256());
                rolls.remove(configured.rollKey());
            }
        }
        return open(configured);
    }

    @Override
    public void processElement1(StreamRecord<Observation> element) throws Exception {
        processElement(element);
    }

    /**
     * Rolls a model into the detectors a record names, between batches: every buffered row is
     * scored (with the model that served when it arrived) before any detector swaps.
     */
    @Override
    public void processElement2(StreamRecord<ModelRollout> element) throws Exception {
        ModelRollout r = element.getValue();
        List<OnnxDetector> all = detectors.all();
        List<Integer> targets = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).rolledBy(r.getModelName(), r.getModelVersion(), r.getDetector())) {
                targets.add(i);
            }
        }
        if (targets.isEmpty()) {
            rollInsRefused.inc();
            LOG.warn(
                    "roll-out of {} (SHA-256 {}) names no ONNX detector of this job (model {},"
                            + " version {}, detector {}); ignored",
                    r.getModelPath(),
                    r.getSha256(),
                    r.getModelName(),
                    r.getModelVersion(),
                    r.getDetector());
            return;
        }
        flushAll();
        for (int i : targets) {
            rollInto(i, r.getModelPath(), r.getSha256());
        }
    }

    /**
     * Swaps detector i's session for one on the new file, once the file matched its pin, the
     * bindings fit and a conformal detector (or its ensemble) is calibrated again; else the old
     * session keeps serving. The old session is closed after the swap, and the roll is kept in
     * broadcast state.
     */
    private void rollInto(int i, String path, String sha256) throws Exception {
        Batch b = batches[i];
        OnnxDetector configured = detectors.all().get(i);
        LoadedModel previous = b.model;
        LoadedModel next;
        try {
            next = open(b.model.detector().withModel(path, sha256.toLowerCase(Locale.ROOT)));
        } catch (RuntimeException e) {
            refused(b.model.detector(), path, e);
            return;
        }
        b.model = next;
        int e = ensembleOf(i);
        if (e >= 0) {
            try {
                ensembles[e] = calibrate(detectors.ensembles().get(e), ensembles[e].alerts);
            } catch (RuntimeException x) {
                b.model = previous;
                next.scorer().close();
                refused(previous.detector(), path, x);
                return;
            }
        }
        previous.scorer().close();
        OnnxDetector now = next.detector();
        rolls.put(
                configured.rollKey(),
                new ModelRoll(now.modelPath(), now.sha256(), configured.sha256()));
        rollIns.inc();
        LOG.info(
                "ONNX detector {} of model {}: rolled in {} (SHA-256 {}), replacing {} (SHA-256"
                        + " {})",
                now.name(),
                now.modelName(),
                now.modelPath(),
                now.sha256(),
                previous.detector().modelPath(),
                previous.detector().sha256());
    }

    private void refused(OnnxDetector serving, String path, RuntimeException why) {
        rollInsRefused.inc();
        LOG.error(
                "ONNX detector {} of model {}: refused to roll in {}: {}; {} (SHA-256 {}) keeps"
                        + " serving",
                serving.name(),
                serving.modelName(),
                path,
                why.getMessage(),
                serving.modelPath(),
                serving.sha256());
    }

    /** The index of the ensemble that detector i is a member of, or -1. */
    private int ensembleOf(int i) {
        List<OnnxDetectors.Ensemble> specs = detectors.ensembles();
        for (int e = 0; e < specs.size(); e++) {
            for (int m : specs.get(e).members()) {
                if (m == i) {
                    return e;
                }
            }
        }
        return -1;
    }

    @Override
    public void processElement(StreamRecord<Observation> element) throws Exception {
        Observation o = element.getValue();
        String key = Observation.modelKey(o.modelName, o.modelVersion);
        int[] mine =
                detectorsByModel.computeIfAbsent(
                        key, k -> detectors.forModel(o.modelName, o.modelVersion));
        int ensemble =
                ensembleByModel.computeIfAbsent(
                        key, k -> detectors.ensembleForModel(o.modelName, o.modelVersion));
        PendingRow pending = ensemble < 0 ? null : new PendingRow(ensembles[ensemble], o, element);
        for (int i : mine) {
            Batch b = batches[i];
            OnnxDetector d = b.model.detector();
            if (d.kind() == OnnxDetector.Kind.INTEGRITY && !sampled(o.requestId, d.sampleRate())) {
                continue;
            }
            b.add(o, element, d.ensembleMember() ? pending : null);
            if (b.size == b.model.detector().batchSize()) {
                flush(b);
            } else if (b.size == 1) {
                long now = getProcessingTimeService().getCurrentProcessingTime();
                b.firstArrival = now;
                scheduleWait(b, now + b.model.detector().maxWaitMillis());
            }
        }
    }

    /** Registers the max-wait timer of a buffer unless one is pending. */
    private void scheduleWait(Batch b, long at) {
        if (b.timerPending) {
            return;
        }
        b.timerPending = true;
        getProcessingTimeService().registerTimer(at, time -> onWaitExpired(b, time));
    }

    private void onWaitExpired(Batch b, long time) {
        b.timerPending = false;
        if (b.size == 0) {
            return;
        }
        long due = b.firstArrival + b.model.detector().maxWaitMillis();
        if (time >= due) {
            flush(b);
        } else {
            // The buffer was emptied and refilled since this timer was set.
            scheduleWait(b, due);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flushAll();
        super.processWatermark(mark);
    }

    /** The observations' watermark is the operator's: the control input's plays no part. */
    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    /** Roll-outs carry no event time: their watermarks would only hold back the observations'. */
    @Override
    public void processWatermark2(Watermark mark) {}

    /** Only the observations' input can make the output idle, as with one input. */
    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        if (index == 0) {
            processWatermarkStatus(status);
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flushAll();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        flushAll();
    }

    @Override
    public void finish() throws Exception {
        flushAll();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            closeScorers();
        } finally {
            super.close();
        }
    }

    private void closeScorers() {
        if (batches == null) {
            return;
        }
        for (Batch b : batches) {
            if (b != null) {
                b.model.scorer().close();
            }
        }
    }

    /** Rows currently buffered, over every detector (for tests). */
    int buffered() {
        int n = 0;
        for (Batch b : batches) {
            n += b.size;
        }
        return n;
    }

    private void flushAll() {
        if (batches == null) {
            return;
        }
        for (Batch b : batches) {
            if (b.size > 0) {
                flush(b);
            }
        }
    }

    private void flush(Batch b) {
        int n = b.size;
        OnnxDetector d = b.model.detector();
        double[] scores = b.score(n);
        b.batches.inc();
        b.rowsScored.inc(n);
        b.batchSize.update(n);
        for (int r = 0; r < n; r++) {
            double score = scores[r];
            OnnxScore s = new OnnxScore();
            s.modelName = b.modelNames[r];
            s.modelVersion = b.modelVersions[r];
            s.requestId = b.requestIds[r];
            s.clientId = b.clientIds[r];
            s.row = b.rows[r];
            s.eventTime = b.eventTimes[r];
            s.detector = d.detectorId();
            s.score = score;
            PendingRow pending = b.pending[r];
            if (pending != null) {
                s.pValue = pending.ensemble.ensemble.detectorPValue(b.ensembleSlot, score);
                s.threshold = Double.NaN;
                s.flagged = false;
            } else if (d.conformal()) {
                s.pValue =
                        Double.isNaN(score)
                                ? 0.0
                                : b.model.reference().pValue(score, d.direction());
                s.threshold = d.alpha();
                s.flagged = s.pValue <= d.alpha();
            } else {
                s.pValue = Double.NaN;
                s.threshold = d.threshold();
                s.flagged =
                        Double.isNaN(score)
                                || (d.direction() == Direction.HIGH_IS_ANOMALOUS
                                        ? score > d.threshold()
                                        : score < d.threshold());
            }
            StreamRecord<OnnxScore> record =
                    b.hasTimestamp[r]
                            ? new StreamRecord<>(s, b.timestamps[r])
                            : new StreamRecord<>(s);
            output.collect(record);
            if (s.flagged) {
                b.alerts.inc();
                Alert alert =
                        d.kind() == OnnxDetector.Kind.INTEGRITY
                                ? integrityAlert(d, s, b.outputDifference(r))
                                : alert(d, s);
                output.collect(
                        ALERTS,
                        b.hasTimestamp[r]
                                ? new StreamRecord<>(alert, b.timestamps[r])
                                : new StreamRecord<>(alert));
                if (alert.getKind() == AlertKind.EVASION) {
                    emitExample(
                            alert,
                            s,
                            b.rowFeatures[r],
                            b.logged[r],
                            Map.of(d.detectorId(), d.sha256()),
                            b.hasTimestamp[r],
                            b.timestamps[r]);
                }
            }
            if (pending != null && pending.scored(b.ensembleSlot, score)) {
                judge(pending);
            }
            b.requestIds[r] = null;
            b.clientIds[r] = null;
            b.pending[r] = null;
            b.logged[r] = null;
            b.rowFeatures[r] = null;
        }
        b.size = 0;
    }

    /** Emits the ensemble's score of a row that every member has scored, and its alert. */
    private void judge(PendingRow row) {
        EnsembleRuntime e = row.ensemble;
        ConformalEnsemble.Assessment a = e.ensemble.assess(row.scores);
        OnnxScore s = new OnnxScore();
        s.modelName = row.modelName;
        s.modelVersion = row.modelVersion;
        s.requestId = row.requestId;
        s.clientId = row.clientId;
        s.row = row.row;
        s.eventTime = row.eventTime;
        s.detector = OnnxDetectors.Ensemble.DETECTOR_ID;
        s.score = a.combined();
        s.pValue = a.pValue();
        s.threshold = e.spec.alpha();
        s.flagged = a.flagged(e.spec.alpha());
        output.collect(
                row.hasTimestamp ? new StreamRecord<>(s, row.timestamp) : new StreamRecord<>(s));
        if (s.flagged) {
            e.alerts.inc();
            Alert alert = ensembleAlert(e, s, a);
            output.collect(
                    ALERTS,
                    row.hasTimestamp
                            ? new StreamRecord<>(alert, row.timestamp)
                            : new StreamRecord<>(alert));
            Map<String, String> models = new LinkedHashMap<>();
            for (OnnxDetector m : e.members) {
                models.put(m.detectorId(), m.sha256());
            }
            emitExample(
                    alert, s, row.features, row.outputs, models, row.hasTimestamp, row.timestamp);
        }
    }

    /** Writes a flagged row to {@link #ADVERSARIAL_EXAMPLES}, when they are wanted. */
    private void emitExample(
            Alert alert,
            OnnxScore s,
            double[] features,
            double[] logged,
            Map<String, String> models,
            boolean hasTimestamp,
            long timestamp) {
        if (!adversarialExamples) {
            return;
        }
        AdversarialExample example =
                AdversarialExample.newBuilder()
                        .setAlertId(alert.getAlertId())
                        .setRequestId(s.requestId)
                        .setRow(s.row)
                        .setEventTime(Instant.ofEpochMilli(s.eventTime))
                        .setModelName(s.modelName)
                        .setModelVersion(s.modelVersion)
                        .setClientId(s.clientId)
                        .setFeatureNames(detectors.featureNames(s.modelName, s.modelVersion))
                        .setFeatures(boxed(features))
                        .setOutput(boxed(logged))
                        .setScores(alert.getScores())
                        .setDetectorModels(models)
                        .build();
        output.collect(
                ADVERSARIAL_EXAMPLES,
                hasTimestamp
                        ? new StreamRecord<>(example, timestamp)
                        : new StreamRecord<>(example));
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>(values == null ? 0 : values.length);
        if (values != null) {
            for (double v : values) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * Whether a request is in the integrity sample: a hash of its id, spread by SplitMix64's
     * finaliser, maps it to [0, 1). {@link String#hashCode()} is specified, so every JVM and every
     * replay picks the same requests.
     */
    static boolean sampled(String requestId, double rate) {
        if (rate >= 1) {
            return true;
        }
        long z = requestId.hashCode() * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53 < rate;
    }

    /**
     * Calibrates an ensemble on its profile's row sample: each member scores every reference row;
     * the even rows calibrate the members' p-values, the odd ones (held out) the combination.
     */
    private EnsembleRuntime calibrate(OnnxDetectors.Ensemble spec, Counter alerts) {
        int k = spec.members().length;
        List<String> names = new ArrayList<>();
        Direction[] directions = new Direction[k];
        double[][] first = new double[k][];
        double[][] heldOut = new double[k][];
        for (int m = 0; m < k; m++) {
            LoadedModel member = batches[spec.members()[m]].model;
            names.add(member.detector().detectorId());
            directions[m] = member.detector().direction();
            double[] all = member.referenceScores();
            first[m] = new double[(all.length + 1) / 2];
            heldOut[m] = new double[all.length / 2];
            for (int r = 0; r < all.length; r++) {
                if (r % 2 == 0) {
                    first[m][r / 2] = all[r];
                } else {
                    heldOut[m][r / 2] = all[r];
                }
            }
        }
        ConformalEnsemble ensemble =
                ConformalEnsemble.calibrate(names, directions, first, heldOut, spec.combination());
        OnnxDetector[] members = new OnnxDetector[k];
        for (int m = 0; m < k; m++) {
            members[m] = batches[spec.members()[m]].model.detector();
        }
        return new EnsembleRuntime(spec, ensemble, members, alerts);
    }

    /**
     * The EVASION alert of a flagged row; its id is derived from the kind, model, request (and row
     * after the first), and detector, so a replay gives the same id.
     */
    static Alert alert(OnnxDetector d, OnnxScore s) {
        Map<String, String> details = rowDetails(s);
        details.put("detector_model", d.modelPath());
        details.put("detector_model_sha256", d.sha256());
        String high = d.direction() == Direction.HIGH_IS_ANOMALOUS ? "high" : "low";
        String summary =
                d.conformal()
                        ? String.format(
                                Locale.ROOT,
                                "ONNX detector %s: score %.6g is unusually %s against the"
                                        + " reference (p-value %.4g <= alpha %s)",
                                d.name(),
                                s.score,
                                high,
                                s.pValue,
                                d.alpha())
                        : String.format(
                                Locale.ROOT,
                                "ONNX detector %s: score %.6g is %s threshold %s",
                                d.name(),
                                s.score,
                                d.direction() == Direction.HIGH_IS_ANOMALOUS ? "above" : "below",
                                d.threshold());
        return requestAlert(
                        AlertKind.EVASION,
                        s,
                        d.detectorId(),
                        List.of(
                                new DetectorScore(
                                        s.detector,
                                        s.score,
                                        s.threshold,
                                        Double.isNaN(s.pValue) ? null : s.pValue,
                                        true)),
                        d.featureNames(),
                        details)
                .setSeverity(d.severity())
                .setSummary(summary)
                .setAtlasTechnique(ATLAS_EVADE)
                .setProfileId(d.profileId())
                .build();
    }

    /** The details every per-row alert starts with: the client, and the row of a batch. */
    private static Map<String, String> rowDetails(OnnxScore s) {
        Map<String, String> details = new LinkedHashMap<>();
        if (s.clientId != null) {
            details.put("client_id", s.clientId);
        }
        if (s.row > 0) {
            details.put("row", Integer.toString(s.row));
        }
        return details;
    }

    /** MITRE ATLAS "Manipulate AI Model": the served model is not the one that answered. */
    static final String ATLAS_MANIPULATE_MODEL = "AML.T0018";

    /**
     * The INTEGRITY alert of a sampled row whose logged output differs from the served model's; id
     * derived like an EVASION alert's.
     */
    static Alert integrityAlert(OnnxDetector d, OnnxScore s, String difference) {
        Map<String, String> details = rowDetails(s);
        details.put("served_model", d.modelPath());
        details.put("served_model_sha256", d.sha256());
        details.put("difference", difference);
        String summary =
                Double.isNaN(s.score)
                        ? "output integrity: the served model gives NaN for this request"
                        : String.format(
                                Locale.ROOT,
                                "output integrity: the logged output differs from the served"
                                        + " model's by %.6g (tolerance %s): a swapped or tampered"
                                        + " model, or a logging bug",
                                s.score,
                                d.tolerance());
        return requestAlert(
                        AlertKind.INTEGRITY,
                        s,
                        d.detectorId(),
                        List.of(new DetectorScore(s.detector, s.score, s.threshold, null, true)),
                        List.of(),
                        details)
                .setSeverity(d.severity())
                .setSummary(summary)
                .setAtlasTechnique(ATLAS_MANIPULATE_MODEL)
                .setProfileId(null)
                .build();
    }

    /**
     * The EVASION alert of a row the ensemble flags: every member's score and p-value (those at
     * most alpha marked as fired), then the ensemble's own, and the members' model files and pins.
     */
    static Alert ensembleAlert(EnsembleRuntime e, OnnxScore s, ConformalEnsemble.Assessment a) {
        double alpha = e.spec.alpha();
        List<DetectorScore> scores = new ArrayList<>();
        Map<String, String> details = rowDetails(s);
        for (int m = 0; m < e.members.length; m++) {
            OnnxDetector d = e.members[m];
            scores.add(
                    new DetectorScore(
                            d.detectorId(),
                            a.scores()[m],
                            alpha,
                            a.detectorPValues()[m],
                            a.detectorPValues()[m] <= alpha));
            details.put(d.detectorId() + ".model_sha256", d.sha256());
        }
        scores.add(new DetectorScore(s.detector, s.score, alpha, s.pValue, true));
        List<String> fired = new ArrayList<>();
        for (int m : a.firing(alpha)) {
            fired.add(
                    String.format(
                            Locale.ROOT,
                            "%s (p %.3g)",
                            e.members[m].detectorId(),
                            a.detectorPValues()[m]));
        }
        String summary =
                String.format(
                        Locale.ROOT,
                        "evasion ensemble (%s of %d detectors): p-value %.4g <= alpha %s; %s",
                        e.spec.combination().name().toLowerCase(Locale.ROOT),
                        e.members.length,
                        s.pValue,
                        alpha,
                        fired.isEmpty()
                                ? "no detector alone below alpha, together they are"
                                : "fired: " + String.join(", ", fired));
        return requestAlert(AlertKind.EVASION, s, s.detector, scores, List.of(), details)
                .setSeverity(e.spec.severity())
                .setSummary(summary)
                .setAtlasTechnique(ATLAS_EVADE)
                .setProfileId(e.spec.profileId())
                .build();
    }

    /**
     * The parts every per-row alert shares, evidence included; its id depends on kind, model, row
     * and detector.
     */
    private static Alert.Builder requestAlert(
            AlertKind kind,
            OnnxScore s,
            String detectorId,
            List<DetectorScore> scores,
            List<String> featureNames,
            Map<String, String> details) {
        return Alert.newBuilder()
                .setAlertId(
                        Ids.of(
                                kind.name(),
                                s.modelName,
                                s.modelVersion,
                                SubjectType.REQUEST.name(),
                                Observation.rowKey(s.requestId, s.row),
                                detectorId))
                .setEventTime(Instant.ofEpochMilli(s.eventTime))
                .setModelName(s.modelName)
                .setModelVersion(s.modelVersion)
                .setKind(kind)
                .setSubject(new Subject(SubjectType.REQUEST, s.requestId))
                .setScores(scores)
                .setEvidence(
                        Evidence.newBuilder()
                                .setRequestIds(List.of(s.requestId))
                                .setFeatureNames(featureNames)
                                .setDetails(details)
                                .build())
                .setWindow(null);
    }

    /** A calibrated ensemble with its members and metrics on this subtask. */
    static final class EnsembleRuntime {
        final OnnxDetectors.Ensemble spec;
        final ConformalEnsemble ensemble;
        final OnnxDetector[] members;
        final Counter alerts;

        EnsembleRuntime(
                OnnxDetectors.Ensemble spec,
                ConformalEnsemble ensemble,
                OnnxDetector[] members,
                Counter alerts) {
            this.spec = spec;
            this.ensemble = ensemble;
            this.members = members;
            this.alerts = alerts;
        }
    }

    /** A row of a model with an ensemble, waiting for its members' scores. */
    private static final class PendingRow {
        final EnsembleRuntime ensemble;
        final double[] scores;
        final String modelName;
        final String modelVersion;
        final String requestId;
        final String clientId;
        final int row;
        final long eventTime;
        final boolean hasTimestamp;
        final long timestamp;
        final double[] features;
        final double[] outputs;
        int remaining;

        PendingRow(EnsembleRuntime ensemble, Observation o, StreamRecord<Observation> element) {
            this.features = o.features;
            this.outputs = o.outputs;
            this.ensemble = ensemble;
            this.scores = new double[ensemble.members.length];
            this.remaining = scores.length;
            this.modelName = o.modelName;
            this.modelVersion = o.modelVersion;
            this.requestId = o.requestId;
            this.clientId = o.clientId;
            this.row = o.row;
            this.eventTime = o.eventTime;
            this.hasTimestamp = element.hasTimestamp();
            this.timestamp = element.hasTimestamp() ? element.getTimestamp() : 0L;
        }

        /** Records a member's score; true when it was the last one missing. */
        boolean scored(int slot, double score) {
            scores[slot] = score;
            return --remaining == 0;
        }
    }

    /** Opens a detector's model, first writing a built-in detector's export if it is missing. */
    private LoadedModel open(OnnxDetector detector) {
        detectors.materialize(detector);
        return LoadedModel.open(detector);
    }

    /**
     * The model a detector serves: its (possibly rolled-in) settings, an open session, the
     * conformal reference scored with exactly this model, and the output buffer it fits.
     */
    private record LoadedModel(
            OnnxDetector detector, OnnxScorer scorer, EmpiricalReference reference, float[] out) {

        /**
         * Opens a session on the detector's file (checking its pin) and calibrates a conformal
         * detector on its reference rows; the session is closed again if that fails.
         *
         * @throws RuntimeException when the file does not match its pin, cannot be read or loaded,
         *     the bindings do not fit, or every reference row scores NaN
         */
        static LoadedModel open(OnnxDetector detector) {
            OnnxScorer scorer = new OnnxScorer(detector.modelFile(), detector.scorerSettings());
            try {
                float[] out = new float[detector.batchSize() * Math.max(1, scorer.outputWidth())];
                LoadedModel unreferenced = new LoadedModel(detector, scorer, null, out);
                return detector.conformal()
                        ? new LoadedModel(detector, scorer, unreferenced.calibrated(), out)
                        : unreferenced;
            } catch (RuntimeException e) {
                scorer.close();
                throw e;
            }
        }

        /** The detector's scores on its reference rows; rows scoring NaN are left out. */
        private EmpiricalReference calibrated() {
            EmpiricalReference.Builder builder = EmpiricalReference.builder();
            for (double s : referenceScores()) {
                if (!Double.isNaN(s)) {
                    builder.add(s);
                }
            }
            if (builder.offered() == 0) {
                throw new IllegalStateException(
                        "ONNX detector "
                                + detector.name()
                                + " scores every reference row NaN; it cannot be calibrated");
            }
            return builder.build();
        }

        /**
         * The detector's scores on its reference rows, in row order. Feature squeezing compares
         * with the served model's own answers there, which is what the log holds for clean traffic.
         */
        double[] referenceScores() {
            double[] rows = detector.referenceRows();
            int w = detector.width();
            int n = rows.length / w;
            float[] in = new float[rows.length];
            for (int i = 0; i < rows.length; i++) {
                in[i] = (float) rows[i];
            }
            if (detector.kind() == OnnxDetector.Kind.SQUEEZING) {
                float[][] answers = served(in, n);
                return detector.squeezing().scores(this::served, in, n, answers);
            }
            float[] scores = new float[n];
            scorer.score(in, n, scores);
            double[] out = new double[n];
            for (int r = 0; r < n; r++) {
                out[r] = scores[r];
            }
            return out;
        }

        /** The served model's probabilities (softmax of its logits when it gives logits). */
        float[][] served(float[] in, int n) {
            float[][] p = scorer.score(in, n);
            if (detector.softmax()) {
                for (float[] row : p) {
                    softmaxInPlace(row);
                }
            }
            return p;
        }
    }

    /** One detector's buffer, the model it serves and its metrics on this subtask. */
    private static final class Batch {
        final float[] features;
        final double[][] logged;
        final double[][] rowFeatures;
        final PendingRow[] pending;
        final String[] modelNames;
        final String[] modelVersions;
        final String[] requestIds;
        final String[] clientIds;
        final int[] rows;
        final long[] eventTimes;
        final long[] timestamps;
        final boolean[] hasTimestamp;
        final Counter batches;
        final Counter rowsScored;
        final Counter alerts;
        final Histogram batchSize;
        float[][] servedOutputs;

        /** The model served; swapped by a roll-in, only while the buffer is empty. */
        LoadedModel model;

        /** The detector's position among its ensemble's members, when it is one. */
        int ensembleSlot = -1;

        int size;
        long firstArrival;
        boolean timerPending;

        Batch(LoadedModel model, MetricGroup group) {
            this.model = model;
            int n = model.detector().batchSize();
            int w = model.detector().width();
            this.features = new float[n * w];
            this.logged = new double[n][];
            this.rowFeatures = new double[n][];
            this.pending = new PendingRow[n];
            this.modelNames = new String[n];
            this.modelVersions = new String[n];
            this.requestIds = new String[n];
            this.clientIds = new String[n];
            this.rows = new int[n];
            this.eventTimes = new long[n];
            this.timestamps = new long[n];
            this.hasTimestamp = new boolean[n];
            this.batches = group.counter("batches");
            this.rowsScored = group.counter("rowsScored");
            this.alerts = group.counter("alerts");
            this.batchSize = group.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        }

        /** Scores the first n buffered rows. */
        double[] score(int n) {
            double[] scores = new double[n];
            OnnxDetector detector = model.detector();
            switch (detector.kind()) {
                case SCORE -> {
                    float[] out = model.out();
                    model.scorer().score(features, n, out);
                    for (int r = 0; r < n; r++) {
                        scores[r] = out[r];
                    }
                }
                case SQUEEZING -> {
                    float[][] answers = new float[n][];
                    for (int r = 0; r < n; r++) {
                        answers[r] = toFloats(logged[r]);
                        if (detector.softmax()) {
                            softmaxInPlace(answers[r]);
                        }
                    }
                    return detector.squeezing().scores(model::served, features, n, answers);
                }
                case INTEGRITY -> {
                    servedOutputs = model.scorer().score(features, n);
                    for (int r = 0; r < n; r++) {
                        scores[r] = largestDifference(servedOutputs[r], logged[r]);
                    }
                }
            }
            return scores;
        }

        /** Where the served output of row r differs most from the logged one, in words. */
        String outputDifference(int r) {
            float[] served = servedOutputs[r];
            double[] log = logged[r];
            int worst = 0;
            double most = -1;
            for (int j = 0; j < served.length; j++) {
                double diff = Math.abs(served[j] - log[j]);
                if (!(diff <= most)) {
                    most = diff;
                    worst = j;
                }
            }
            return String.format(
                    Locale.ROOT,
                    "output %d: logged %.6g, served model %.6g",
                    worst,
                    log[worst],
                    served[worst]);
        }

        void add(Observation o, StreamRecord<Observation> element, PendingRow row) {
            int r = size;
            OnnxDetector detector = model.detector();
            int w = detector.width();
            int[] idx = detector.featureIndices();
            for (int j = 0; j < w; j++) {
                features[r * w + j] = (float) o.features[idx[j]];
            }
            logged[r] = o.outputs;
            rowFeatures[r] = o.features;
            pending[r] = row;
            modelNames[r] = o.modelName;
            modelVersions[r] = o.modelVersion;
            requestIds[r] = o.requestId;
            clientIds[r] = o.clientId;
            rows[r] = o.row;
            eventTimes[r] = o.eventTime;
            hasTimestamp[r] = element.hasTimestamp();
            timestamps[r] = element.hasTimestamp() ? element.getTimestamp() : 0L;
            size = r + 1;
        }
    }

    /**
     * The largest absolute difference of two outputs; NaN when a value is NaN or lengths differ.
     */
    static double largestDifference(float[] served, double[] logged) {
        if (logged == null || served.length != logged.length) {
            return Double.NaN;
        }
        double most = 0;
        for (int j = 0; j < served.length; j++) {
            double diff = Math.abs(served[j] - logged[j]);
            if (Double.isNaN(diff)) {
                return Double.NaN;
            }
            most = Math.max(most, diff);
        }
        return most;
    }

    private static float[] toFloats(double[] values) {
        if (values == null) {
            return new float[0];
        }
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static void softmaxInPlace(float[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            e[i] = Math.exp(z[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (e[i] / sum);
        }
    }
}
