/**
 * Univariate drift statistics: a window of live traffic against a reference, per feature, on plain
 * arrays and on Apache DataSketches KLL sketches (the form both sides take in the streaming job).
 *
 * <ul>
 *   <li>{@link io.warden.detectors.drift.Psi}: Population Stability Index over bins;
 *   <li>{@link io.warden.detectors.drift.JensenShannon}: Jensen-Shannon distance (base 2);
 *   <li>{@link io.warden.detectors.drift.Wasserstein}: 1-Wasserstein distance, raw and normalised
 *       by the reference's standard deviation;
 *   <li>{@link io.warden.detectors.drift.KolmogorovSmirnov}: two-sample KS test, exact or
 *       asymptotic on samples, with a rank-error-discounted variant on sketches;
 *   <li>{@link io.warden.detectors.drift.ChiSquared}: goodness of fit and homogeneity for counts;
 *   <li>{@link io.warden.detectors.drift.MultipleTesting}: Bonferroni, Holm, Benjamini-Hochberg
 *       across features;
 *   <li>{@link io.warden.detectors.drift.Bins}: equal-frequency bin edges and bin proportions.
 * </ul>
 *
 * The call a streaming job makes per feature and window is {@link
 * io.warden.detectors.drift.UnivariateDrift}: a window sketch against a {@link
 * io.warden.detectors.drift.NumericReference}, or window counts against a {@link
 * io.warden.detectors.drift.CategoricalReference}, judged against {@link
 * io.warden.detectors.drift.DriftThresholds}; its {@link
 * io.warden.detectors.drift.UnivariateDriftResult} holds one {@link
 * io.warden.detectors.drift.DriftStatistic} per statistic, shaped like the {@code DriftStatistic}
 * record of the {@code DriftReport} contract.
 *
 * <p>Each class cites its source and states its defaults, thresholds and, for sketches, its error.
 * Every statistic is tested against SciPy/NumPy/statsmodels values (a committed fixture with the
 * script that made it) and its sketch form against the exact form on the same data.
 */
package io.warden.detectors.drift;
