package io.warden.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.detectors.policy.AlertView;
import io.warden.detectors.policy.PolicyAction;
import io.warden.detectors.policy.PolicyRule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code policy.rules}: binding onto the engine's rules and every validation message. */
class PolicyConfigTest {

    private static WardenConfig parse(String policy) {
        return ConfigLoader.parse(
                """
                kafka:
                  bootstrap-servers: localhost:9092
                models:
                  - name: m
                    features: {tensor: x, names: [a, b]}
                    output: {tensor: p, classes: [y, n]}
                policy:
                """
                        + policy.indent(2),
                Path.of("."),
                "warden.yaml",
                Map.of());
    }

    @Test
    void shouldBindARuleOntoTheEnginesRule() {
        WardenConfig c =
                parse(
                        """
                        rules:
                          - name: block-attackers
                            kinds: [extraction, blackbox_query_attack]
                            min-severity: medium
                            subject: client
                            action: block
                            count: 3
                            window: 1m
                            duration: 1h
                            cooldown: 10m
                        """);
        PolicyRule rule = c.policy().toRules().get(0);
        assertThat(rule)
                .isEqualTo(
                        new PolicyRule(
                                "block-attackers",
                                Set.of(
                                        AlertView.Kind.EXTRACTION,
                                        AlertView.Kind.BLACKBOX_QUERY_ATTACK),
                                AlertView.Severity.MEDIUM,
                                AlertView.SubjectType.CLIENT,
                                PolicyAction.BLOCK,
                                3,
                                Duration.ofMinutes(1),
                                Duration.ofHours(1),
                                Duration.ofMinutes(10)));
    }

    @Test
    void shouldNameEveryBadRule() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        """
                                        rules:
                                          - name: a
                                            kinds: []
                                            subject: client
                                            action: block
                                          - name: a
                                            kinds: [evasion]
                                            subject: request
                                            action: release
                                          - name: c
                                            kinds: [evasion]
                                            subject: client
                                            action: throttle
                                            count: 5
                                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("policy.rules[0]: kinds: at least one alert kind")
                .hasMessageContaining("policy.rules[1].name: 'a' is used by another rule")
                .hasMessageContaining("policy.rules[1]: action: block, throttle, quarantine or")
                .hasMessageContaining("policy.rules[2]: ");
    }
}
