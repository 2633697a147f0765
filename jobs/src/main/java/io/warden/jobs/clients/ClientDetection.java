package io.warden.jobs.clients;

import io.warden.detectors.core.DetectorResult;
import io.warden.detectors.extraction.ExtractionAssessment;
import io.warden.detectors.extraction.ExtractionState;
import io.warden.detectors.extraction.SignalReading;
import io.warden.detectors.query.NearestNeighbourQueryDetector;
import io.warden.detectors.query.NearestNeighbourVerdict;
import io.warden.detectors.query.QueryHistory;
import io.warden.jobs.drift.Observation;
import io.warden.jobs.monitor.IdleExpiry;
import io.warden.jobs.monitor.Ids;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Evidence;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import java.time.Instant;
import java.util.ArrayList;
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
 * Per-client attack detection, keyed by {@link #key(Observation)} (model version and client): each
 * row of the client's requests goes through the model's {@link
 * io.warden.detectors.extraction.ExtractionMonitor} (model extraction: PRADA and query signals) and
 * {@link NearestNeighbourQueryDetector} (black-box query attacks), whose per-client states ({@link
 * ExtractionState}, {@link QueryHistory}) live in keyed state.
 *
 * <p><b>Alerts.</b> The first time a signal of the model's extraction {@code alert-on} fires for a
 * client, one EXTRACTION alert names every signal that has fired, its value and threshold, and
 * after how many queries; the first time the nearest-neighbour detector flags one of its queries,
 * one BLACKBOX_QUERY_ATTACK alert says after how many. Later queries of the same client raise no
 * more of the same kind (one incident, one alert) until its state expires.
 *
 * <p><b>Bounded state, in event time.</b> A client's state is dropped when the model's idle TTL of
 * event time passes without a query from it: an event-time timer at the last query's time plus the
 * TTL (moved forward as queries come). Expiry is a decision (an expired client starts afresh), so
 * it runs on event time, not on Flink's processing-time state TTL: a replay expires the same
 * clients at the same points. The state of an active client is bounded by the detectors' caps (see
 * {@link io.warden.detectors.extraction.PradaDetector}, {@link NearestNeighbourQueryDetector}).
 *
 * <p><b>Metrics:</b> {@code extractionAlerts}, {@code queryAttackAlerts}, {@code clientsExpired}.
 */
public final class ClientDetection extends KeyedProcessFunction<String, Observation, Alert> {
    private static final long serialVersionUID = 1L;

    /** MITRE ATLAS "Extract AI Model" (exfiltration via the inference API). */
    static final String ATLAS_EXTRACT = "AML.T0024.002";

    /** MITRE ATLAS "Craft Adversarial Data: Black-Box Optimization". */
    static final String ATLAS_BLACK_BOX = "AML.T0043.001";

    private static final int EXTRACTION_ALERTED = 1;
    private static final int QUERY_ATTACK_ALERTED = 2;

    private final ClientModels models;

    private transient ValueState<ExtractionState> extraction;
    private transient ValueState<QueryHistory> queries;
    private transient IdleExpiry expiry;
    private transient ValueState<Integer> alerted;
    private transient Counter extractionAlerts;
    private transient Counter queryAttackAlerts;
    private transient Counter expired;

    public ClientDetection(ClientModels models) {
        this.models = models;
    }

    /** The key of a row's client state: its model version and client. */
    public static String key(Observation o) {
        return o.modelKey + '\u0000' + o.clientId;
    }

    @Override
    public void open(OpenContext openContext) {
        extraction =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "extraction-client",
                                        TypeInformation.of(ExtractionState.class)));
        queries =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "query-history", TypeInformation.of(QueryHistory.class)));
        expiry = IdleExpiry.open(getRuntimeContext(), "client-expiry");
        alerted =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("client-alerted", Types.INT));
        extractionAlerts = getRuntimeContext().getMetricGroup().counter("extractionAlerts");
        queryAttackAlerts = getRuntimeContext().getMetricGroup().counter("queryAttackAlerts");
        expired = getRuntimeContext().getMetricGroup().counter("clientsExpired");
    }

    @Override
    public void processElement(Observation o, Context ctx, Collector<Alert> out) throws Exception {
        ClientModels.ClientModel model = models.find(o.modelName, o.modelVersion);
        if (model == null) {
            return;
        }
        Integer flags = alerted.value();
        int done = flags == null ? 0 : flags;
        if (model.extraction() != null) {
            ExtractionModel m = model.extraction();
            ExtractionState state = extraction.value();
            if (state == null) {
                state = m.monitor().newState();
            }
            ExtractionAssessment a =
                    m.monitor().assess(state, o.eventTime, o.features, o.predictedClass, o.margin);
            extraction.update(state);
            if ((done & EXTRACTION_ALERTED) == 0
                    && a.firing().stream().anyMatch(r -> m.alertOn().contains(r.signal()))) {
                done |= EXTRACTION_ALERTED;
                extractionAlerts.inc();
                out.collect(alert(m, o, a));
            }
        }
        if (model.queryAttack() != null) {
            QueryAttackModel m = model.queryAttack();
            QueryHistory history = queries.value();
            if (history == null) {
                history = m.detector().newHistory();
            }
            NearestNeighbourVerdict v = m.detector().observe(history, o.eventTime, o.features);
            queries.update(history);
            if ((done & QUERY_ATTACK_ALERTED) == 0 && v.flagged()) {
                done |= QUERY_ATTACK_ALERTED;
                queryAttackAlerts.inc();
                out.collect(queryAttackAlert(m, o, v));
            }
        }
        if (flags == null || done != flags) {
            alerted.update(done);
        }

        expiry.touch(o.eventTime + model.idleTtlMillis(), ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        if (expiry.isDue(timestamp)) {
            extraction.clear();
            queries.clear();
            expiry.clear();
            alerted.clear();
            expired.inc();
        }
    }

    /**
     * The BLACKBOX_QUERY_ATTACK alert of a client; its id derives from the model, the client and
     * the request that raised it.
     */
    static Alert queryAttackAlert(
            QueryAttackModel model, Observation o, NearestNeighbourVerdict v) {
        DetectorResult result = v.toDetectorResult();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("client_id", o.clientId);
        details.put("queries", Long.toString(v.query()));
        details.put("queries_to_detection", Long.toString(v.firstDetectionQuery()));
        details.put("neighbours", Integer.toString(v.neighbours()));
        String summary =
                String.format(
                        Locale.ROOT,
                        "client %s: black-box query attack suspected after %d queries to %s: the"
                                + " mean distance of a query to its %d nearest earlier ones is"
                                + " %.4g, below %.4g (Chen, Carlini & Wagner 2020)",
                        o.clientId,
                        v.firstDetectionQuery(),
                        o.modelKey,
                        v.neighbours(),
                        v.meanDistance(),
                        v.threshold());
        return clientAlert(AlertKind.BLACKBOX_QUERY_ATTACK, o, o.clientId, details)
                .setSeverity(model.severity())
                .setSummary(summary)
                .setScores(
                        List.of(
                                new DetectorScore(
                                        result.detector(),
                                        v.meanDistance(),
                                        v.threshold(),
                                        null,
                                        true)))
                .setAtlasTechnique(ATLAS_BLACK_BOX)
                .setProfileId(model.profileId())
                .build();
    }

    /**
     * The parts every per-client alert shares, its evidence (the request and the details) included;
     * its id depends on kind, model, client, request and {@code more} (e.g. the detector, where
     * several raise the same kind).
     */
    static Alert.Builder clientAlert(
            AlertKind kind,
            Observation o,
            String client,
            Map<String, String> details,
            String... more) {
        List<String> parts = new ArrayList<>();
        parts.add(kind.name());
        parts.add(o.modelName);
        parts.add(o.modelVersion);
        parts.add(SubjectType.CLIENT.name());
        parts.add(client);
        parts.add(Observation.rowKey(o.requestId, o.row));
        parts.addAll(List.of(more));
        return Alert.newBuilder()
                .setAlertId(Ids.of(parts.toArray(new String[0])))
                .setEventTime(Instant.ofEpochMilli(o.eventTime))
                .setModelName(o.modelName)
                .setModelVersion(o.modelVersion)
                .setKind(kind)
                .setSubject(new Subject(SubjectType.CLIENT, client))
                .setEvidence(
                        Evidence.newBuilder()
                                .setRequestIds(List.of(o.requestId))
                                .setFeatureNames(List.of())
                                .setDetails(details)
                                .build())
                .setWindow(null);
    }

    /**
     * The EXTRACTION alert of a client; its id derives from the model, the client and the request
     * that raised it, so a replay gives the same id.
     */
    static Alert alert(ExtractionModel model, Observation o, ExtractionAssessment a) {
        List<DetectorScore> scores = new ArrayList<>();
        List<String> fired = new ArrayList<>();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("client_id", o.clientId);
        details.put("queries", Long.toString(a.queries()));
        for (SignalReading r : a.signals()) {
            DetectorResult result = r.toResult();
            scores.add(
                    new DetectorScore(
                            result.detector(),
                            result.score(),
                            result.threshold(),
                            null,
                            r.firing()));
            if (r.hasFired()) {
                details.put(
                        result.detector() + ".first_fired_at_query",
                        Long.toString(r.firstFiredAtQuery()));
                fired.add(
                        String.format(
                                Locale.ROOT,
                                "%s %.4g vs %.4g (first at query %d)",
                                result.detector(),
                                r.value(),
                                r.threshold(),
                                r.firstFiredAtQuery()));
            }
        }
        String summary =
                String.format(
                        Locale.ROOT,
                        "client %s: model extraction suspected after %d queries to %s: %s",
                        o.clientId,
                        a.queries(),
                        o.modelKey,
                        String.join("; ", fired));
        return clientAlert(AlertKind.EXTRACTION, o, o.clientId, details)
                .setSeverity(model.severity())
                .setSummary(summary)
                .setScores(scores)
                .setAtlasTechnique(ATLAS_EXTRACT)
                .setProfileId(model.profileId())
                .build();
    }
}
