/**
 * Realised performance from feedback: labels on the feedback topic are joined to the predictions
 * they label ({@link io.warden.jobs.performance.LabelJoin}), counted per model version over windows
 * of the requests' event time ({@link io.warden.jobs.performance.PerformanceStage}), reported as
 * {@code PerformanceReport}s next to the reference accuracy, and a significant drop beyond the
 * tolerance becomes a PERFORMANCE alert ({@link io.warden.jobs.performance.PerformanceAlerting}).
 * The maths is in {@code io.warden.detectors.performance}.
 */
package io.warden.jobs.performance;
