package io.warden.jobs.config;

import io.warden.detectors.policy.AlertView;
import io.warden.detectors.policy.PolicyAction;
import io.warden.detectors.policy.PolicyRule;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DecisionAction;
import io.warden.schemas.Severity;
import io.warden.schemas.SubjectType;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The policy ({@code policy.rules}): rules that turn alerts into decisions on {@code
 * topics.decisions} for a gateway or a retraining pipeline — BLOCK or THROTTLE a client, QUARANTINE
 * a request or feedback record, REVIEW a contributor — and RELEASE them on expiry. The semantics
 * (hysteresis, de-duplication, expiry, cool-down, ids) are {@link
 * io.warden.detectors.policy.PolicyEngine}'s.
 *
 * @param rules the rules, evaluated each on its own; empty when there is no policy
 */
public record PolicySettings(List<RuleSettings> rules) implements Serializable {

    public PolicySettings {
        rules =
                rules == null
                        ? List.of()
                        : java.util.Collections.unmodifiableList(new ArrayList<>(rules));
    }

    public static PolicySettings none() {
        return new PolicySettings(null);
    }

    /**
     * One rule.
     *
     * @param name unique; part of the decision ids
     * @param kinds the alert kinds counted (e.g. {@code [extraction, blackbox_query_attack]})
     * @param minSeverity the least severity counted (default: any)
     * @param subject the subject type counted, which is also the target: {@code client}, {@code
     *     contributor}, {@code request} or {@code feedback_record}
     * @param action {@code block}, {@code throttle}, {@code quarantine} or {@code review}
     * @param count matching alerts within {@code window} before acting (default 1)
     * @param window the event time those alerts must fall within (needed when count &gt; 1)
     * @param duration how long a decision lasts, then RELEASE (default: until released)
     * @param cooldown after a release, how long the rule leaves the target alone (default 0)
     */
    public record RuleSettings(
            String name,
            List<AlertKind> kinds,
            Severity minSeverity,
            SubjectType subject,
            DecisionAction action,
            Integer count,
            Duration window,
            Duration duration,
            Duration cooldown)
            implements Serializable {

        public RuleSettings {
            kinds =
                    kinds == null
                            ? null
                            : java.util.Collections.unmodifiableList(new ArrayList<>(kinds));
            count = count == null ? 1 : count;
        }

        /**
         * The engine's rule.
         *
         * @throws IllegalArgumentException saying which field is wrong
         */
        public PolicyRule toRule() {
            if (kinds == null || kinds.isEmpty() || kinds.stream().anyMatch(k -> k == null)) {
                throw new IllegalArgumentException("kinds: at least one alert kind");
            }
            if (subject == null) {
                throw new IllegalArgumentException(
                        "subject: required (client, contributor, request or feedback_record)");
            }
            if (action == null
                    || action == DecisionAction.RELEASE
                    || action == DecisionAction.UNKNOWN) {
                throw new IllegalArgumentException(
                        "action: block, throttle, quarantine or review (RELEASE comes by itself on"
                                + " expiry)");
            }
            Set<AlertView.Kind> viewKinds = EnumSet.noneOf(AlertView.Kind.class);
            for (AlertKind k : kinds) {
                viewKinds.add(AlertView.Kind.valueOf(k.name()));
            }
            return new PolicyRule(
                    name,
                    viewKinds,
                    minSeverity == null ? null : AlertView.Severity.valueOf(minSeverity.name()),
                    AlertView.SubjectType.valueOf(subject.name()),
                    PolicyAction.valueOf(action.name()),
                    count,
                    window,
                    duration,
                    cooldown);
        }
    }

    /** The engine's rules. */
    public List<PolicyRule> toRules() {
        List<PolicyRule> out = new ArrayList<>();
        for (RuleSettings r : rules) {
            out.add(r.toRule());
        }
        return out;
    }
}
