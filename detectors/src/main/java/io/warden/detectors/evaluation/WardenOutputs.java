package io.warden.detectors.evaluation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What warden wrote (alerts, decisions, drift reports) and the requests it saw (with their
 * per-request scores where it scored them), as plain values to judge against a {@link GroundTruth}.
 * Alerts and decisions are de-duplicated by id (their ids are derived from their content, so a
 * replay or an at-least-once sink repeats the same id); a request seen twice keeps its first client
 * and time and the union of its scores. Not thread-safe.
 */
public final class WardenOutputs {
    /**
     * One alert.
     *
     * @param kind the alert kind ({@code EXTRACTION}, {@code DRIFT}, ...)
     * @param subjectType {@code CLIENT}, {@code REQUEST}, {@code CONTRIBUTOR}, {@code
     *     FEEDBACK_RECORD}, {@code MODEL} or {@code UNKNOWN}
     * @param windowStart the alert's window, or null
     * @param detectors the detectors whose verdict raised it (all that judged when none says so)
     * @param details the evidence details ({@code client_id}, {@code queries}, {@code records},
     *     {@code state}, ...)
     */
    public record Alert(
            String alertId,
            String kind,
            String subjectType,
            String subjectId,
            String model,
            Instant time,
            Instant windowStart,
            Instant windowEnd,
            List<String> detectors,
            Map<String, String> details) {
        public Alert {
            Objects.requireNonNull(alertId, "alertId");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(subjectType, "subjectType");
            Objects.requireNonNull(subjectId, "subjectId");
            Objects.requireNonNull(time, "time");
            detectors = List.copyOf(detectors);
            details = Map.copyOf(details);
        }

        /** A drift episode's "recovered" notice: news, neither a true nor a false alarm. */
        public boolean recoveryNotice() {
            return "recovered".equals(details.get("state"));
        }
    }

    /** One quarantine decision ({@code BLOCK}, {@code THROTTLE}, ... on a target). */
    public record Decision(
            String decisionId,
            String action,
            String targetType,
            String targetId,
            String model,
            Instant time) {
        public Decision {
            Objects.requireNonNull(decisionId, "decisionId");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(targetType, "targetType");
            Objects.requireNonNull(targetId, "targetId");
        }
    }

    /** One drift report: a model's window and whether it drifted. */
    public record DriftReport(
            String reportId,
            String model,
            Instant windowStart,
            Instant windowEnd,
            boolean drifted) {
        public DriftReport {
            Objects.requireNonNull(reportId, "reportId");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(windowStart, "windowStart");
            Objects.requireNonNull(windowEnd, "windowEnd");
        }
    }

    /**
     * One request warden saw.
     *
     * @param anomaly per detector, a value that is larger the more anomalous the request: the
     *     negated p-value where the detector has one, else its score
     */
    public record Request(
            String requestId,
            String clientId,
            String model,
            Instant time,
            Map<String, Double> anomaly) {
        public Request {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(time, "time");
            anomaly = Map.copyOf(anomaly);
        }
    }

    private final Map<String, Alert> alerts = new LinkedHashMap<>();
    private final Map<String, Decision> decisions = new LinkedHashMap<>();
    private final Map<String, DriftReport> driftReports = new LinkedHashMap<>();
    private final Map<String, Request> requests = new LinkedHashMap<>();
    private int duplicates;

    public WardenOutputs add(Alert a) {
        count(alerts.putIfAbsent(a.alertId(), a));
        return this;
    }

    public WardenOutputs add(Decision d) {
        count(decisions.putIfAbsent(d.decisionId(), d));
        return this;
    }

    public WardenOutputs add(DriftReport r) {
        count(driftReports.putIfAbsent(r.reportId(), r));
        return this;
    }

    public WardenOutputs add(Request r) {
        Request before = requests.get(r.requestId());
        if (before == null) {
            requests.put(r.requestId(), r);
            return this;
        }
        Map<String, Double> anomaly = new HashMap<>(r.anomaly());
        anomaly.putAll(before.anomaly());
        requests.put(
                r.requestId(),
                new Request(
                        before.requestId(),
                        before.clientId() == null ? r.clientId() : before.clientId(),
                        before.model() == null ? r.model() : before.model(),
                        before.time(),
                        anomaly));
        return this;
    }

    private void count(Object previous) {
        if (previous != null) {
            duplicates++;
        }
    }

    public Collection<Alert> alerts() {
        return alerts.values();
    }

    public Collection<Decision> decisions() {
        return decisions.values();
    }

    public Collection<DriftReport> driftReports() {
        return driftReports.values();
    }

    /** The requests seen, by request id; empty when no request stream was read. */
    public Map<String, Request> requests() {
        return requests;
    }

    /** Alerts, decisions and reports that repeated an id already read (and were dropped). */
    public int duplicates() {
        return duplicates;
    }

    /** The requests seen of one client, in event-time order. */
    List<Request> requestsOf(String clientId) {
        List<Request> out = new ArrayList<>();
        for (Request r : requests.values()) {
            if (clientId.equals(r.clientId())) {
                out.add(r);
            }
        }
        out.sort((a, b) -> a.time().compareTo(b.time()));
        return out;
    }
}
