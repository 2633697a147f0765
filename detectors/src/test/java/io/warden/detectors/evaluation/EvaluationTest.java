package io.warden.detectors.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.evaluation.EvaluationReport.AlertCount;
import io.warden.detectors.evaluation.EvaluationReport.AucResult;
import io.warden.detectors.evaluation.EvaluationReport.DecisionCount;
import io.warden.detectors.evaluation.EvaluationReport.DriftDetection;
import io.warden.detectors.evaluation.EvaluationReport.RequestRate;
import io.warden.detectors.evaluation.EvaluationReport.RoleResult;
import io.warden.detectors.evaluation.EvaluationReport.SubjectResult;
import io.warden.detectors.evaluation.WardenOutputs.Alert;
import io.warden.detectors.evaluation.WardenOutputs.Decision;
import io.warden.detectors.evaluation.WardenOutputs.DriftReport;
import io.warden.detectors.evaluation.WardenOutputs.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A small hand-made incident with known answers: an extraction client caught after 6 of its 10
 * queries, a prober never caught, an evasion client with 4 listed attack requests, 21 benign
 * requests (one during a drift period), a label flipper and an honest labeller, and one drift
 * period [100 s, 160 s).
 */
class EvaluationTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String M = "digits";

    private static Instant at(double seconds) {
        return T0.plusMillis((long) (seconds * 1000));
    }

    private static final GroundTruth TRUTH =
            GroundTruth.of(
                    List.of(
                            new GroundTruth.Client(M, "c-ext", "extraction", at(10), null, null),
                            new GroundTruth.Client(M, "c-probe", "query-attack", null, null, null),
                            new GroundTruth.Client(M, "c-eva", "evasion", null, null, null),
                            new GroundTruth.Client(M, "c-1", "benign", null, null, null),
                            new GroundTruth.Request("r-e1", "c-eva", M, "evasion", "fgsm", true),
                            new GroundTruth.Request("r-e2", "c-eva", M, "evasion", "fgsm", true),
                            new GroundTruth.Request("r-e3", "c-eva", M, "evasion", "pgd", false),
                            new GroundTruth.Request("r-e4", "c-eva", M, "evasion", "pgd", true),
                            new GroundTruth.Contributor(M, "u-flip", "label-flip"),
                            new GroundTruth.Contributor(M, "u-ok", "honest"),
                            new GroundTruth.Feedback("f-1", "u-flip", M, "label-flip"),
                            new GroundTruth.Drift(M, "noise", at(100), at(160), List.of("x1"))));

    private static Alert alert(
            String id, String kind, String type, String subject, double t, String... details) {
        return alert(id, kind, type, subject, at(t), null, List.of(kind.toLowerCase()), details);
    }

    private static Alert alert(
            String id,
            String kind,
            String type,
            String subject,
            Instant t,
            Instant windowStart,
            List<String> detectors,
            String... details) {
        Map<String, String> d = new java.util.HashMap<>();
        for (int i = 0; i < details.length; i += 2) {
            d.put(details[i], details[i + 1]);
        }
        Instant windowEnd = windowStart == null ? null : t;
        return new Alert(id, kind, type, subject, M, t, windowStart, windowEnd, detectors, d);
    }

    private static Request request(String id, String client, double t, Double score) {
        return new Request(
                id, client, M, at(t), score == null ? Map.of() : Map.of("confidence.msp", score));
    }

    private static WardenOutputs outputs(boolean withRequests) {
        WardenOutputs o = new WardenOutputs();
        if (withRequests) {
            for (int i = 0; i < 10; i++) {
                o.add(request("ext-" + i, "c-ext", 10 + i, null));
            }
            for (int i = 0; i < 5; i++) {
                o.add(request("probe-" + i, "c-probe", 20 + i, null));
            }
            double[] evasionScores = {0.35, 0.5, 0.6, 0.2};
            for (int i = 0; i < 4; i++) {
                o.add(request("r-e" + (i + 1), "c-eva", 30 + i, evasionScores[i]));
            }
            double[] benignScores = {0.1, 0.2, 0.3, 0.4};
            for (int i = 0; i < 20; i++) {
                o.add(
                        request(
                                "b-" + i,
                                "c-" + (1 + i % 4),
                                40 + i,
                                i < 4 ? benignScores[i] : null));
            }
            o.add(request("b-drift", "c-2", 130, null));
        }
        Alert first = alert("a1", "EXTRACTION", "CLIENT", "c-ext", 15.5, "queries", "6");
        o.add(first)
                .add(first)
                .add(alert("a2", "EXTRACTION", "CLIENT", "c-ext", 18, "queries", "9"))
                .add(alert("a3", "BLACKBOX_QUERY_ATTACK", "CLIENT", "c-3", 50))
                .add(alert("a4", "EVASION", "REQUEST", "r-e1", 30))
                .add(alert("a5", "EVASION", "REQUEST", "r-e2", 31))
                .add(alert("a6", "EVASION", "REQUEST", "b-3", 43, "client_id", "c-4"))
                .add(alert("a7", "CONFIDENCE_ANOMALY", "REQUEST", "b-5", 45, "client_id", "c-2"))
                .add(
                        alert(
                                "a8",
                                "CONFIDENCE_ANOMALY",
                                "REQUEST",
                                "ext-3",
                                13,
                                "client_id",
                                "c-ext"))
                .add(alert("a9", "EVASION", "CLIENT", "c-eva", 32.5))
                .add(alert("a10", "DRIFT", "MODEL", M, at(120), at(90), List.of("psi.x1")))
                .add(alert("a11", "DRIFT", "MODEL", M, 104, "detector", "adwin"))
                .add(alert("a12", "DRIFT", "MODEL", M, 180, "state", "recovered"))
                .add(alert("a13", "DRIFT", "MODEL", M, 300))
                .add(alert("a14", "POISONING", "CONTRIBUTOR", "u-flip", 70, "records", "12"))
                .add(alert("a15", "POISONING", "CONTRIBUTOR", "u-ok", 71))
                .add(
                        alert(
                                "a16",
                                "CONFIDENCE_ANOMALY",
                                "REQUEST",
                                "b-drift",
                                130,
                                "client_id",
                                "c-2"))
                .add(alert("a17", "UNKNOWN", "UNKNOWN", "?", 5));
        o.add(new DriftReport("r1", M, at(60), at(90), false))
                .add(new DriftReport("r2", M, at(90), at(120), true))
                .add(new DriftReport("r3", M, at(200), at(230), true));
        o.add(new Decision("d1", "BLOCK", "CLIENT", "c-ext", M, at(16)))
                .add(new Decision("d2", "THROTTLE", "CLIENT", "c-3", M, at(50)))
                .add(new Decision("d3", "QUARANTINE", "FEEDBACK_RECORD", "f-1", M, at(70)))
                .add(new Decision("d4", "QUARANTINE", "FEEDBACK_RECORD", "f-2", M, at(71)))
                .add(new Decision("d5", "RELEASE", "CLIENT", "c-ext", M, at(600)));
        return o;
    }

    private static EvaluationReport evaluate(boolean withRequests) {
        return Evaluation.evaluate(TRUTH, outputs(withRequests), Duration.ZERO);
    }

    @Test
    void shouldCountQueriesUntilCaughtInTheRequestStreamAndTheDelayFromFirstActivity() {
        EvaluationReport r = evaluate(true);

        assertThat(r.attackers())
                .containsExactly(
                        new SubjectResult(
                                "client",
                                "c-ext",
                                M,
                                "extraction",
                                true,
                                "EXTRACTION",
                                at(15.5).toString(),
                                5.5,
                                6L,
                                "requests",
                                10,
                                "BLOCK at " + at(16)),
                        new SubjectResult(
                                "client",
                                "c-probe",
                                M,
                                "query-attack",
                                false,
                                null,
                                null,
                                null,
                                null,
                                null,
                                5,
                                null),
                        // no first_time: the delay runs from its first request seen, at 30 s
                        new SubjectResult(
                                "client",
                                "c-eva",
                                M,
                                "evasion",
                                true,
                                "EVASION",
                                at(32.5).toString(),
                                2.5,
                                3L,
                                "requests",
                                4,
                                null),
                        new SubjectResult(
                                "contributor",
                                "u-flip",
                                M,
                                "label-flip",
                                true,
                                "POISONING",
                                at(70).toString(),
                                null,
                                12L,
                                "alert",
                                null,
                                null));
        assertThat(r.roles())
                .containsExactly(
                        new RoleResult("client", "evasion", 1, 1, 0, 3.0, 2.5),
                        new RoleResult("client", "extraction", 1, 1, 1, 6.0, 5.5),
                        new RoleResult("client", "query-attack", 1, 0, 0, null, null),
                        new RoleResult("contributor", "label-flip", 1, 1, 0, 12.0, null));
    }

    @Test
    void shouldTakeTheAlertsOwnQueryCountWithoutARequestStream() {
        EvaluationReport r = evaluate(false);

        SubjectResult ext = r.attackers().get(0);
        assertThat(ext.untilCaught()).isEqualTo(6L);
        assertThat(ext.untilCaughtSource()).isEqualTo("alert");
        assertThat(ext.requests()).isNull();
        assertThat(r.attackers().get(2).delaySeconds())
                .as("no first_time and no requests: no start to measure from")
                .isNull();
        assertThat(r.inputs().requests()).isNull();
    }

    @Test
    void shouldJudgeEveryAlertKindAgainstTheTruth() {
        EvaluationReport r = evaluate(true);

        assertThat(r.alertKinds())
                .containsExactly(
                        new AlertCount("BLACKBOX_QUERY_ATTACK", 1, 0, 1, 0, 0, 0),
                        // b-5 false; ext-3 is the extraction client's query; b-drift false but
                        // during the drift period
                        new AlertCount("CONFIDENCE_ANOMALY", 3, 1, 2, 1, 0, 0),
                        // the windowed alert and the sequential one in the period; the one at
                        // 300 s false; the recovery a notice
                        new AlertCount("DRIFT", 4, 2, 1, 0, 0, 1),
                        new AlertCount("EVASION", 4, 3, 1, 0, 0, 0),
                        new AlertCount("EXTRACTION", 2, 2, 0, 0, 0, 0),
                        new AlertCount("POISONING", 2, 1, 1, 0, 0, 0),
                        new AlertCount("UNKNOWN", 1, 0, 0, 0, 1, 0));
        assertThat(r.detectors())
                .filteredOn(c -> c.name().equals("psi.x1") || c.name().equals("extraction"))
                .containsExactly(
                        new AlertCount("extraction", 2, 2, 0, 0, 0, 0),
                        new AlertCount("psi.x1", 1, 1, 0, 0, 0, 0));
        assertThat(r.inputs().duplicatesDropped()).isEqualTo(1);
        assertThat(r.inputs().alerts()).isEqualTo(17);
    }

    @Test
    void shouldCountAlertsAfterADriftPeriodWithinTheGraceAsTrue() {
        // the alert at 300 s is 140 s after the end at 160 s: inside a grace of 141 s
        EvaluationReport r = Evaluation.evaluate(TRUTH, outputs(true), Duration.ofSeconds(141));

        assertThat(r.alertKinds())
                .filteredOn(c -> c.name().equals("DRIFT"))
                .containsExactly(new AlertCount("DRIFT", 4, 3, 0, 0, 0, 1));
    }

    @Test
    void shouldRateRequestLevelDetectionsPerAttackAgainstBenignRequests() {
        EvaluationReport r = evaluate(true);

        assertThat(r.requestRates())
                .containsExactly(
                        new RequestRate(
                                "CONFIDENCE_ANOMALY", "evasion", 4, 0, 0.0, 21, 2, 2 / 21.0),
                        new RequestRate(
                                "CONFIDENCE_ANOMALY", "extraction", 10, 1, 0.1, 21, 2, 2 / 21.0),
                        new RequestRate(
                                "CONFIDENCE_ANOMALY", "query-attack", 5, 0, 0.0, 21, 2, 2 / 21.0),
                        new RequestRate("EVASION", "evasion", 4, 2, 0.5, 21, 1, 1 / 21.0),
                        new RequestRate("EVASION", "extraction", 10, 0, 0.0, 21, 1, 1 / 21.0),
                        new RequestRate("EVASION", "query-attack", 5, 0, 0.0, 21, 1, 1 / 21.0),
                        new RequestRate("any", "evasion", 4, 2, 0.5, 21, 3, 3 / 21.0),
                        new RequestRate("any", "extraction", 10, 1, 0.1, 21, 3, 3 / 21.0),
                        new RequestRate("any", "query-attack", 5, 0, 0.0, 21, 3, 3 / 21.0));
    }

    @Test
    void shouldCountFlaggedRequestsWithoutRatesWithoutARequestStream() {
        EvaluationReport r = evaluate(false);

        // Only the listed evasion requests are known attack requests; ext-3 is attack traffic by
        // its client (named in the alert), so it is not counted as a false flag either.
        assertThat(r.requestRates())
                .filteredOn(x -> x.alertKind().equals("any"))
                .containsExactly(
                        new RequestRate("any", "evasion", 4, 2, 0.5, null, 3, null),
                        new RequestRate("any", "extraction", 1, 1, 1.0, null, 3, null));
    }

    @Test
    void shouldComputeTheAucOfEachScoredDetectorPerAttack() {
        EvaluationReport r = evaluate(true);

        assertThat(r.aucs())
                .containsExactly(new AucResult("confidence.msp", "evasion", 4, 4, 12.5 / 16));
    }

    @Test
    void shouldJudgeDecisionsByTheirTargets() {
        EvaluationReport r = evaluate(true);

        assertThat(r.decisions())
                .containsExactly(
                        new DecisionCount("BLOCK", "CLIENT", 1, 1, 0, 0),
                        new DecisionCount("QUARANTINE", "FEEDBACK_RECORD", 2, 1, 1, 0),
                        new DecisionCount("RELEASE", "CLIENT", 1, 1, 0, 0),
                        new DecisionCount("THROTTLE", "CLIENT", 1, 0, 1, 0));
    }

    @Test
    void shouldTimeTheFirstDetectionOfADriftPeriodPerSource() {
        EvaluationReport r = evaluate(true);

        String start = at(100).toString();
        String end = at(160).toString();
        assertThat(r.drifts())
                .containsExactly(
                        new DriftDetection(
                                M, "noise", start, end, "DRIFT", at(120).toString(), 20.0),
                        new DriftDetection(
                                M, "noise", start, end, "DRIFT adwin", at(104).toString(), 4.0),
                        new DriftDetection(
                                M, "noise", start, end, "drift report", at(120).toString(), 20.0));
    }

    @Test
    void shouldReportAMissedDriftPeriod() {
        GroundTruth truth =
                GroundTruth.of(List.of(new GroundTruth.Drift(M, "late", at(1000), at(1100), null)));

        EvaluationReport r = Evaluation.evaluate(truth, outputs(false), Duration.ZERO);

        assertThat(r.drifts())
                .containsExactly(
                        new DriftDetection(
                                M,
                                "late",
                                at(1000).toString(),
                                at(1100).toString(),
                                null,
                                null,
                                null));
    }
}
