package io.warden.jobs.clients;

import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.CampaignSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.drift.Observation;
import io.warden.jobs.monitor.ByModel;
import io.warden.jobs.monitor.Ids;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Evidence;
import io.warden.schemas.Severity;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import java.io.Serializable;
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
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Evasion campaigns: a client whose requests keep raising EVASION alerts becomes a subject of its
 * own. Keyed by {@link #key(Alert)} (model version and client), over the per-request EVASION alerts
 * (subject REQUEST, with the client in the {@code client_id} detail).
 *
 * <p>Per client, the event times and request ids of its last {@code min-flagged} flagged requests
 * are kept (a ring). When {@code min-flagged} of them fall within {@code window}, one EVASION alert
 * about the client (subject CLIENT) names them. The incident lasts while flagged requests keep
 * coming less than {@code window} apart, and raises no more alerts; the state is dropped by an
 * event-time timer a quiet {@code window} after the last flagged request, after which a new
 * campaign can start. Everything is in event time, so a replay gives the same alerts.
 *
 * <p><b>Metrics:</b> {@code evasionCampaigns}.
 */
public final class EvasionCampaigns extends KeyedProcessFunction<String, Alert, Alert> {
    private static final long serialVersionUID = 1L;

    /** The detector id in the campaign alert's scores. */
    public static final String DETECTOR = "campaign.evasion";

    /** The campaign settings by configured model key; see {@link #from(WardenConfig)}. */
    private final ByModel<CampaignSettings> byConfiguredKey;

    private transient ValueState<Recent> recent;
    private transient Counter campaigns;

    public EvasionCampaigns(Map<String, CampaignSettings> byConfiguredKey) {
        this.byConfiguredKey = new ByModel<>(byConfiguredKey);
    }

    /** The campaign settings of a validated config; null when no model has them. */
    public static EvasionCampaigns from(WardenConfig config) {
        Map<String, CampaignSettings> settings = new HashMap<>();
        for (ModelSpec m : config.models()) {
            if (m.detectors().evasionCampaign() != null) {
                settings.put(
                        Observation.modelKey(m.name(), m.version()),
                        m.detectors().evasionCampaign());
            }
        }
        return settings.isEmpty() ? null : new EvasionCampaigns(settings);
    }

    /** The settings of an alert's model: its exact version first, then the version-less spec. */
    CampaignSettings find(String name, String version) {
        return byConfiguredKey.find(name, version);
    }

    /**
     * Whether an alert counts: a per-request EVASION alert of a model with campaigns, with a
     * client.
     */
    public boolean counts(Alert a) {
        return a.getKind() == AlertKind.EVASION
                && a.getSubject().getType() == SubjectType.REQUEST
                && a.getEvidence().getDetails().get("client_id") != null
                && find(a.getModelName(), a.getModelVersion()) != null;
    }

    /** The key of a counted alert: its model version and client. */
    public static String key(Alert a) {
        return Observation.modelKey(a.getModelName(), a.getModelVersion())
                + '\u0000'
                + a.getEvidence().getDetails().get("client_id");
    }

    /** A client's recent flagged requests, a ring of at most {@code min-flagged}. */
    public static final class Recent implements Serializable {
        private static final long serialVersionUID = 1L;

        public long[] times;
        public String[] requestIds;
        public int next;
        public int size;

        /** The end of the current incident's quiet window, or 0 when none is open. */
        public long incidentUntil;

        /** The event time of the pending clean-up timer, or 0. */
        public long timerAt;

        public Recent() {}

        Recent(int capacity) {
            times = new long[capacity];
            requestIds = new String[capacity];
        }

        void add(long time, String requestId) {
            times[next] = time;
            requestIds[next] = requestId;
            next = (next + 1) % times.length;
            size = Math.min(size + 1, times.length);
        }

        /** How many kept requests are within [from, to]. */
        int within(long from, long to) {
            int n = 0;
            for (int i = 0; i < size; i++) {
                if (times[i] >= from && times[i] <= to) {
                    n++;
                }
            }
            return n;
        }

        /** The kept request ids, oldest first. */
        List<String> ids() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                out.add(requestIds[(next - size + i + times.length) % times.length]);
            }
            return out;
        }
    }

    @Override
    public void open(OpenContext openContext) {
        recent =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "evasion-campaign", TypeInformation.of(Recent.class)));
        campaigns = getRuntimeContext().getMetricGroup().counter("evasionCampaigns");
    }

    @Override
    public void processElement(Alert a, Context ctx, Collector<Alert> out) throws Exception {
        CampaignSettings settings = find(a.getModelName(), a.getModelVersion());
        if (settings == null) {
            return;
        }
        long t = a.getEventTime().toEpochMilli();
        long window = settings.window().toMillis();
        Recent r = recent.value();
        if (r == null) {
            r = new Recent(settings.minFlagged());
        }
        r.add(t, a.getSubject().getId());
        if (r.incidentUntil > 0 && t <= r.incidentUntil) {
            r.incidentUntil = Math.max(r.incidentUntil, t + window);
        } else if (r.within(t - window, t) >= settings.minFlagged()) {
            r.incidentUntil = t + window;
            campaigns.inc();
            out.collect(alert(a, settings, r));
        }
        long quietEnd = Math.max(r.incidentUntil, t + window);
        if (quietEnd > r.timerAt) {
            if (r.timerAt > 0) {
                ctx.timerService().deleteEventTimeTimer(r.timerAt);
            }
            ctx.timerService().registerEventTimeTimer(quietEnd);
            r.timerAt = quietEnd;
        }
        recent.update(r);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Recent r = recent.value();
        if (r != null && timestamp >= r.timerAt) {
            recent.clear();
        }
    }

    /** The client-level alert; its id derives from the model, client and triggering request. */
    static Alert alert(Alert trigger, CampaignSettings settings, Recent r) {
        String client = trigger.getEvidence().getDetails().get("client_id");
        List<String> ids = r.ids();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("client_id", client);
        details.put("flagged_requests", Integer.toString(ids.size()));
        details.put("window", settings.window().toString());
        details.put("triggering_alert", trigger.getAlertId());
        String summary =
                String.format(
                        Locale.ROOT,
                        "client %s: evasion campaign against %s: %d requests flagged as"
                                + " adversarial within %s",
                        client,
                        Observation.modelKey(trigger.getModelName(), trigger.getModelVersion()),
                        ids.size(),
                        settings.window());
        Severity severity = settings.severity();
        return Alert.newBuilder()
                .setAlertId(
                        Ids.of(
                                AlertKind.EVASION.name(),
                                trigger.getModelName(),
                                trigger.getModelVersion(),
                                SubjectType.CLIENT.name(),
                                client,
                                trigger.getSubject().getId(),
                                DETECTOR))
                .setEventTime(trigger.getEventTime())
                .setModelName(trigger.getModelName())
                .setModelVersion(trigger.getModelVersion())
                .setKind(AlertKind.EVASION)
                .setSeverity(severity)
                .setSubject(new Subject(SubjectType.CLIENT, client))
                .setSummary(summary)
                .setScores(
                        List.of(
                                new DetectorScore(
                                        DETECTOR,
                                        (double) ids.size(),
                                        (double) settings.minFlagged(),
                                        null,
                                        true)))
                .setEvidence(
                        Evidence.newBuilder()
                                .setRequestIds(ids)
                                .setFeatureNames(List.of())
                                .setDetails(details)
                                .build())
                .setAtlasTechnique(trigger.getAtlasTechnique())
                .setWindow(null)
                .setProfileId(trigger.getProfileId())
                .build();
    }
}
