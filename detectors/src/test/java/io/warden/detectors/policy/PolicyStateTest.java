package io.warden.detectors.policy;

import static io.warden.detectors.policy.Fixtures.CLIENT;
import static io.warden.detectors.policy.Fixtures.T0;
import static io.warden.detectors.policy.Fixtures.extraction;
import static io.warden.detectors.policy.Fixtures.minutes;
import static io.warden.detectors.policy.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InvalidObjectException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PolicyStateTest {

    /** Counts up to 50 alerts a minute; alerts every 2 s give at most 30, so it never acts. */
    private static final PolicyRule NEVER_REACHED =
            rule("never-reached", PolicyAction.BLOCK, 50, Duration.ofMinutes(1), null, null);

    /** Acts on every alert it is allowed to: 10 minutes of decision, 5 of cool-down. */
    private static final PolicyRule EVERY_15_MINUTES =
            rule(
                    "every-15-minutes",
                    PolicyAction.THROTTLE,
                    1,
                    null,
                    Duration.ofMinutes(10),
                    Duration.ofMinutes(5));

    /** Acts once and holds until released. */
    private static final PolicyRule FOREVER =
            rule("forever", PolicyAction.REVIEW, 5, Duration.ofHours(1), null, null);

    private final PolicyEngine engine =
            new PolicyEngine(List.of(NEVER_REACHED, EVERY_15_MINUTES, FOREVER));

    /** Drives the engine as the operator does: due timers first, then the alert. */
    private static List<DecisionEvent> step(PolicyEngine engine, PolicyState state, AlertView a) {
        List<DecisionEvent> events = new ArrayList<>();
        OptionalLong timer = engine.nextTimer(state);
        if (timer.isPresent() && timer.getAsLong() <= a.eventTime()) {
            events.addAll(engine.onTime(state, timer.getAsLong()));
        }
        events.addAll(engine.onAlert(state, a));
        return events;
    }

    @Test
    void shouldStayBoundedUnderAStormOf100kAlerts() {
        PolicyState state = engine.newState(CLIENT);
        int alerts = 100_000;
        long acts = 0;
        int maxKept = 0;
        int maxBytesFirst10k = 0;
        int maxBytes = 0;
        for (int i = 0; i < alerts; i++) {
            for (DecisionEvent e :
                    step(engine, state, extraction("a" + (1_000_000 + i), T0 + i * 2_000L))) {
                acts += e.type() == DecisionEvent.Type.ACT ? 1 : 0;
            }
            maxKept = Math.max(maxKept, state.keptAlerts());
            if (i % 500 == 499) {
                int bytes = SerializedState.bytes(state).length;
                maxBytes = Math.max(maxBytes, bytes);
                if (i < 10_000) {
                    maxBytesFirst10k = maxBytes;
                }
            }
        }

        // 29 or 30 alerts within any minute; "every-15-minutes" acts at T0 + k * 15 min for
        // k = 0..222 (the last alert is at T0 + 3333.3 min); "forever" acts once.
        assertThat(maxKept).isEqualTo(30);
        assertThat(acts).isEqualTo(223 + 1);
        assertThat(maxBytes).isEqualTo(maxBytesFirst10k).isLessThan(2_500);
        assertThat(state.activeRules()).containsExactly("every-15-minutes", "forever");
    }

    @Test
    void shouldContinueIdenticallyAfterASerializationRoundTrip() {
        Random random = new Random(42);
        List<AlertView> alerts = new ArrayList<>();
        long t = T0;
        for (int i = 0; i < 1_000; i++) {
            // Bursts and pauses, with some alerts up to 2 minutes late.
            t += random.nextInt(10) == 0 ? minutes(20) : random.nextInt(5_000);
            alerts.add(extraction("a" + i, t - (random.nextInt(8) == 0 ? minutes(2) : 0)));
        }
        PolicyState straight = engine.newState(CLIENT);
        PolicyEngine restoredEngine = SerializedState.roundTrip(engine);
        PolicyState restored = engine.newState(CLIENT);
        List<DecisionEvent> expected = new ArrayList<>();
        List<DecisionEvent> actual = new ArrayList<>();

        for (AlertView alert : alerts) {
            expected.addAll(step(engine, straight, alert));
            restored = SerializedState.roundTrip(restored);
            actual.addAll(step(restoredEngine, restored, alert));
        }

        assertThat(expected).hasSizeGreaterThan(100);
        assertThat(actual).isEqualTo(expected);
        assertThat(restored.toString()).isEqualTo(straight.toString());
        assertThat(restoredEngine.nextTimer(restored)).isEqualTo(engine.nextTimer(straight));
    }

    @Test
    void shouldRefuseACorruptedStateOnRestore() throws Exception {
        PolicyState state = engine.newState(CLIENT);
        engine.onAlert(state, extraction("a1", T0));
        engine.onAlert(state, extraction("a2", T0 + 1));
        RuleSlot slot = state.slots().get("never-reached");
        Field times = RuleSlot.class.getDeclaredField("times");
        times.setAccessible(true);
        long[] sorted = (long[]) times.get(slot);
        sorted[0] = T0 + 2;
        byte[] bytes = SerializedState.bytes(state);

        assertThatThrownBy(() -> SerializedState.read(bytes))
                .isInstanceOf(InvalidObjectException.class)
                .hasMessage("invalid PolicyState: kept alert times are not sorted");
    }
}
