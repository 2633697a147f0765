package io.warden.detectors.policy;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One rule of the quarantine policy, as written in the YAML config: which alerts it counts, what it
 * does to their subject, and the hysteresis, expiry and cool-down around that.
 *
 * <p><b>Matching.</b> An {@link AlertView} matches when its kind is one of {@link #kinds()}, its
 * subject type is {@link #subjectType()} and its severity is at least {@link #minSeverity()} (any
 * severity when that is null). The decision's target is always the alert's subject: a rule on
 * {@code CLIENT} alerts throttles or blocks that client, one on {@code FEEDBACK_RECORD} alerts
 * quarantines that record. The usual pairs are BLOCK or THROTTLE for a CLIENT, QUARANTINE for a
 * REQUEST or FEEDBACK_RECORD, REVIEW for a CONTRIBUTOR; others are allowed. {@code MODEL} subjects
 * are refused because the decision contract has no model target.
 *
 * <p><b>Hysteresis.</b> The rule acts on a target once it has seen {@link #count()} matching alerts
 * about it whose event times lie within one {@link #window()}, i.e. in a half-open interval (T
 * &minus; window, T]: two alerts exactly one window apart are not within it. With {@code count} 1
 * it acts on the first matching alert and needs no window. See {@link PolicyEngine} for the exact
 * semantics, including out-of-order alerts.
 *
 * <p><b>Expiry and cool-down.</b> A decision lasts {@link #duration()} from its effective time and
 * is then released; a null duration means until released explicitly ({@link PolicyEngine#release}).
 * After a release, matching alerts about the target whose event time is before the release time
 * plus {@link #cooldown()} are ignored by this rule.
 *
 * <pre>{@code
 * new PolicyRule("throttle-extraction", Set.of(Kind.EXTRACTION, Kind.BLACKBOX_QUERY_ATTACK),
 *         Severity.MEDIUM, SubjectType.CLIENT, PolicyAction.THROTTLE,
 *         2, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMinutes(15));
 * }</pre>
 *
 * @param name unique among the engine's rules; it is part of decision ids, so renaming a rule
 *     changes them; not blank
 * @param kinds the alert kinds the rule counts; not empty
 * @param minSeverity the least severity counted, or null for any
 * @param subjectType the subject type counted, which is also the target type; not {@code MODEL}
 * @param action what the decision asks for; not null
 * @param count matching alerts within the window before acting; 1 to {@value #MAX_COUNT}
 * @param window the event-time span those alerts must fall within; positive; may be null only when
 *     {@code count} is 1
 * @param duration how long a decision lasts; positive, or null for until released
 * @param cooldown how long after a release the rule ignores the target; zero or positive; null
 *     means zero
 */
public record PolicyRule(
        String name,
        Set<AlertView.Kind> kinds,
        AlertView.Severity minSeverity,
        AlertView.SubjectType subjectType,
        PolicyAction action,
        int count,
        Duration window,
        Duration duration,
        Duration cooldown)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * The largest {@link #count()}: {@value}. A target keeps at most this many alert times per rule
     * (8 bytes each) while the count builds up.
     */
    public static final int MAX_COUNT = 1000;

    /** Validates the fields and normalises them; messages name the rule and the field. */
    public PolicyRule {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("policy rule name must not be blank");
        }
        String rule = "policy rule '" + name + "': ";
        if (kinds == null || kinds.isEmpty() || kinds.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException(rule + "kinds must list at least one alert kind");
        }
        kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds));
        if (subjectType == null) {
            throw new IllegalArgumentException(rule + "subjectType is required");
        }
        if (subjectType == AlertView.SubjectType.MODEL) {
            throw new IllegalArgumentException(
                    rule
                            + "subjectType MODEL cannot be a decision target (the decision"
                            + " contract targets REQUEST, CLIENT, CONTRIBUTOR or FEEDBACK_RECORD)");
        }
        if (action == null) {
            throw new IllegalArgumentException(rule + "action is required");
        }
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException(
                    rule + "count must be in [1, " + MAX_COUNT + "], but is " + count);
        }
        if (window == null && count > 1) {
            throw new IllegalArgumentException(
                    rule + "window is required when count is more than 1");
        }
        if (window != null) {
            requirePositive(rule, "window", window);
        }
        if (duration != null) {
            requirePositive(rule, "duration", duration);
        }
        if (cooldown == null) {
            cooldown = Duration.ZERO;
        }
        if (cooldown.isNegative()) {
            throw new IllegalArgumentException(
                    rule + "cooldown must not be negative, but is " + cooldown);
        }
        toMillis(rule, "cooldown", cooldown);
    }

    private static void requirePositive(String rule, String field, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(rule + field + " must be positive, but is " + value);
        }
        toMillis(rule, field, value);
    }

    private static long toMillis(String rule, String field, Duration value) {
        try {
            return value.toMillis();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(rule + field + " is too long: " + value, e);
        }
    }

    /** Whether the rule counts this alert (kind, subject type and severity). */
    public boolean matches(AlertView alert) {
        return alert.subjectType() == subjectType
                && kinds.contains(alert.kind())
                && (minSeverity == null || alert.severity().compareTo(minSeverity) >= 0);
    }

    /** The window in milliseconds; 0 when there is none (count 1). */
    long windowMillis() {
        return window == null ? 0 : window.toMillis();
    }

    /** The cool-down in milliseconds. */
    long cooldownMillis() {
        return cooldown.toMillis();
    }

    /**
     * The expiry of a decision effective from the given time, or {@link DecisionEvent#NO_EXPIRY}.
     */
    long expiryFrom(long effectiveFrom) {
        return duration == null
                ? DecisionEvent.NO_EXPIRY
                : EventTimes.plus(effectiveFrom, duration.toMillis());
    }

    /** One line saying when the rule acts, for decision summaries. */
    String condition() {
        String what =
                kinds.stream().map(Enum::name).collect(Collectors.joining("/"))
                        + (minSeverity == null ? "" : " (severity >= " + minSeverity + ")");
        return count == 1
                ? "one " + what + " alert"
                : count + " " + what + " alerts within " + EventTimes.format(window);
    }
}
