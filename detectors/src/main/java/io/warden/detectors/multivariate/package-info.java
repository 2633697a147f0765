/**
 * Multivariate drift: changes in the joint distribution of a model's inputs that per-feature tests
 * miss, such as a change of correlation with unchanged marginals.
 *
 * <ul>
 *   <li>{@link io.warden.detectors.multivariate.PcaDriftReference}: PCA reconstruction error, as
 *       NannyML computes it, with NannyML-style thresholds from reference chunks;
 *   <li>{@link io.warden.detectors.multivariate.Mmd}: the kernel two-sample test of Gretton et al.
 *       (JMLR 2012) with a permutation p-value;
 *   <li>their mergeable reference parts: {@link io.warden.detectors.multivariate.Covariance}
 *       (one-pass, exact merge) and {@link io.warden.detectors.multivariate.RowSample} (seeded
 *       reservoir, merge in distribution), gathered in {@link
 *       io.warden.detectors.multivariate.MultivariateReference}.
 * </ul>
 *
 * All randomness (reservoirs, chunk orders, permutations) is seeded SplitMix64: the same inputs
 * give the same results on every run.
 */
package io.warden.detectors.multivariate;
