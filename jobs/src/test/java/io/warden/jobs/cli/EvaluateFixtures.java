package io.warden.jobs.cli;

import static io.warden.jobs.cli.CliFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DecisionAction;
import io.warden.schemas.DecisionTarget;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.DriftReport;
import io.warden.schemas.Evidence;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.Severity;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import io.warden.schemas.TargetType;
import io.warden.schemas.TimeWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small incident with known answers for {@code warden evaluate}: the extraction client client-7
 * sends 8 requests (one a second from T0) and is caught after its 6th; three benign clients send
 * 12; a drift period starts at T0+22s and a drifted report's window ends at T0+30s.
 *
 * <p>Per-request p-values of {@code confidence.msp}: the attacker's {0.01, ..., 0.07, 0.5} against
 * the benign {0.1, ..., 0.9, 0.5, 0.04, 0.95}: 86.5 of the 96 pairs rank the attack request as more
 * anomalous (the ties at 0.04 and 0.5 count one half), AUC = 86.5 / 96.
 */
final class EvaluateFixtures {
    static final String MODEL = "demo-classifier";
    static final double AUC = 86.5 / 96;

    private static final double[] ATTACK_P = {0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.5};
    private static final double[] BENIGN_P = {
        0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.5, 0.04, 0.95
    };

    private EvaluateFixtures() {}

    static Path writeTruth(Path dir) throws IOException {
        Path file = dir.resolve("truth.jsonl");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "{\"kind\":\"client\",\"model\":\"demo-classifier\",\"client_id\":\"client-7\","
                                + "\"role\":\"extraction\",\"first_time\":\""
                                + T0
                                + "\"}",
                        "{\"kind\":\"drift\",\"model\":\"demo-classifier\",\"segment\":\"noise\","
                                + "\"start\":\""
                                + T0.plusSeconds(22)
                                + "\",\"end\":\""
                                + T0.plusSeconds(40)
                                + "\",\"features\":[\"f2\"]}"));
        return file;
    }

    static List<ScoreRecord> scores() {
        List<ScoreRecord> out = new ArrayList<>();
        for (int i = 0; i < ATTACK_P.length; i++) {
            out.add(score("a-" + i, "client-7", i, ATTACK_P[i]));
        }
        for (int i = 0; i < BENIGN_P.length; i++) {
            out.add(score("b-" + i, "client-" + (1 + i % 3), 10 + i, BENIGN_P[i]));
        }
        return out;
    }

    private static ScoreRecord score(String id, String client, int second, double p) {
        return ScoreRecord.newBuilder()
                .setRequestId(id)
                .setEventTime(T0.plusSeconds(second))
                .setModelName(MODEL)
                .setModelVersion("1")
                .setClientId(client)
                .setPredictedClass("alpha")
                .setScores(List.of(new DetectorScore("confidence.msp", 0.3, 0.001, p, false)))
                .setFlagged(false)
                .build();
    }

    /** The extraction alert at T0+5s, a confidence alert on a-0 (true) and one on b-2 (false). */
    static List<Alert> alerts() {
        return List.of(
                alert("x-1", AlertKind.EXTRACTION, SubjectType.CLIENT, "client-7", 5),
                alert("c-1", AlertKind.CONFIDENCE_ANOMALY, SubjectType.REQUEST, "a-0", 0),
                alert("c-2", AlertKind.CONFIDENCE_ANOMALY, SubjectType.REQUEST, "b-2", 12));
    }

    private static Alert alert(
            String id, AlertKind kind, SubjectType type, String subject, int second) {
        return Alert.newBuilder()
                .setAlertId(id)
                .setEventTime(T0.plusSeconds(second))
                .setModelName(MODEL)
                .setModelVersion("1")
                .setKind(kind)
                .setSeverity(Severity.HIGH)
                .setSubject(new Subject(type, subject))
                .setSummary(kind + " " + subject)
                .setScores(List.of(new DetectorScore("d." + kind, 1.0, 0.5, null, true)))
                .setEvidence(new Evidence(List.of(), List.of(), Map.of("queries", "6")))
                .setAtlasTechnique(null)
                .setWindow(null)
                .setProfileId(null)
                .build();
    }

    /** BLOCK of the attacker, THROTTLE of the benign client-2. */
    static List<QuarantineDecision> decisions() {
        return List.of(
                decision("d-1", DecisionAction.BLOCK, "client-7"),
                decision("d-2", DecisionAction.THROTTLE, "client-2"));
    }

    private static QuarantineDecision decision(String id, DecisionAction action, String client) {
        return QuarantineDecision.newBuilder()
                .setDecisionId(id)
                .setEventTime(T0.plusSeconds(6))
                .setModelName(MODEL)
                .setTarget(new DecisionTarget(TargetType.CLIENT, client))
                .setAction(action)
                .setReasons(List.of())
                .setSummary("")
                .setEffectiveFrom(T0.plusSeconds(6))
                .setExpiresAt(null)
                .build();
    }

    /** A clean window before the drift and a drifted one ending 8 s after the drift began. */
    static List<DriftReport> driftReports() {
        return List.of(drift("r-1", 10, 20, false), drift("r-2", 20, 30, true));
    }

    private static DriftReport drift(String id, int from, int to, boolean drifted) {
        return DriftReport.newBuilder()
                .setReportId(id)
                .setModelName(MODEL)
                .setModelVersion("1")
                .setWindow(new TimeWindow(T0.plusSeconds(from), T0.plusSeconds(to)))
                .setProfileId(null)
                .setSampleCount(100)
                .setFeatures(List.of())
                .setOverall(List.of())
                .setCorrection(null)
                .setDrifted(drifted)
                .build();
    }

    /** Asserts the known answers on the JSON report of the whole incident. */
    static void assertKnownAnswers(JsonNode report) {
        assertThat(report.at("/inputs/alerts").asInt()).isEqualTo(3);
        assertThat(report.at("/inputs/requests").asInt()).isEqualTo(20);
        JsonNode attacker = report.at("/attackers/0");
        assertThat(attacker.get("id").asText()).isEqualTo("client-7");
        assertThat(attacker.get("caught").asBoolean()).isTrue();
        assertThat(attacker.get("firstAlertKind").asText()).isEqualTo("EXTRACTION");
        assertThat(attacker.get("untilCaught").asLong()).as("requests at 0..5 s").isEqualTo(6);
        assertThat(attacker.get("untilCaughtSource").asText()).isEqualTo("requests");
        assertThat(attacker.get("delaySeconds").asDouble()).isEqualTo(5.0);
        assertThat(attacker.get("firstDecision").asText()).startsWith("BLOCK at ");
        assertThat(report.at("/roles/0/caught").asInt()).isEqualTo(1);
        JsonNode rate = report.at("/requestRates/0");
        assertThat(rate.get("alertKind").asText()).isEqualTo("CONFIDENCE_ANOMALY");
        assertThat(rate.get("attack").asText()).isEqualTo("extraction");
        assertThat(rate.get("detected").asInt()).isEqualTo(1);
        assertThat(rate.get("attackRequests").asInt()).isEqualTo(8);
        assertThat(rate.get("falseFlags").asInt()).isEqualTo(1);
        assertThat(rate.get("benignRequests").asInt()).isEqualTo(12);
        assertThat(rate.get("falsePositiveRate").asDouble()).isCloseTo(1 / 12.0, within(1e-12));
        JsonNode auc = report.at("/aucs/0");
        assertThat(auc.get("detector").asText()).isEqualTo("confidence.msp");
        assertThat(auc.get("auc").asDouble()).isCloseTo(AUC, within(1e-12));
        assertThat(report.at("/decisions/1/action").asText()).isEqualTo("THROTTLE");
        assertThat(report.at("/decisions/1/onBenign").asInt()).isEqualTo(1);
        JsonNode drift = report.at("/drifts/0");
        assertThat(drift.get("source").asText()).isEqualTo("drift report");
        assertThat(drift.get("delaySeconds").asDouble()).isEqualTo(8.0);
    }
}
