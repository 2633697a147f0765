/**
 * The quarantine policy as pure logic: {@link io.warden.detectors.policy.PolicyRule}s from the
 * config turn {@link io.warden.detectors.policy.AlertView}s into {@link
 * io.warden.detectors.policy.DecisionEvent}s (ACT and RELEASE, mapping onto the {@code
 * QuarantineDecision} contract) with hysteresis (N alerts in an event-time window), de-duplication
 * (one incident, one decision), expiry, explicit release, cool-down and content-derived ids. {@link
 * io.warden.detectors.policy.PolicyEngine} is immutable and shared; each target's memory is a
 * bounded, serializable {@link io.warden.detectors.policy.PolicyState} meant for keyed state. Time
 * is always event time, passed in; there is no wall clock.
 */
package io.warden.detectors.policy;
