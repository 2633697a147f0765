package io.warden.jobs.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.policy.PolicyEngine;
import io.warden.jobs.config.PolicySettings;
import io.warden.jobs.monitor.Ids;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DecisionAction;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Evidence;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.Severity;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import io.warden.schemas.TargetType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** {@link PolicyDecisions} in Flink's keyed operator harness. */
class PolicyDecisionsTest {
    private static final Duration BLOCK_FOR = Duration.ofMinutes(10);

    /** BLOCK a client after 3 extraction or query-attack alerts within a minute, for 10 minutes. */
    private static PolicyDecisions policy() {
        PolicySettings settings =
                new PolicySettings(
                        List.of(
                                new PolicySettings.RuleSettings(
                                        "block-attackers",
                                        List.of(
                                                AlertKind.EXTRACTION,
                                                AlertKind.BLACKBOX_QUERY_ATTACK),
                                        Severity.MEDIUM,
                                        SubjectType.CLIENT,
                                        DecisionAction.BLOCK,
                                        3,
                                        Duration.ofMinutes(1),
                                        BLOCK_FOR,
                                        null)));
        return new PolicyDecisions(new PolicyEngine(settings.toRules()));
    }

    private static Alert alert(AlertKind kind, String client, long time, Severity severity) {
        return Alert.newBuilder()
                .setAlertId(Ids.of("test", client, Long.toString(time)))
                .setEventTime(Instant.ofEpochMilli(time))
                .setModelName("m")
                .setModelVersion("1")
                .setKind(kind)
                .setSeverity(severity)
                .setSubject(new Subject(SubjectType.CLIENT, client))
                .setSummary("test")
                .setScores(List.<DetectorScore>of())
                .setEvidence(
                        Evidence.newBuilder()
                                .setRequestIds(List.of())
                                .setFeatureNames(List.of())
                                .setDetails(Map.of())
                                .build())
                .setAtlasTechnique("AML.T0024.002")
                .setWindow(null)
                .setProfileId(null)
                .build();
    }

    private static List<QuarantineDecision> out(
            KeyedOneInputStreamOperatorTestHarness<?, ?, QuarantineDecision> h) {
        List<QuarantineDecision> decisions = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                decisions.add((QuarantineDecision) r.getValue());
            }
        }
        return decisions;
    }

    @Test
    void shouldBlockOnceAfterTheThirdAlertAndReleaseOnExpiry() throws Exception {
        PolicyDecisions policy = policy();
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(policy), PolicyDecisions::key, Types.STRING);
        h.open();
        List<Alert> storm = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            storm.add(alert(AlertKind.EXTRACTION, "attacker", 1000 + i * 100L, Severity.HIGH));
        }
        // Too few for the rule, and one below its severity.
        storm.add(alert(AlertKind.EXTRACTION, "benign", 1000, Severity.HIGH));
        storm.add(alert(AlertKind.EXTRACTION, "benign", 2000, Severity.LOW));
        storm.add(alert(AlertKind.DRIFT, "benign", 3000, Severity.HIGH));
        for (Alert a : storm) {
            if (policy.counts(a)) {
                h.processElement(new StreamRecord<>(a, a.getEventTime().toEpochMilli()));
            }
        }
        List<QuarantineDecision> decisions = out(h);
        assertThat(decisions).hasSize(1);
        QuarantineDecision block = decisions.get(0);
        assertThat(block.getAction()).isEqualTo(DecisionAction.BLOCK);
        assertThat(block.getTarget().getType()).isEqualTo(TargetType.CLIENT);
        assertThat(block.getTarget().getId()).isEqualTo("attacker");
        assertThat(block.getEffectiveFrom()).isEqualTo(Instant.ofEpochMilli(1200));
        assertThat(block.getExpiresAt()).isEqualTo(Instant.ofEpochMilli(1200).plus(BLOCK_FOR));
        assertThat(block.getReasons())
                .containsExactly(
                        storm.get(0).getAlertId(),
                        storm.get(1).getAlertId(),
                        storm.get(2).getAlertId());

        h.processWatermark(1200 + BLOCK_FOR.toMillis() - 1);
        assertThat(out(h)).hasSize(1);
        h.processWatermark(1200 + BLOCK_FOR.toMillis());
        List<QuarantineDecision> after = out(h);
        assertThat(after).hasSize(2);
        QuarantineDecision release = after.get(1);
        assertThat(release.getAction()).isEqualTo(DecisionAction.RELEASE);
        assertThat(release.getReasons()).containsExactly(block.getDecisionId());
        assertThat(release.getEffectiveFrom()).isEqualTo(block.getExpiresAt());
        assertThat(release.getDecisionId()).isNotEqualTo(block.getDecisionId());

        h.processWatermark(Long.MAX_VALUE);
        assertThat(h.numKeyedStateEntries()).as("idle targets leave no state").isZero();
        h.close();
    }
}
