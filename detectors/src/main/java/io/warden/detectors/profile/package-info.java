/**
 * Reference profiles: what a model's inputs and outputs looked like on reference data, the baseline
 * of every drift detector.
 *
 * <p>{@link io.warden.detectors.profile.ProfileBuilder} streams reference rows into bounded state
 * (KLL and frequent-items sketches, moments, seeded samples) and merges shards; {@link
 * io.warden.detectors.profile.ReferenceProfile} is the immutable result, with per-feature {@link
 * io.warden.detectors.profile.NumericFeatureProfile}s and {@link
 * io.warden.detectors.profile.CategoricalFeatureProfile}s, the model's {@link
 * io.warden.detectors.profile.PredictionProfile} and a {@link
 * io.warden.detectors.multivariate.MultivariateReference}; {@link
 * io.warden.detectors.profile.ProfileIo} writes and reads it as a versioned JSON file ({@value
 * io.warden.detectors.profile.ProfileIo#FORMAT}) whose bytes depend on the data only.
 */
package io.warden.detectors.profile;
