package io.warden.detectors.policy;

import static io.warden.detectors.policy.Fixtures.CLIENT;
import static io.warden.detectors.policy.Fixtures.MODEL;
import static io.warden.detectors.policy.Fixtures.T0;
import static io.warden.detectors.policy.Fixtures.alert;
import static io.warden.detectors.policy.Fixtures.extraction;
import static io.warden.detectors.policy.Fixtures.minutes;
import static io.warden.detectors.policy.Fixtures.onFirst;
import static io.warden.detectors.policy.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.detectors.policy.AlertView.Kind;
import io.warden.detectors.policy.AlertView.Severity;
import io.warden.detectors.policy.AlertView.SubjectType;
import io.warden.detectors.policy.DecisionEvent.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

    /** THROTTLE after 3 alerts within 10 minutes, for an hour, then 15 minutes of cool-down. */
    private static final PolicyRule THROTTLE_AFTER_3 =
            rule(
                    "throttle-after-3",
                    PolicyAction.THROTTLE,
                    3,
                    Duration.ofMinutes(10),
                    Duration.ofHours(1),
                    Duration.ofMinutes(15));

    private final PolicyEngine engine = new PolicyEngine(List.of(THROTTLE_AFTER_3));
    private final PolicyState state = engine.newState(CLIENT);

    private List<DecisionEvent> feed(PolicyEngine engine, PolicyState state, AlertView... alerts) {
        List<DecisionEvent> events = new ArrayList<>();
        for (AlertView alert : alerts) {
            events.addAll(engine.onAlert(state, alert));
        }
        return events;
    }

    /** Three alerts a minute apart: THROTTLE_AFTER_3 acts at T0 + 2 min, until T0 + 62 min. */
    private List<DecisionEvent> attack(PolicyState state) {
        return feed(
                engine,
                state,
                extraction("a1", T0),
                extraction("a2", T0 + minutes(1)),
                extraction("a3", T0 + minutes(2)));
    }

    private static void assertOneAct(
            List<DecisionEvent> events, long effectiveFrom, String... reasons) {
        assertThat(events).hasSize(1);
        assertThat(events.get(0).type()).isEqualTo(Type.ACT);
        assertThat(events.get(0).effectiveFrom()).isEqualTo(effectiveFrom);
        assertThat(events.get(0).reasons()).containsExactly(reasons);
    }

    @Test
    void shouldActOnTheNthAlertWithinTheWindowAndNotBefore() {
        assertThat(feed(engine, state, extraction("a1", T0), extraction("a2", T0 + minutes(4))))
                .isEmpty();

        List<DecisionEvent> events = engine.onAlert(state, extraction("a3", T0 + minutes(9)));

        assertThat(events).hasSize(1);
        DecisionEvent act = events.get(0);
        assertThat(act.type()).isEqualTo(Type.ACT);
        assertThat(act.action()).isEqualTo(PolicyAction.THROTTLE);
        assertThat(act.decisionAction()).isEqualTo("THROTTLE");
        assertThat(act.ruleName()).isEqualTo("throttle-after-3");
        assertThat(act.target()).isEqualTo(CLIENT);
        assertThat(act.modelName()).isEqualTo(MODEL);
        assertThat(act.effectiveFrom()).isEqualTo(T0 + minutes(9));
        assertThat(act.expiresAt()).isEqualTo(T0 + minutes(69));
        assertThat(act.hasExpiry()).isTrue();
        assertThat(act.reasons()).containsExactly("a1", "a2", "a3");
        assertThat(act.releasedDecisionId()).isEmpty();
        assertThat(act.summary())
                .isEqualTo(
                        "rule 'throttle-after-3': THROTTLE CLIENT client-7 after 3 EXTRACTION"
                                + " alerts within 10m, until 2023-11-14T23:22:20Z");
        assertThat(state.activeRules()).containsExactly("throttle-after-3");
        assertThat(state.keptAlerts()).isZero();
    }

    @Test
    void shouldNotActWhenTheAlertsSpreadWiderThanTheWindow() {
        // Exactly one window apart is outside the half-open window (T - 10m, T].
        List<DecisionEvent> events =
                feed(
                        engine,
                        state,
                        extraction("a1", T0),
                        extraction("a2", T0 + minutes(5)),
                        extraction("a3", T0 + minutes(10)),
                        extraction("a4", T0 + minutes(20)),
                        extraction("a5", T0 + minutes(30)));

        assertThat(events).isEmpty();
        assertThat(state.keptAlerts()).isEqualTo(1);

        List<DecisionEvent> late =
                feed(
                        engine,
                        state,
                        extraction("a6", T0 + minutes(35)),
                        extraction("a7", T0 + minutes(39.99)));
        assertOneAct(late, T0 + minutes(39.99), "a5", "a6", "a7");
    }

    @Test
    void shouldGiveTheNewestAlertIdsAsReasonsWhenTheRuleNeedsMoreThanTheCap() {
        PolicyRule forty = rule("forty", PolicyAction.BLOCK, 40, Duration.ofHours(1), null, null);
        PolicyEngine engine = new PolicyEngine(List.of(forty));
        List<DecisionEvent> events = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            events.addAll(engine.onAlert(state, extraction("a" + i, T0 + minutes(i))));
        }

        assertThat(events).hasSize(1);
        assertThat(events.get(0).reasons())
                .hasSize(DecisionEvent.MAX_REASONS)
                .startsWith("a8")
                .endsWith("a39");
    }

    @Test
    void shouldGiveOneDecisionForAStormOfAlerts() {
        List<DecisionEvent> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            events.addAll(engine.onAlert(state, extraction("a" + i, T0 + i * 1000L)));
        }

        assertOneAct(events, T0 + 2_000, "a0", "a1", "a2");
        assertThat(state.keptAlerts()).isZero();
        List<DecisionEvent> release = engine.onTime(state, events.get(0).expiresAt());
        assertThat(release)
                .singleElement()
                .extracting(DecisionEvent::summary)
                .asString()
                .endsWith("expired; 997 further matching alerts while active");
    }

    @Test
    void shouldReleaseExactlyOnceAtTheExpiryThatNextTimerAnnounces() {
        DecisionEvent act = attack(state).get(0);
        long expiry = T0 + minutes(62);
        assertThat(act.expiresAt()).isEqualTo(expiry);
        assertThat(engine.nextTimer(state)).hasValue(expiry);
        assertThat(engine.onTime(state, expiry - 1)).isEmpty();

        List<DecisionEvent> released = engine.onTime(state, expiry);

        assertThat(released).hasSize(1);
        DecisionEvent release = released.get(0);
        assertThat(release.type()).isEqualTo(Type.RELEASE);
        assertThat(release.decisionAction()).isEqualTo("RELEASE");
        assertThat(release.action()).isEqualTo(PolicyAction.THROTTLE);
        assertThat(release.target()).isEqualTo(CLIENT);
        assertThat(release.modelName()).isEqualTo(MODEL);
        assertThat(release.effectiveFrom()).isEqualTo(expiry);
        assertThat(release.hasExpiry()).isFalse();
        assertThat(release.reasons()).containsExactly(act.decisionId());
        assertThat(release.releasedDecisionId()).hasValue(act.decisionId());
        assertThat(release.decisionId()).isNotEqualTo(act.decisionId());
        assertThat(state.activeRules()).isEmpty();

        assertThat(engine.onTime(state, expiry)).isEmpty();
        assertThat(engine.onTime(state, expiry + minutes(60))).isEmpty();
        assertThat(engine.isEmpty(state)).isTrue();
        assertThat(engine.nextTimer(state)).isEmpty();
    }

    @Test
    void shouldReleaseAtTheExpiryWhenALaterAlertComesBeforeTheTimer() {
        PolicyState timerDriven = engine.newState(CLIENT);
        attack(state);
        attack(timerDriven);
        List<DecisionEvent> byTimer = engine.onTime(timerDriven, T0 + minutes(62));

        List<DecisionEvent> byAlert = engine.onAlert(state, extraction("a4", T0 + minutes(70)));

        assertThat(byTimer).hasSize(1);
        assertThat(byAlert).isEqualTo(byTimer);
        // a4 falls in the cool-down that started at the expiry: nothing counted.
        assertThat(state.keptAlerts()).isZero();
    }

    @Test
    void shouldIgnoreAlertsDuringTheCooldownAndActAgainAfterIt() {
        PolicyRule once =
                rule(
                        "block-once",
                        PolicyAction.BLOCK,
                        1,
                        null,
                        Duration.ofMinutes(10),
                        Duration.ofMinutes(15));
        PolicyEngine engine = new PolicyEngine(List.of(once));
        PolicyState state = engine.newState(CLIENT);
        DecisionEvent first = engine.onAlert(state, extraction("a1", T0)).get(0);
        assertThat(engine.onTime(state, T0 + minutes(10))).hasSize(1);
        assertThat(engine.nextTimer(state)).hasValue(T0 + minutes(25));

        List<DecisionEvent> duringCooldown =
                feed(
                        engine,
                        state,
                        extraction("a2", T0 + minutes(10)),
                        extraction("a3", T0 + minutes(20)),
                        extraction("a4", T0 + minutes(25) - 1));
        List<DecisionEvent> after = engine.onAlert(state, extraction("a5", T0 + minutes(25)));

        assertThat(duringCooldown).isEmpty();
        assertThat(after).hasSize(1);
        DecisionEvent second = after.get(0);
        assertThat(second.type()).isEqualTo(Type.ACT);
        assertThat(second.effectiveFrom()).isEqualTo(T0 + minutes(25));
        assertThat(second.reasons()).containsExactly("a5");
        assertThat(second.decisionId()).isNotEqualTo(first.decisionId());
        assertThat(second.summary())
                .isEqualTo(
                        "rule 'block-once': BLOCK CLIENT client-7 after one EXTRACTION alert,"
                                + " until 2023-11-14T22:48:20Z");
    }

    @Test
    void shouldLetSeveralRulesActIndependentlyOnTheSameAlerts() {
        PolicyRule throttle =
                rule("throttle", PolicyAction.THROTTLE, 1, null, Duration.ofMinutes(30), null);
        PolicyRule block =
                rule(
                        "block",
                        PolicyAction.BLOCK,
                        5,
                        Duration.ofMinutes(10),
                        Duration.ofHours(2),
                        null);
        PolicyEngine engine = new PolicyEngine(List.of(throttle, block));
        PolicyState state = engine.newState(CLIENT);

        List<List<DecisionEvent>> perAlert = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            perAlert.add(engine.onAlert(state, extraction("a" + i, T0 + minutes(i))));
        }

        assertOneAct(perAlert.get(0), T0 + minutes(1), "a1");
        assertThat(perAlert.get(0).get(0).action()).isEqualTo(PolicyAction.THROTTLE);
        assertThat(perAlert.subList(1, 4)).allSatisfy(events -> assertThat(events).isEmpty());
        assertOneAct(perAlert.get(4), T0 + minutes(5), "a1", "a2", "a3", "a4", "a5");
        assertThat(perAlert.get(4).get(0).action()).isEqualTo(PolicyAction.BLOCK);
        assertThat(state.activeRules()).containsExactly("block", "throttle");

        List<DecisionEvent> released = engine.onTime(state, T0 + minutes(31));
        assertThat(released).extracting(DecisionEvent::ruleName).containsExactly("throttle");
        assertThat(released.get(0).effectiveFrom()).isEqualTo(T0 + minutes(31));
        assertThat(state.activeRules()).containsExactly("block");
    }

    @Test
    void shouldEmitReleasesInTimeThenRuleOrderAndActsInRuleOrder() {
        PolicyRule zeta = rule("zeta", PolicyAction.REVIEW, 1, null, Duration.ofMinutes(5), null);
        PolicyRule alpha = rule("alpha", PolicyAction.BLOCK, 1, null, Duration.ofMinutes(5), null);
        PolicyRule early =
                rule("omega", PolicyAction.THROTTLE, 1, null, Duration.ofMinutes(4), null);
        PolicyEngine engine = new PolicyEngine(List.of(zeta, alpha, early));
        PolicyState state = engine.newState(CLIENT);

        List<DecisionEvent> acts = engine.onAlert(state, extraction("a1", T0));
        List<DecisionEvent> releases = engine.onTime(state, T0 + minutes(5));

        assertThat(acts)
                .extracting(DecisionEvent::ruleName)
                .containsExactly("zeta", "alpha", "omega");
        assertThat(releases)
                .extracting(DecisionEvent::ruleName)
                .containsExactly("omega", "alpha", "zeta");
    }

    @Test
    void shouldCountOnlyAlertsOfTheRulesKindsAndAtLeastItsSeverity() {
        PolicyRule highOnly =
                onFirst(
                        "high-only",
                        Set.of(Kind.EXTRACTION, Kind.BLACKBOX_QUERY_ATTACK),
                        Severity.HIGH,
                        SubjectType.CLIENT,
                        PolicyAction.BLOCK);
        PolicyEngine engine = new PolicyEngine(List.of(highOnly));

        assertThat(engine.onAlert(state, alert("m", Kind.EXTRACTION, Severity.MEDIUM, T0)))
                .isEmpty();
        assertThat(engine.onAlert(state, alert("e", Kind.EVASION, Severity.CRITICAL, T0)))
                .isEmpty();
        assertThat(state.isEmpty()).isTrue();
        assertThat(engine.onAlert(state, alert("h", Kind.EXTRACTION, Severity.HIGH, T0)))
                .singleElement()
                .extracting(DecisionEvent::reasons)
                .isEqualTo(List.of("h"));
        PolicyState other = engine.newState(CLIENT);
        assertThat(
                        engine.onAlert(
                                other,
                                alert("q", Kind.BLACKBOX_QUERY_ATTACK, Severity.CRITICAL, T0)))
                .hasSize(1);

        PolicyTarget contributor = new PolicyTarget(SubjectType.CONTRIBUTOR, "client-7");
        AlertView aboutContributor =
                new AlertView(
                        "k",
                        Kind.EXTRACTION,
                        Severity.CRITICAL,
                        SubjectType.CONTRIBUTOR,
                        "client-7",
                        MODEL,
                        T0);
        assertThat(engine.onAlert(engine.newState(contributor), aboutContributor)).isEmpty();
    }

    @Test
    void shouldCountOutOfOrderAlertsWithinTheWindowOfTheNewest() {
        // Late but inside the window of the newest: counted, reasons in event-time order, and the
        // decision takes effect when the third alert in event time was seen.
        assertThat(
                        feed(
                                engine,
                                state,
                                extraction("a", T0 + minutes(5)),
                                extraction("b", T0 + minutes(1))))
                .isEmpty();
        List<DecisionEvent> events = engine.onAlert(state, extraction("c", T0 + minutes(3)));

        assertOneAct(events, T0 + minutes(5), "b", "c", "a");
    }

    @Test
    void shouldIgnoreAlertsOlderThanTheWindowOfTheNewest() {
        List<DecisionEvent> events =
                feed(
                        engine,
                        state,
                        extraction("new", T0 + minutes(20)),
                        extraction("too-old", T0 + minutes(10)),
                        extraction("old-enough", T0 + minutes(10) + 1));
        assertThat(events).isEmpty();
        assertThat(state.keptAlerts()).isEqualTo(2);

        List<DecisionEvent> act = engine.onAlert(state, extraction("next", T0 + minutes(12)));

        assertOneAct(act, T0 + minutes(20), "old-enough", "next", "new");
    }

    @Test
    void shouldForgetCountedAlertsThatANewerAlertPushesOutOfTheWindow() {
        feed(
                engine,
                state,
                extraction("a", T0),
                extraction("b", T0 + minutes(9)),
                extraction("c", T0 + minutes(15)));
        assertThat(state.keptAlerts()).isEqualTo(2);

        assertOneAct(
                engine.onAlert(state, extraction("d", T0 + minutes(16))),
                T0 + minutes(16),
                "b",
                "c",
                "d");
    }

    @Test
    void shouldForgetCountedAlertsOnTimeOnceTheirWindowHasPassed() {
        feed(engine, state, extraction("a", T0), extraction("b", T0 + minutes(2)));
        assertThat(engine.nextTimer(state)).hasValue(T0 + minutes(12));
        assertThat(engine.onTime(state, T0 + minutes(12) - 1)).isEmpty();
        assertThat(state.keptAlerts()).isEqualTo(2);

        assertThat(engine.onTime(state, T0 + minutes(12))).isEmpty();

        assertThat(engine.isEmpty(state)).isTrue();
        assertThat(engine.nextTimer(state)).isEmpty();
    }

    @Test
    void shouldKeepADecisionWithoutDurationUntilReleasedExplicitly() {
        PolicyRule review =
                rule("review", PolicyAction.REVIEW, 1, null, null, Duration.ofMinutes(5));
        PolicyEngine engine = new PolicyEngine(List.of(review));
        DecisionEvent act = engine.onAlert(state, extraction("a1", T0)).get(0);
        assertThat(act.expiresAt()).isEqualTo(DecisionEvent.NO_EXPIRY);
        assertThat(act.hasExpiry()).isFalse();
        assertThat(act.summary()).endsWith(", until released");
        assertThat(engine.nextTimer(state)).isEmpty();
        assertThat(engine.onTime(state, Long.MAX_VALUE - 1)).isEmpty();
        assertThat(engine.isEmpty(state)).isFalse();
        assertThat(engine.release(state, "other-rule", T0)).isEmpty();

        DecisionEvent release = engine.release(state, "review", T0 + minutes(30)).orElseThrow();

        assertThat(release.type()).isEqualTo(Type.RELEASE);
        assertThat(release.effectiveFrom()).isEqualTo(T0 + minutes(30));
        assertThat(release.releasedDecisionId()).hasValue(act.decisionId());
        assertThat(release.summary()).contains("released explicitly");
        assertThat(engine.release(state, "review", T0 + minutes(31))).isEmpty();
        assertThat(engine.nextTimer(state)).hasValue(T0 + minutes(35));
        assertThat(engine.onAlert(state, extraction("a2", T0 + minutes(34)))).isEmpty();
        assertThat(engine.onAlert(state, extraction("a3", T0 + minutes(35)))).hasSize(1);
    }

    @Test
    void shouldClampAnExplicitReleaseIntoTheDecisionsLifetime() {
        attack(state);
        PolicyState copy = SerializedState.roundTrip(state);
        PolicyState early = SerializedState.roundTrip(state);

        DecisionEvent afterExpiry =
                engine.release(state, "throttle-after-3", T0 + minutes(500)).orElseThrow();
        DecisionEvent byTimer = engine.onTime(copy, T0 + minutes(500)).get(0);
        DecisionEvent beforeStart =
                engine.release(early, "throttle-after-3", T0 - minutes(500)).orElseThrow();

        assertThat(afterExpiry).isEqualTo(byTimer);
        assertThat(beforeStart.effectiveFrom()).isEqualTo(T0 + minutes(2));
        assertThat(beforeStart.decisionId()).isEqualTo(byTimer.decisionId());
    }

    @Test
    void shouldRefuseAnAlertAboutAnotherTarget() {
        AlertView elsewhere =
                new AlertView(
                        "x",
                        Kind.EXTRACTION,
                        Severity.HIGH,
                        SubjectType.CLIENT,
                        "client-8",
                        MODEL,
                        T0);

        assertThatThrownBy(() -> engine.onAlert(state, elsewhere))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CLIENT client-8")
                .hasMessageContaining("CLIENT client-7");
    }

    @Test
    void shouldRefuseTwoRulesWithOneName() {
        assertThatThrownBy(() -> new PolicyEngine(List.of(THROTTLE_AFTER_3, THROTTLE_AFTER_3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'throttle-after-3' is used twice");
    }

    @Test
    void shouldReleaseTheDecisionOfARuleRemovedFromTheConfig() {
        attack(state);
        PolicyRule other = rule("other", PolicyAction.BLOCK, 2, Duration.ofMinutes(1), null, null);
        PolicyEngine changed = new PolicyEngine(List.of(other));
        PolicyState restored = SerializedState.roundTrip(state);
        // Counted by "other" only (it needs 2); the removed rule is no longer evaluated.
        assertThat(changed.onAlert(restored, extraction("a4", T0 + minutes(3)))).isEmpty();

        assertThat(changed.nextTimer(restored)).hasValue(T0 + minutes(4));
        List<DecisionEvent> events = changed.onTime(restored, T0 + minutes(62));

        assertThat(events).extracting(DecisionEvent::ruleName).containsExactly("throttle-after-3");
        assertThat(events.get(0).type()).isEqualTo(Type.RELEASE);
        assertThat(changed.isEmpty(restored)).isTrue();
    }
}
