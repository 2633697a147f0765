/**
 * The policy stage of the monitor job: alerts, keyed by their subject, through {@code
 * io.warden.detectors.policy.PolicyEngine} into {@code QuarantineDecision}s.
 */
package io.warden.jobs.policy;
