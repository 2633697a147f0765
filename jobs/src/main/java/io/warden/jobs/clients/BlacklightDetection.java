package io.warden.jobs.clients;

import io.warden.detectors.core.DetectorResult;
import io.warden.detectors.query.BlacklightDetector;
import io.warden.detectors.query.BlacklightVerdict;
import io.warden.detectors.query.ClientMatch;
import io.warden.jobs.clients.BlacklightModels.BlacklightModel;
import io.warden.jobs.drift.Observation;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Blacklight (Li et al., USENIX Security 2022) in the monitor job, keyed by model version: one
 * {@link BlacklightDetector} hash store per model version, across all of its clients, so that an
 * attack spread over many client ids is still caught, and attributed to the ids whose earlier
 * queries matched.
 *
 * <p><b>Alerts.</b> A flagged query raises a BLACKBOX_QUERY_ATTACK alert about its client, naming
 * the clients whose queries produced the matching hashes; a client is alerted at most once per
 * horizon (one incident, one alert).
 *
 * <p><b>State.</b> A store is one object of up to {@code max-entries} hashes (~120 bytes each), too
 * large to read and write as keyed state on every query. So the stores live on the heap of the
 * subtask that owns their key, and a checkpoint writes each one (its {@link
 * BlacklightDetector.State} and the alerted clients, Java-serialized) into union operator state. On
 * restore, at any parallelism, each subtask keeps the stores whose key it now owns (by Flink's key
 * group assignment). The store is bounded by {@code max-entries} and forgets hashes older than the
 * horizon in event time.
 *
 * <p><b>Order.</b> A store's verdicts depend on the order its model's queries arrive in, across
 * clients; with several input partitions that order is not fixed, so a replay can differ in which
 * query of an attack is flagged first (not in whether the attack is caught).
 *
 * <p><b>Metrics:</b> {@code blacklightAlerts}, {@code blacklightFlaggedQueries}.
 */
public final class BlacklightDetection extends KeyedProcessFunction<String, Observation, Alert>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** MITRE ATLAS "Craft Adversarial Data: Black-Box Optimization". */
    static final String ATLAS_BLACK_BOX = ClientDetection.ATLAS_BLACK_BOX;

    /** Attributions named in the alert's details; the rest are counted. */
    private static final int CLIENTS_NAMED = 10;

    private final BlacklightModels models;

    private transient Map<String, Store> stores;
    private transient ListState<byte[]> checkpointed;
    private transient Counter alerts;
    private transient Counter flagged;

    public BlacklightDetection(BlacklightModels models) {
        this.models = models;
    }

    /** A model version's detector and the clients alerted, by the event time they may be again. */
    private record Store(
            String modelName,
            String modelVersion,
            BlacklightDetector detector,
            HashMap<String, Long> alertedUntil) {}

    /** What a checkpoint holds per model version. */
    private record Snapshot(
            String modelName,
            String modelVersion,
            BlacklightDetector.State state,
            HashMap<String, Long> alertedUntil)
            implements Serializable {

        String modelKey() {
            return Observation.modelKey(modelName, modelVersion);
        }
    }

    @Override
    public void open(OpenContext openContext) {
        alerts = getRuntimeContext().getMetricGroup().counter("blacklightAlerts");
        flagged = getRuntimeContext().getMetricGroup().counter("blacklightFlaggedQueries");
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        stores = new HashMap<>();
        checkpointed =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "blacklight-stores",
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        if (!context.isRestored()) {
            return;
        }
        var task = getRuntimeContext().getTaskInfo();
        for (byte[] bytes : checkpointed.get()) {
            Snapshot s = read(bytes);
            int owner =
                    KeyGroupRangeAssignment.assignKeyToParallelOperator(
                            s.modelKey(),
                            task.getMaxNumberOfParallelSubtasks(),
                            task.getNumberOfParallelSubtasks());
            if (owner != task.getIndexOfThisSubtask()) {
                continue;
            }
            BlacklightModel model = models.find(s.modelName(), s.modelVersion());
            if (model == null) {
                continue; // the model's Blacklight was switched off in the new config
            }
            BlacklightDetector detector = model.newDetector();
            detector.restore(s.state());
            stores.put(
                    s.modelKey(),
                    new Store(s.modelName(), s.modelVersion(), detector, s.alertedUntil()));
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (Store store : stores.values()) {
            BlacklightDetector.State state = store.detector().snapshot();
            store.alertedUntil().values().removeIf(until -> until <= state.clock());
            out.add(
                    write(
                            new Snapshot(
                                    store.modelName(),
                                    store.modelVersion(),
                                    state,
                                    store.alertedUntil())));
        }
        checkpointed.update(out);
    }

    @Override
    public void processElement(Observation o, Context ctx, Collector<Alert> out) {
        BlacklightModel model = models.find(o.modelName, o.modelVersion);
        if (model == null) {
            return;
        }
        Store store =
                stores.computeIfAbsent(
                        o.modelKey,
                        k ->
                                new Store(
                                        o.modelName,
                                        o.modelVersion,
                                        model.newDetector(),
                                        new HashMap<>()));
        String client = o.clientId == null ? UNATTRIBUTED : o.clientId;
        BlacklightVerdict v = store.detector().observe(client, o.eventTime, o.features);
        if (!v.flagged()) {
            return;
        }
        flagged.inc();
        Long until = store.alertedUntil().get(client);
        if (until != null && o.eventTime < until) {
            return;
        }
        store.alertedUntil().put(client, o.eventTime + model.horizonMillis());
        alerts.inc();
        out.collect(alert(model, o, client, v));
    }

    /** The client id of queries that carry none. */
    static final String UNATTRIBUTED = "(unattributed)";

    /** The alert of a flagged query; its id derives from model, client, request and detector. */
    static Alert alert(BlacklightModel model, Observation o, String client, BlacklightVerdict v) {
        DetectorResult result = v.toDetectorResult();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("client_id", client);
        details.put("matches", Integer.toString(v.matches()));
        details.put("fingerprint_size", Integer.toString(v.fingerprintSize()));
        List<String> named = new ArrayList<>();
        for (ClientMatch m : v.matchedClients()) {
            if (named.size() == CLIENTS_NAMED) {
                break;
            }
            named.add(m.clientId() + ":" + m.matches());
        }
        details.put("matched_clients", String.join(",", named));
        if (v.matchedClients().size() > CLIENTS_NAMED) {
            details.put(
                    "matched_clients_more",
                    Integer.toString(v.matchedClients().size() - CLIENTS_NAMED));
        }
        String summary =
                String.format(
                        Locale.ROOT,
                        "client %s: black-box query attack suspected on %s: %d of %d fingerprint"
                                + " hashes of its query were seen before (threshold %d), from %s"
                                + " (Blacklight)",
                        client,
                        o.modelKey,
                        v.matches(),
                        v.fingerprintSize(),
                        v.matchThreshold(),
                        named.isEmpty() ? "no remembered client" : String.join(", ", named));
        return ClientDetection.clientAlert(
                        AlertKind.BLACKBOX_QUERY_ATTACK,
                        o,
                        client,
                        details,
                        BlacklightDetector.DETECTOR)
                .setSeverity(model.severity())
                .setSummary(summary)
                .setScores(
                        List.of(
                                new DetectorScore(
                                        result.detector(),
                                        result.score(),
                                        result.threshold(),
                                        null,
                                        true)))
                .setAtlasTechnique(ATLAS_BLACK_BOX)
                .setProfileId(model.profileId())
                .build();
    }

    private static byte[] write(Snapshot s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        return bytes.toByteArray();
    }

    private static Snapshot read(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (Snapshot) in.readObject();
        }
    }
}
