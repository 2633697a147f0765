/**
 * Realised performance of a classifier once labels arrive: {@link
 * io.warden.detectors.performance.ClassificationCounts} counts labelled predictions (accuracy,
 * per-class recall and precision, expected calibration error) exactly and mergeably, and {@link
 * io.warden.detectors.performance.AccuracyJudgment} decides whether a window's accuracy has fallen
 * further below the reference's than the tolerance allows, with an exact binomial test so that a
 * small window does not raise an alarm on noise.
 */
package io.warden.detectors.performance;
