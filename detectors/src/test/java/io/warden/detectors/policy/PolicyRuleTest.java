package io.warden.detectors.policy;

import static io.warden.detectors.policy.Fixtures.onFirst;
import static io.warden.detectors.policy.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.detectors.policy.AlertView.Kind;
import io.warden.detectors.policy.AlertView.Severity;
import io.warden.detectors.policy.AlertView.SubjectType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyRuleTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Set<Kind> EXTRACTION = Set.of(Kind.EXTRACTION);

    private static PolicyRule counting(int count, Duration window) {
        return rule("r", PolicyAction.BLOCK, count, window, null, null);
    }

    private static PolicyRule timed(Duration window, Duration duration, Duration cooldown) {
        return rule("r", PolicyAction.BLOCK, 2, window, duration, cooldown);
    }

    @Test
    void shouldNameTheRuleAndTheFieldThatIsWrong() {
        assertThatThrownBy(
                        () ->
                                onFirst(
                                        " ",
                                        EXTRACTION,
                                        null,
                                        SubjectType.CLIENT,
                                        PolicyAction.BLOCK))
                .hasMessage("policy rule name must not be blank");
        assertThatThrownBy(
                        () -> onFirst("r", Set.of(), null, SubjectType.CLIENT, PolicyAction.BLOCK))
                .hasMessage("policy rule 'r': kinds must list at least one alert kind");
        assertThatThrownBy(() -> onFirst("r", EXTRACTION, null, null, PolicyAction.BLOCK))
                .hasMessage("policy rule 'r': subjectType is required");
        assertThatThrownBy(
                        () ->
                                onFirst(
                                        "r",
                                        EXTRACTION,
                                        null,
                                        SubjectType.MODEL,
                                        PolicyAction.REVIEW))
                .hasMessageStartingWith("policy rule 'r': subjectType MODEL cannot be a decision");
        assertThatThrownBy(() -> onFirst("r", EXTRACTION, null, SubjectType.CLIENT, null))
                .hasMessage("policy rule 'r': action is required");
        assertThatThrownBy(() -> counting(0, MINUTE))
                .hasMessage("policy rule 'r': count must be in [1, 1000], but is 0");
        assertThatThrownBy(() -> counting(1001, MINUTE))
                .hasMessage("policy rule 'r': count must be in [1, 1000], but is 1001");
        assertThatThrownBy(() -> counting(2, null))
                .hasMessage("policy rule 'r': window is required when count is more than 1");
        assertThatThrownBy(() -> timed(Duration.ZERO, null, null))
                .hasMessage("policy rule 'r': window must be positive, but is PT0S");
        assertThatThrownBy(() -> timed(MINUTE, MINUTE.negated(), null))
                .hasMessage("policy rule 'r': duration must be positive, but is PT-1M");
        assertThatThrownBy(() -> timed(MINUTE, null, MINUTE.negated()))
                .hasMessage("policy rule 'r': cooldown must not be negative, but is PT-1M");
        assertThatThrownBy(() -> timed(Duration.ofSeconds(Long.MAX_VALUE), null, null))
                .hasMessageStartingWith("policy rule 'r': window is too long");
    }

    @Test
    void shouldDefaultTheCooldownToZeroAndNeedNoWindowForOneAlert() {
        PolicyRule rule = counting(1, null);

        assertThat(rule.cooldown()).isEqualTo(Duration.ZERO);
        assertThat(rule.window()).isNull();
        assertThat(rule.duration()).isNull();
    }

    @Test
    void shouldCopyTheKindsSoLaterChangesDoNotLeakIn() {
        Set<Kind> kinds = new HashSet<>(EXTRACTION);
        PolicyRule rule = onFirst("r", kinds, null, SubjectType.CLIENT, PolicyAction.BLOCK);
        kinds.add(Kind.DRIFT);

        assertThat(rule.kinds()).containsExactly(Kind.EXTRACTION);
        assertThatThrownBy(() -> rule.kinds().add(Kind.DRIFT))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(rule).isEqualTo(counting(1, null));
    }

    @Test
    void shouldMatchOnKindSubjectTypeAndMinimumSeverity() {
        PolicyRule rule =
                onFirst(
                        "r",
                        EnumSet.of(Kind.EVASION, Kind.EXTRACTION),
                        Severity.MEDIUM,
                        SubjectType.CLIENT,
                        PolicyAction.THROTTLE);

        assertThat(rule.matches(alert(Kind.EVASION, Severity.MEDIUM, SubjectType.CLIENT))).isTrue();
        assertThat(rule.matches(alert(Kind.EXTRACTION, Severity.CRITICAL, SubjectType.CLIENT)))
                .isTrue();
        assertThat(rule.matches(alert(Kind.EXTRACTION, Severity.LOW, SubjectType.CLIENT)))
                .isFalse();
        assertThat(rule.matches(alert(Kind.POISONING, Severity.HIGH, SubjectType.CLIENT)))
                .isFalse();
        assertThat(rule.matches(alert(Kind.EVASION, Severity.HIGH, SubjectType.REQUEST))).isFalse();
    }

    private static AlertView alert(Kind kind, Severity severity, SubjectType subject) {
        return new AlertView("a", kind, severity, subject, "s", null, 0);
    }
}
