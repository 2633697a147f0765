/**
 * Types shared by every detector: the {@link io.warden.detectors.core.DetectorResult} value a
 * detector returns and the {@link io.warden.detectors.core.Direction} of a score's anomalous tail.
 */
package io.warden.detectors.core;
