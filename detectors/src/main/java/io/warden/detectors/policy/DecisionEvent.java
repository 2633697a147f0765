package io.warden.detectors.policy;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One output of the {@link PolicyEngine}: a decision taking effect ({@link Type#ACT}) or ending
 * ({@link Type#RELEASE}). It maps one to one onto the {@code QuarantineDecision} contract:
 *
 * <table>
 *   <caption>Fields of the contract</caption>
 *   <tr><th>QuarantineDecision</th><th>from</th></tr>
 *   <tr><td>{@code decision_id}</td><td>{@link #decisionId()}</td></tr>
 *   <tr><td>{@code event_time}, {@code effective_from}</td><td>{@link #effectiveFrom()}</td></tr>
 *   <tr><td>{@code model_name}</td><td>{@link #modelName()}</td></tr>
 *   <tr><td>{@code target}</td><td>{@link #target()}</td></tr>
 *   <tr><td>{@code action}</td><td>{@link #decisionAction()}</td></tr>
 *   <tr><td>{@code reasons}</td><td>{@link #reasons()}</td></tr>
 *   <tr><td>{@code summary}</td><td>{@link #summary()}</td></tr>
 *   <tr><td>{@code expires_at}</td><td>{@link #expiresAt()}, null when it is {@link
 *       #NO_EXPIRY}</td></tr>
 * </table>
 *
 * <p><b>Ids.</b> An ACT's id is a name-based (version 3) UUID of the rule name, the target, the
 * action and the effective time; a RELEASE's id is one of the id of the ACT it ends. Both depend on
 * content only, so a replay or a restart from a checkpoint emits the same ids and consumers can
 * de-duplicate.
 *
 * @param decisionId the deterministic id; not null
 * @param type whether the decision starts or ends; not null
 * @param ruleName the rule that made the decision; not null
 * @param action for an ACT what is asked; for a RELEASE the action being lifted; not null
 * @param target what the decision applies to; not null
 * @param modelName the model of the alert that triggered the decision; may be null
 * @param effectiveFrom for an ACT, the event time at which the rule's condition first held (see
 *     {@link PolicyEngine}); for a RELEASE, the event time at which the decision ends (its expiry,
 *     or the time of an explicit release)
 * @param expiresAt when an ACT's decision ends by itself, or {@link #NO_EXPIRY} for until released;
 *     always {@link #NO_EXPIRY} for a RELEASE
 * @param reasons for an ACT, the ids of the alerts behind it, oldest first (the last {@value
 *     #MAX_REASONS} when the rule needs more); for a RELEASE, the one id of the ACT it ends; not
 *     null, no null elements
 * @param summary one human-readable line; not null
 */
public record DecisionEvent(
        String decisionId,
        Type type,
        String ruleName,
        PolicyAction action,
        PolicyTarget target,
        String modelName,
        long effectiveFrom,
        long expiresAt,
        List<String> reasons,
        String summary)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The {@link #expiresAt()} of a decision that lasts until released: {@link Long#MAX_VALUE}. */
    public static final long NO_EXPIRY = Long.MAX_VALUE;

    /** The most alert ids an ACT carries as reasons: {@value}. */
    public static final int MAX_REASONS = 32;

    /** Whether a decision starts or ends. */
    public enum Type {
        /** A decision takes effect: the gateway or pipeline starts applying the action. */
        ACT,
        /** A decision ends: the action it names is lifted. */
        RELEASE
    }

    /** Checks the fields; see the record's description. */
    public DecisionEvent {
        Objects.requireNonNull(decisionId, "decisionId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ruleName, "ruleName");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(summary, "summary");
        reasons = List.copyOf(reasons);
        if (type == Type.RELEASE && (expiresAt != NO_EXPIRY || reasons.size() != 1)) {
            throw new IllegalArgumentException(
                    "a RELEASE has no expiry and exactly one reason, the decision it ends");
        }
    }

    /** Whether the decision ends by itself at {@link #expiresAt()}. */
    public boolean hasExpiry() {
        return expiresAt != NO_EXPIRY;
    }

    /**
     * The contract's {@code DecisionAction} symbol: the action's name for an ACT, {@code RELEASE}
     * for a RELEASE.
     */
    public String decisionAction() {
        return type == Type.RELEASE ? Type.RELEASE.name() : action.name();
    }

    /** For a RELEASE, the id of the ACT it ends; empty for an ACT. */
    public Optional<String> releasedDecisionId() {
        return type == Type.RELEASE ? Optional.of(reasons.get(0)) : Optional.empty();
    }
}
