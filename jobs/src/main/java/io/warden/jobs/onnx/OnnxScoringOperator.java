package io.warden.jobs.onnx;

import io.warden.detectors.calibration.EmpiricalReference;
import io.warden.detectors.core.Direction;
import io.warden.detectors.onnx.OnnxScorer;
import io.warden.jobs.drift.Observation;
import io.warden.jobs.monitor.Ids;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Evidence;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

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
 *       a buffered row: the operator has no state, a restore starts empty, and every row that
 *       entered before the barrier was scored and emitted before it (nothing is lost on restart;
 *       the rows after it are replayed from the source);
 *   <li>at the end of a bounded input ({@link #endInput}, and again in {@link #finish}).
 * </ul>
 *
 * Outputs keep their row's timestamp. A row the model scores NaN is flagged: the detector cannot
 * vouch for it. The detectors' ONNX sessions are opened in {@link #open} (one {@link OnnxScorer}
 * per detector per subtask, which checks the file's pin again) and closed in {@link #close}; a
 * conformal detector scores its reference rows there to build its {@link EmpiricalReference}.
 *
 * <p><b>Metrics</b> per detector (group {@code onnx_detector}): {@code batches}, {@code
 * rowsScored}, {@code alerts} and the {@code batchSize} histogram.
 */
public final class OnnxScoringOperator extends AbstractStreamOperator<OnnxScore>
        implements OneInputStreamOperator<Observation, OnnxScore>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    /** EVASION alerts of flagged rows. */
    public static final OutputTag<Alert> ALERTS =
            new OutputTag<>("onnx-alerts", TypeInformation.of(Alert.class));

    /** MITRE ATLAS "Evade ML Model". */
    static final String ATLAS_EVADE = "AML.T0015";

    private final OnnxDetectors detectors;

    private transient Batch[] batches;

    public OnnxScoringOperator(OnnxDetectors detectors) {
        this.detectors = detectors;
    }

    @Override
    public void open() throws Exception {
        super.open();
        List<OnnxDetector> all = detectors.all();
        batches = new Batch[all.size()];
        try {
            for (int i = 0; i < batches.length; i++) {
                OnnxDetector d = all.get(i);
                MetricGroup group =
                        getMetricGroup().addGroup("onnx_detector", d.modelName() + "." + d.name());
                batches[i] = new Batch(d, new OnnxScorer(d.modelFile(), d.scorerSettings()), group);
            }
        } catch (RuntimeException e) {
            closeScorers();
            throw e;
        }
    }

    @Override
    public void processElement(StreamRecord<Observation> element) throws Exception {
        Observation o = element.getValue();
        int[] mine = detectors.forModel(o.modelName, o.modelVersion);
        for (int i : mine) {
            Batch b = batches[i];
            b.add(o, element);
            if (b.size == b.detector.batchSize()) {
                flush(b);
            } else if (b.size == 1) {
                long now = getProcessingTimeService().getCurrentProcessingTime();
                b.firstArrival = now;
                scheduleWait(b, now + b.detector.maxWaitMillis());
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
        long due = b.firstArrival + b.detector.maxWaitMillis();
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
                b.scorer.close();
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
        OnnxDetector d = b.detector;
        b.scorer.score(b.features, n, b.out);
        b.batches.inc();
        b.rowsScored.inc(n);
        b.batchSize.update(n);
        for (int r = 0; r < n; r++) {
            double score = b.out[r];
            OnnxScore s = new OnnxScore();
            s.modelName = b.modelNames[r];
            s.modelVersion = b.modelVersions[r];
            s.requestId = b.requestIds[r];
            s.clientId = b.clientIds[r];
            s.row = b.rows[r];
            s.eventTime = b.eventTimes[r];
            s.detector = d.detectorId();
            s.score = score;
            if (d.conformal()) {
                s.pValue = Double.isNaN(score) ? 0.0 : b.reference.pValue(score, d.direction());
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
                Alert alert = alert(d, s);
                output.collect(
                        ALERTS,
                        b.hasTimestamp[r]
                                ? new StreamRecord<>(alert, b.timestamps[r])
                                : new StreamRecord<>(alert));
            }
            b.requestIds[r] = null;
            b.clientIds[r] = null;
        }
        b.size = 0;
    }

    /**
     * The EVASION alert of a flagged row; its id is derived from the kind, model, request (and row
     * after the first), and detector, so a replay gives the same id.
     */
    static Alert alert(OnnxDetector d, OnnxScore s) {
        Map<String, String> details = new LinkedHashMap<>();
        if (s.clientId != null) {
            details.put("client_id", s.clientId);
        }
        if (s.row > 0) {
            details.put("row", Integer.toString(s.row));
        }
        details.put("detector_model", d.modelPath());
        details.put("detector_model_sha256", d.sha256());
        String kind = AlertKind.EVASION.name();
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
        return Alert.newBuilder()
                .setAlertId(
                        Ids.of(
                                kind,
                                s.modelName,
                                s.modelVersion,
                                SubjectType.REQUEST.name(),
                                Observation.rowKey(s.requestId, s.row),
                                d.detectorId()))
                .setEventTime(Instant.ofEpochMilli(s.eventTime))
                .setModelName(s.modelName)
                .setModelVersion(s.modelVersion)
                .setKind(AlertKind.EVASION)
                .setSeverity(d.severity())
                .setSubject(new Subject(SubjectType.REQUEST, s.requestId))
                .setSummary(summary)
                .setScores(
                        List.of(
                                new DetectorScore(
                                        s.detector,
                                        s.score,
                                        s.threshold,
                                        Double.isNaN(s.pValue) ? null : s.pValue,
                                        true)))
                .setEvidence(
                        Evidence.newBuilder()
                                .setRequestIds(List.of(s.requestId))
                                .setFeatureNames(d.featureNames())
                                .setDetails(details)
                                .build())
                .setAtlasTechnique(ATLAS_EVADE)
                .setWindow(null)
                .setProfileId(d.profileId())
                .build();
    }

    /** One detector's scorer, buffer and metrics on this subtask. */
    private static final class Batch {
        final OnnxDetector detector;
        final OnnxScorer scorer;
        final EmpiricalReference reference;
        final float[] features;
        final float[] out;
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
        int size;
        long firstArrival;
        boolean timerPending;

        Batch(OnnxDetector detector, OnnxScorer scorer, MetricGroup group) {
            this.detector = detector;
            this.scorer = scorer;
            int n = detector.batchSize();
            int w = detector.width();
            this.features = new float[n * w];
            this.out = new float[n];
            this.modelNames = new String[n];
            this.modelVersions = new String[n];
            this.requestIds = new String[n];
            this.clientIds = new String[n];
            this.rows = new int[n];
            this.eventTimes = new long[n];
            this.timestamps = new long[n];
            this.hasTimestamp = new boolean[n];
            this.reference = detector.conformal() ? reference(detector, scorer) : null;
            this.batches = group.counter("batches");
            this.rowsScored = group.counter("rowsScored");
            this.alerts = group.counter("alerts");
            this.batchSize = group.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        }

        /** The detector's scores on its reference rows; rows scoring NaN are left out. */
        private static EmpiricalReference reference(OnnxDetector d, OnnxScorer scorer) {
            double[] rows = d.referenceRows();
            int w = d.width();
            int n = rows.length / w;
            float[] in = new float[rows.length];
            for (int i = 0; i < rows.length; i++) {
                in[i] = (float) rows[i];
            }
            float[] scores = new float[n];
            scorer.score(in, n, scores);
            EmpiricalReference.Builder builder = EmpiricalReference.builder();
            for (float s : scores) {
                if (!Float.isNaN(s)) {
                    builder.add(s);
                }
            }
            if (builder.offered() == 0) {
                throw new IllegalStateException(
                        "ONNX detector "
                                + d.name()
                                + " scores every reference row NaN; it cannot be calibrated");
            }
            return builder.build();
        }

        void add(Observation o, StreamRecord<Observation> element) {
            int r = size;
            int w = detector.width();
            int[] idx = detector.featureIndices();
            for (int j = 0; j < w; j++) {
                features[r * w + j] = (float) o.features[idx[j]];
            }
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
}
