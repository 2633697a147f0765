package io.warden.detectors.policy;

import static io.warden.detectors.policy.Fixtures.CLIENT;
import static io.warden.detectors.policy.Fixtures.T0;
import static io.warden.detectors.policy.Fixtures.extraction;
import static io.warden.detectors.policy.Fixtures.minutes;
import static io.warden.detectors.policy.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.policy.AlertView.SubjectType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DecisionIdsTest {

    @Test
    void shouldBeTheVersion3UuidOfTheDocumentedString() {
        String id = DecisionIds.act("throttle", CLIENT, PolicyAction.THROTTLE, 1234L);

        String text = "warden.policy/3:ACT/8:throttle/6:CLIENT/8:client-7/8:THROTTLE/4:1234";
        assertThat(id)
                .isEqualTo(
                        UUID.nameUUIDFromBytes(text.getBytes(StandardCharsets.UTF_8)).toString());
        assertThat(UUID.fromString(id).version()).isEqualTo(3);
        assertThat(DecisionIds.release(id))
                .isEqualTo(
                        UUID.nameUUIDFromBytes(
                                        ("warden.policy/7:RELEASE/36:" + id)
                                                .getBytes(StandardCharsets.UTF_8))
                                .toString());
    }

    @Test
    void shouldDifferInEveryPartAndNotConfuseWherePartsSplit() {
        PolicyTarget other = new PolicyTarget(SubjectType.CONTRIBUTOR, "client-7");
        Set<String> ids =
                new HashSet<>(
                        List.of(
                                DecisionIds.act("r", CLIENT, PolicyAction.BLOCK, 1),
                                DecisionIds.act("s", CLIENT, PolicyAction.BLOCK, 1),
                                DecisionIds.act("r", other, PolicyAction.BLOCK, 1),
                                DecisionIds.act("r", CLIENT, PolicyAction.THROTTLE, 1),
                                DecisionIds.act("r", CLIENT, PolicyAction.BLOCK, 2),
                                DecisionIds.release(
                                        DecisionIds.act("r", CLIENT, PolicyAction.BLOCK, 1))));
        String ab =
                DecisionIds.act(
                        "a/1:b", new PolicyTarget(SubjectType.CLIENT, "c"), PolicyAction.BLOCK, 1);
        String a =
                DecisionIds.act(
                        "a", new PolicyTarget(SubjectType.CLIENT, "b/1:c"), PolicyAction.BLOCK, 1);

        assertThat(ids).hasSize(6);
        assertThat(ab).isNotEqualTo(a);
    }

    @Test
    void shouldGiveTheSameIdsOnReplayAndDistinctIdsForDistinctDecisions() {
        PolicyEngine engine =
                new PolicyEngine(
                        List.of(
                                rule(
                                        "throttle",
                                        PolicyAction.THROTTLE,
                                        2,
                                        Duration.ofMinutes(5),
                                        Duration.ofMinutes(10),
                                        null),
                                rule(
                                        "block",
                                        PolicyAction.BLOCK,
                                        1,
                                        null,
                                        Duration.ofMinutes(20),
                                        null)));

        List<DecisionEvent> first = run(engine);
        List<DecisionEvent> replay = run(engine);

        assertThat(first).hasSizeGreaterThanOrEqualTo(20);
        assertThat(replay).isEqualTo(first);
        assertThat(first.stream().map(DecisionEvent::decisionId).distinct()).hasSize(first.size());
    }

    private static List<DecisionEvent> run(PolicyEngine engine) {
        PolicyState state = engine.newState(CLIENT);
        List<DecisionEvent> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            events.addAll(engine.onAlert(state, extraction("a" + i, T0 + minutes(i))));
        }
        events.addAll(engine.onTime(state, T0 + minutes(1000)));
        return events;
    }
}
