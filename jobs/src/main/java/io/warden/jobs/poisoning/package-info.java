/**
 * Poisoning detection on the feedback stream: labels, matched to their predictions by the
 * realised-performance join, judged per contributor in keyed state, around {@code
 * io.warden.detectors.poisoning}.
 */
package io.warden.jobs.poisoning;
