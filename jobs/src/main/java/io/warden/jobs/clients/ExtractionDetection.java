package io.warden.jobs.clients;

import io.warden.detectors.core.DetectorResult;
import io.warden.detectors.extraction.ExtractionAssessment;
import io.warden.detectors.extraction.ExtractionState;
import io.warden.detectors.extraction.SignalReading;
import io.warden.jobs.drift.Observation;
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
 * Model-extraction detection per client, keyed by {@link #key(Observation)} (model version and
 * client): each row of the client's requests goes through the model's {@link
 * io.warden.detectors.extraction.ExtractionMonitor}, whose per-client {@link ExtractionState} lives
 * in keyed state.
 *
 * <p><b>Alerts.</b> The first time a signal of the model's {@code alert-on} fires for a client, one
 * EXTRACTION alert names every signal that has fired, its value and threshold, and after how many
 * queries; later queries of the same client raise no more (one incident, one alert) until its state
 * expires.
 *
 * <p><b>Bounded state, in event time.</b> A client's state is dropped when {@code idle-ttl} of
 * event time passes without a query from it: an event-time timer at the last query's time plus the
 * TTL (moved forward as queries come). Expiry is a decision (an expired client starts afresh), so
 * it runs on event time, not on Flink's processing-time state TTL: a replay expires the same
 * clients at the same points. The state of an active client is bounded by the detectors' caps (see
 * {@link io.warden.detectors.extraction.PradaDetector}).
 *
 * <p><b>Metrics:</b> {@code extractionAlerts}, {@code extractionClientsExpired}.
 */
public final class ExtractionDetection extends KeyedProcessFunction<String, Observation, Alert> {
    private static final long serialVersionUID = 1L;

    /** MITRE ATLAS "Extract AI Model" (exfiltration via the inference API). */
    static final String ATLAS_EXTRACT = "AML.T0024.002";

    private final ExtractionModels models;

    private transient ValueState<ExtractionState> client;
    private transient ValueState<Long> expiry;
    private transient ValueState<Boolean> alerted;
    private transient Counter alerts;
    private transient Counter expired;

    public ExtractionDetection(ExtractionModels models) {
        this.models = models;
    }

    /** The key of a row's client state: its model version and client. */
    public static String key(Observation o) {
        return o.modelKey + '\u0000' + o.clientId;
    }

    @Override
    public void open(OpenContext openContext) {
        client =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "extraction-client",
                                        TypeInformation.of(ExtractionState.class)));
        expiry =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("extraction-expiry", Types.LONG));
        alerted =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("extraction-alerted", Types.BOOLEAN));
        alerts = getRuntimeContext().getMetricGroup().counter("extractionAlerts");
        expired = getRuntimeContext().getMetricGroup().counter("extractionClientsExpired");
    }

    @Override
    public void processElement(Observation o, Context ctx, Collector<Alert> out) throws Exception {
        ExtractionModel model = models.find(o.modelName, o.modelVersion);
        if (model == null) {
            return;
        }
        ExtractionState state = client.value();
        if (state == null) {
            state = model.monitor().newState();
        }
        ExtractionAssessment a =
                model.monitor().assess(state, o.eventTime, o.features, o.predictedClass, o.margin);
        client.update(state);

        Long due = expiry.value();
        long next = o.eventTime + model.idleTtlMillis();
        if (due == null || next > due) {
            if (due != null) {
                ctx.timerService().deleteEventTimeTimer(due);
            }
            ctx.timerService().registerEventTimeTimer(next);
            expiry.update(next);
        }

        if (alerted.value() == null
                && a.firing().stream().anyMatch(r -> model.alertOn().contains(r.signal()))) {
            alerted.update(true);
            alerts.inc();
            out.collect(alert(model, o, a));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Long due = expiry.value();
        if (due != null && due == timestamp) {
            client.clear();
            expiry.clear();
            alerted.clear();
            expired.inc();
        }
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
        return Alert.newBuilder()
                .setAlertId(
                        Ids.of(
                                AlertKind.EXTRACTION.name(),
                                o.modelName,
                                o.modelVersion,
                                SubjectType.CLIENT.name(),
                                o.clientId,
                                Observation.rowKey(o.requestId, o.row)))
                .setEventTime(Instant.ofEpochMilli(o.eventTime))
                .setModelName(o.modelName)
                .setModelVersion(o.modelVersion)
                .setKind(AlertKind.EXTRACTION)
                .setSeverity(model.severity())
                .setSubject(new Subject(SubjectType.CLIENT, o.clientId))
                .setSummary(summary)
                .setScores(scores)
                .setEvidence(
                        Evidence.newBuilder()
                                .setRequestIds(List.of(o.requestId))
                                .setFeatureNames(List.of())
                                .setDetails(details)
                                .build())
                .setAtlasTechnique(ATLAS_EXTRACT)
                .setWindow(null)
                .setProfileId(model.profileId())
                .build();
    }
}
