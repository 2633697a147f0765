/**
 * Calibration: turning a detector's raw score into a p-value against reference data, so that one
 * threshold means one false-positive rate whatever the score's units.
 */
package io.warden.detectors.calibration;
