package io.warden.detectors.policy;

/**
 * What a rule asks the gateway or the retraining pipeline to do with a target. The names are
 * symbols of the {@code DecisionAction} contract ({@code QuarantineDecision.avsc}), whose {@code
 * RELEASE} ends a decision (see {@link DecisionEvent.Type#RELEASE}).
 */
public enum PolicyAction {
    /** Refuse the client's requests. */
    BLOCK,
    /** Rate-limit the client's requests. */
    THROTTLE,
    /** Keep the request or feedback record out of retraining and out of the reference data. */
    QUARANTINE,
    /** Have a person look at the target (e.g. a contributor) before trusting it again. */
    REVIEW
}
