/**
 * Confidence anomaly detection: the maximum softmax probability, entropy and margin of a
 * classifier's output ({@link io.warden.detectors.confidence.Confidence}), ranked against the
 * model's reference traffic ({@link io.warden.detectors.confidence.ConfidenceAnomalyDetector},
 * after Hendrycks &amp; Gimpel, ICLR 2017).
 */
package io.warden.detectors.confidence;
