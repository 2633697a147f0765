/**
 * Sequential change detectors for fast alarms on per-request signals (confidence, entropy, anomaly
 * scores, feature values): each reads one value at a time and says at once whether the stream's
 * mean has changed, without waiting for a window to close. All implement the small {@link
 * io.warden.detectors.sequential.ChangeDetector} contract with explicit, snapshottable state:
 * {@link io.warden.detectors.sequential.Adwin} (Bifet &amp; Gavaldà, SDM 2007) and {@link
 * io.warden.detectors.sequential.PageHinkley} (Page 1954; Hinkley 1971). {@link
 * io.warden.detectors.sequential.DetectionDelay} measures delay and false alarms on streams with a
 * known change.
 */
package io.warden.detectors.sequential;
