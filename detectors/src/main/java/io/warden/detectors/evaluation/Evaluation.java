package io.warden.detectors.evaluation;

import io.warden.detectors.evaluation.EvaluationReport.AlertCount;
import io.warden.detectors.evaluation.EvaluationReport.AucResult;
import io.warden.detectors.evaluation.EvaluationReport.DecisionCount;
import io.warden.detectors.evaluation.EvaluationReport.DriftDetection;
import io.warden.detectors.evaluation.EvaluationReport.RequestRate;
import io.warden.detectors.evaluation.EvaluationReport.RoleResult;
import io.warden.detectors.evaluation.EvaluationReport.SubjectResult;
import io.warden.detectors.evaluation.WardenOutputs.Alert;
import io.warden.detectors.evaluation.WardenOutputs.Decision;
import io.warden.detectors.evaluation.WardenOutputs.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * Judges warden's outputs against a ground truth; the rules are those of {@code
 * docs/evaluation.md}:
 *
 * <ul>
 *   <li>An alert about a client, contributor or feedback record is true when the truth lists that
 *       subject as an attacker (poisoner, poisoned record), false otherwise. An alert about a
 *       request is true when the request is attack traffic: listed as an attack request, or sent by
 *       a client listed as an attacker (its role is then the request's attack). An alert about a
 *       model is true when its window (else its time) overlaps a known drift period of the model,
 *       extended by {@code driftGrace} at the end. A drift episode's "recovered" notice is neither.
 *   <li>An attacker is caught by the first alert (by event time) whose subject it is; "queries
 *       until caught" counts its requests up to that alert's event time in the request stream, or,
 *       without one, takes the count the alert carries ({@code queries}, {@code records}).
 *   <li>Per-request rates count requests flagged by request-level alerts: attack requests of each
 *       attack against benign requests (every request seen that is not attack traffic).
 *   <li>AUC per detector from the per-request scores of the request stream.
 * </ul>
 */
public final class Evaluation {
    /** The attack of requests that are not attack traffic. */
    public static final String BENIGN = GroundTruth.BENIGN;

    /** The alert kind of {@link RequestRate} rows over every kind. */
    public static final String ANY_KIND = "any";

    /** The source of a drift period's first drifted report in {@link DriftDetection}. */
    public static final String DRIFT_REPORT = "drift report";

    private final GroundTruth truth;
    private final WardenOutputs outputs;
    private final Duration driftGrace;

    private Evaluation(GroundTruth truth, WardenOutputs outputs, Duration driftGrace) {
        this.truth = truth;
        this.outputs = outputs;
        this.driftGrace = driftGrace;
    }

    /**
     * Evaluates.
     *
     * @param driftGrace how long after a drift period's end a model-level alert still counts as a
     *     detection of it (zero or positive)
     */
    public static EvaluationReport evaluate(
            GroundTruth truth, WardenOutputs outputs, Duration driftGrace) {
        if (driftGrace.isNegative()) {
            throw new IllegalArgumentException("drift grace must not be negative: " + driftGrace);
        }
        return new Evaluation(truth, outputs, driftGrace).report();
    }

    private EvaluationReport report() {
        List<SubjectResult> attackers = new ArrayList<>();
        truth.clients().stream()
                .filter(GroundTruth.Client::attacker)
                .forEach(c -> attackers.add(client(c)));
        truth.contributors().stream()
                .filter(GroundTruth.Contributor::poisoner)
                .forEach(c -> attackers.add(contributor(c)));
        boolean traffic = !outputs.requests().isEmpty();
        return new EvaluationReport(
                new EvaluationReport.Inputs(
                        outputs.alerts().size(),
                        outputs.decisions().size(),
                        outputs.driftReports().size(),
                        traffic ? outputs.requests().size() : null,
                        outputs.duplicates(),
                        truth.clients().size(),
                        truth.requests().size(),
                        truth.contributors().size(),
                        truth.feedback().size(),
                        truth.drifts().size()),
                roles(attackers),
                attackers,
                alertCounts(a -> List.of(a.kind())),
                alertCounts(Alert::detectors),
                requestRates(traffic),
                aucs(),
                decisions(),
                drifts());
    }

    // ---------------------------------------------------------------- attackers

    private SubjectResult client(GroundTruth.Client c) {
        List<Request> seen = new ArrayList<>();
        for (Request r : outputs.requestsOf(c.clientId())) {
            if (c.model() == null || c.model().equals(r.model())) {
                seen.add(r);
            }
        }
        Alert first = firstAlert("CLIENT", c.clientId(), c.model());
        Instant start =
                c.firstTime() != null ? c.firstTime() : seen.isEmpty() ? null : seen.get(0).time();
        Long until = null;
        String source = null;
        if (first != null && !seen.isEmpty()) {
            until = seen.stream().filter(r -> !r.time().isAfter(first.time())).count();
            source = "requests";
        } else if (first != null && parseLong(first.details().get("queries")) != null) {
            until = parseLong(first.details().get("queries"));
            source = "alert";
        }
        return subject(
                "client",
                c.clientId(),
                c.model(),
                c.role(),
                first,
                start,
                until,
                source,
                outputs.requests().isEmpty() ? null : seen.size(),
                firstDecision("CLIENT", c.clientId(), c.model()));
    }

    private SubjectResult contributor(GroundTruth.Contributor c) {
        Alert first = firstAlert("CONTRIBUTOR", c.contributorId(), c.model());
        Long until = first == null ? null : parseLong(first.details().get("records"));
        return subject(
                "contributor",
                c.contributorId(),
                c.model(),
                c.role(),
                first,
                null,
                until,
                until == null ? null : "alert",
                null,
                firstDecision("CONTRIBUTOR", c.contributorId(), c.model()));
    }

    private static SubjectResult subject(
            String subject,
            String id,
            String model,
            String role,
            Alert first,
            Instant start,
            Long until,
            String source,
            Integer requests,
            Decision decision) {
        return new SubjectResult(
                subject,
                id,
                model,
                role,
                first != null,
                first == null ? null : first.kind(),
                first == null ? null : first.time().toString(),
                first == null || start == null ? null : seconds(start, first.time()),
                until,
                source,
                requests,
                decision == null ? null : decision.action() + " at " + decision.time());
    }

    private Alert firstAlert(String subjectType, String id, String model) {
        return outputs.alerts().stream()
                .filter(a -> a.subjectType().equals(subjectType) && a.subjectId().equals(id))
                .filter(a -> model == null || model.equals(a.model()))
                .min(Comparator.comparing(Alert::time))
                .orElse(null);
    }

    private Decision firstDecision(String targetType, String id, String model) {
        return outputs.decisions().stream()
                .filter(d -> d.targetType().equals(targetType) && d.targetId().equals(id))
                .filter(d -> !"RELEASE".equals(d.action()))
                .filter(d -> model == null || d.model() == null || model.equals(d.model()))
                .filter(d -> d.time() != null)
                .min(Comparator.comparing(Decision::time))
                .orElse(null);
    }

    private static List<RoleResult> roles(List<SubjectResult> attackers) {
        Map<List<String>, List<SubjectResult>> byRole =
                new TreeMap<>(
                        Comparator.comparing((List<String> k) -> k.get(0))
                                .thenComparing(k -> k.get(1)));
        attackers.forEach(
                s ->
                        byRole.computeIfAbsent(
                                        List.of(s.subject(), s.role()), k -> new ArrayList<>())
                                .add(s));
        List<RoleResult> out = new ArrayList<>();
        byRole.forEach(
                (k, list) ->
                        out.add(
                                new RoleResult(
                                        k.get(0),
                                        k.get(1),
                                        list.size(),
                                        (int) list.stream().filter(SubjectResult::caught).count(),
                                        (int)
                                                list.stream()
                                                        .filter(s -> s.firstDecision() != null)
                                                        .count(),
                                        median(
                                                list.stream()
                                                        .filter(s -> s.untilCaught() != null)
                                                        .mapToDouble(SubjectResult::untilCaught)
                                                        .toArray()),
                                        median(
                                                list.stream()
                                                        .filter(s -> s.delaySeconds() != null)
                                                        .mapToDouble(SubjectResult::delaySeconds)
                                                        .toArray()))));
        return out;
    }

    // ---------------------------------------------------------------- alerts

    /** How an alert compares with the truth. */
    enum Verdict {
        TRUE,
        FALSE,
        UNJUDGED,
        NOTICE
    }

    Verdict judge(Alert a) {
        if (a.recoveryNotice()) {
            return Verdict.NOTICE;
        }
        Boolean attack =
                a.subjectType().equals("MODEL")
                        ? Boolean.valueOf(duringDrift(a, driftGrace))
                        : onAttacker(a.subjectType(), a.subjectId(), a.model(), clientOf(a));
        return attack == null ? Verdict.UNJUDGED : attack ? Verdict.TRUE : Verdict.FALSE;
    }

    /**
     * Whether a subject (of an alert) or target (of a decision) is an attacker, a benign one, or
     * (null) of a type the truth does not judge.
     *
     * @param client the client of a request subject, or null when unknown
     */
    private Boolean onAttacker(String type, String id, String model, String client) {
        return switch (type) {
            case "CLIENT" -> truth.isAttacker(model, id);
            case "REQUEST" -> !BENIGN.equals(attackOf(id, model, client));
            case "CONTRIBUTOR" -> {
                GroundTruth.Contributor c = truth.contributor(model, id);
                yield c != null && c.poisoner();
            }
            case "FEEDBACK_RECORD" -> truth.feedback().containsKey(id);
            default -> null;
        };
    }

    /** True when the alert's window (else its time) overlaps a drift period of its model. */
    private boolean duringDrift(Alert a, Duration grace) {
        for (GroundTruth.Drift d : truth.drifts(a.model())) {
            Instant end = d.end().plus(grace);
            boolean hit =
                    a.windowStart() != null && a.windowEnd() != null
                            ? a.windowStart().isBefore(end) && a.windowEnd().isAfter(d.start())
                            : !a.time().isBefore(d.start()) && a.time().isBefore(end);
            if (hit) {
                return true;
            }
        }
        return false;
    }

    private List<AlertCount> alertCounts(Function<Alert, List<String>> names) {
        Map<String, int[]> counts = new TreeMap<>();
        for (Alert a : outputs.alerts()) {
            Verdict v = judge(a);
            boolean explained = v == Verdict.FALSE && duringDrift(a, Duration.ZERO);
            for (String name : names.apply(a)) {
                int[] c = counts.computeIfAbsent(name, k -> new int[6]);
                c[0]++;
                c[1 + v.ordinal()]++;
                if (explained) {
                    c[5]++;
                }
            }
        }
        List<AlertCount> out = new ArrayList<>();
        counts.forEach((k, c) -> out.add(new AlertCount(k, c[0], c[1], c[2], c[5], c[3], c[4])));
        return out;
    }

    // ---------------------------------------------------------------- requests

    /** The client of a request alert: from the request stream, else from the alert's details. */
    private String clientOf(Alert a) {
        Request r = outputs.requests().get(a.subjectId());
        return r != null && r.clientId() != null ? r.clientId() : a.details().get("client_id");
    }

    /**
     * The attack a request belongs to: its truth entry's, else its client's role when that is an
     * attacker, else {@link #BENIGN}.
     */
    String attackOf(String requestId, String model, String clientId) {
        GroundTruth.Request listed = truth.requests().get(requestId);
        if (listed != null) {
            return listed.attack();
        }
        if (clientId != null) {
            GroundTruth.Client c = truth.client(model, clientId);
            if (c != null && c.attacker()) {
                return c.role();
            }
        }
        return BENIGN;
    }

    private List<RequestRate> requestRates(boolean traffic) {
        // The universe: every request seen, or without a request stream the listed attack requests.
        Map<String, String> attackOf = new HashMap<>();
        if (traffic) {
            outputs.requests()
                    .values()
                    .forEach(
                            r ->
                                    attackOf.put(
                                            r.requestId(),
                                            attackOf(r.requestId(), r.model(), r.clientId())));
        } else {
            truth.requests().values().forEach(r -> attackOf.put(r.requestId(), r.attack()));
        }
        Map<String, Set<String>> flagged = new TreeMap<>();
        flagged.put(ANY_KIND, new HashSet<>());
        for (Alert a : outputs.alerts()) {
            if (!a.subjectType().equals("REQUEST")) {
                continue;
            }
            flagged.computeIfAbsent(a.kind(), k -> new HashSet<>()).add(a.subjectId());
            flagged.get(ANY_KIND).add(a.subjectId());
            if (!traffic) {
                attackOf.putIfAbsent(
                        a.subjectId(), attackOf(a.subjectId(), a.model(), clientOf(a)));
            }
        }
        Map<String, Integer> sizes = new TreeMap<>();
        attackOf.values().forEach(k -> sizes.merge(k, 1, Integer::sum));
        Integer benign = traffic ? sizes.getOrDefault(BENIGN, 0) : null;
        List<RequestRate> out = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : flagged.entrySet()) {
            int falseFlags =
                    (int)
                            e.getValue().stream()
                                    .filter(id -> BENIGN.equals(attackOf.get(id)))
                                    .count();
            Double fpr = benign == null || benign == 0 ? null : (double) falseFlags / benign;
            boolean anyAttack = false;
            for (Map.Entry<String, Integer> attack : sizes.entrySet()) {
                if (attack.getKey().equals(BENIGN)) {
                    continue;
                }
                anyAttack = true;
                int detected =
                        (int)
                                e.getValue().stream()
                                        .filter(id -> attack.getKey().equals(attackOf.get(id)))
                                        .count();
                out.add(
                        new RequestRate(
                                e.getKey(),
                                attack.getKey(),
                                attack.getValue(),
                                detected,
                                (double) detected / attack.getValue(),
                                benign,
                                falseFlags,
                                fpr));
            }
            if (!anyAttack) {
                out.add(new RequestRate(e.getKey(), null, 0, 0, null, benign, falseFlags, fpr));
            }
        }
        return out;
    }

    private List<AucResult> aucs() {
        Map<String, Map<String, List<Double>>> byDetector = new TreeMap<>();
        for (Request r : outputs.requests().values()) {
            String attack = attackOf(r.requestId(), r.model(), r.clientId());
            r.anomaly()
                    .forEach(
                            (detector, value) ->
                                    byDetector
                                            .computeIfAbsent(detector, k -> new TreeMap<>())
                                            .computeIfAbsent(attack, k -> new ArrayList<>())
                                            .add(value));
        }
        List<AucResult> out = new ArrayList<>();
        byDetector.forEach(
                (detector, byAttack) -> {
                    double[] negatives = toArray(byAttack.getOrDefault(BENIGN, List.of()));
                    byAttack.forEach(
                            (attack, values) -> {
                                if (!attack.equals(BENIGN) && negatives.length > 0) {
                                    double[] positives = toArray(values);
                                    out.add(
                                            new AucResult(
                                                    detector,
                                                    attack,
                                                    positives.length,
                                                    negatives.length,
                                                    Auc.of(positives, negatives)));
                                }
                            });
                });
        return out;
    }

    // ---------------------------------------------------------------- decisions

    private List<DecisionCount> decisions() {
        Map<List<String>, int[]> counts = new LinkedHashMap<>();
        outputs.decisions().stream()
                .sorted(Comparator.comparing(Decision::action).thenComparing(Decision::targetType))
                .forEach(
                        d -> {
                            int[] c =
                                    counts.computeIfAbsent(
                                            List.of(d.action(), d.targetType()), k -> new int[4]);
                            c[0]++;
                            Request r = outputs.requests().get(d.targetId());
                            Boolean attack =
                                    onAttacker(
                                            d.targetType(),
                                            d.targetId(),
                                            d.model(),
                                            r == null ? null : r.clientId());
                            c[attack == null ? 3 : attack ? 1 : 2]++;
                        });
        List<DecisionCount> out = new ArrayList<>();
        counts.forEach(
                (k, c) -> out.add(new DecisionCount(k.get(0), k.get(1), c[0], c[1], c[2], c[3])));
        return out;
    }

    // ---------------------------------------------------------------- drift

    private List<DriftDetection> drifts() {
        List<DriftDetection> out = new ArrayList<>();
        for (GroundTruth.Drift d : truth.drifts()) {
            Map<String, Instant> first = new TreeMap<>();
            Instant end = d.end().plus(driftGrace);
            for (WardenOutputs.DriftReport r : outputs.driftReports()) {
                if (r.drifted()
                        && r.model().equals(d.model())
                        && r.windowStart().isBefore(end)
                        && r.windowEnd().isAfter(d.start())) {
                    first.merge(DRIFT_REPORT, r.windowEnd(), (x, y) -> x.isBefore(y) ? x : y);
                }
            }
            for (Alert a : outputs.alerts()) {
                if (a.subjectType().equals("MODEL")
                        && !a.recoveryNotice()
                        && Objects.equals(a.model(), d.model())
                        && !a.time().isBefore(d.start())
                        && a.time().isBefore(end)) {
                    String detector = a.details().get("detector");
                    String source = detector == null ? a.kind() : a.kind() + " " + detector;
                    first.merge(source, a.time(), (x, y) -> x.isBefore(y) ? x : y);
                }
            }
            if (first.isEmpty()) {
                out.add(detection(d, null, null));
            }
            first.forEach((source, t) -> out.add(detection(d, source, t)));
        }
        return out;
    }

    /** The first detection of a drift period by a source; source and time null when missed. */
    private static DriftDetection detection(GroundTruth.Drift d, String source, Instant first) {
        return new DriftDetection(
                d.model(),
                d.segment(),
                d.start().toString(),
                d.end().toString(),
                source,
                first == null ? null : first.toString(),
                first == null ? null : seconds(d.start(), first));
    }

    // ---------------------------------------------------------------- helpers

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    private static Long parseLong(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double median(double[] values) {
        return values.length == 0 ? null : new Median().evaluate(values);
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
