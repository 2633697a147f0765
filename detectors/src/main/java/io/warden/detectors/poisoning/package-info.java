/**
 * Poisoning detection on the feedback stream, per contributor and per class. {@link
 * io.warden.detectors.poisoning.ContributorMonitor} finds label flippers (disagreement with the
 * model and with other contributors, concentration on one class pair; Paudice et al. 2018) and
 * keeps a bounded {@link io.warden.detectors.poisoning.ContributorState} per contributor, against
 * fixed expected rates or a {@link io.warden.detectors.poisoning.PopulationState}. {@link
 * io.warden.detectors.poisoning.ClassConditionalOutliers} scores one labelled sample by its
 * Mahalanobis distance to its given class's reference distribution, with a conformal p-value.
 * {@link io.warden.detectors.poisoning.SpectralSignatures} (Tran, Li &amp; Madry, NeurIPS 2018)
 * finds a backdoored subset in a window of one class's samples. Detectors are immutable and shared;
 * per-key data lives in small serializable state objects meant for keyed state.
 */
package io.warden.detectors.poisoning;
