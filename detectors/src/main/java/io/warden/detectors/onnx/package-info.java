/**
 * Scoring ONNX models with ONNX Runtime: the engine of the per-request detectors that need a model
 * (bring-your-own detector models, built-in PCA/Mahalanobis graphs, feature squeezing, output
 * integrity).
 *
 * <p>{@link io.warden.detectors.onnx.ModelFile} pins a model file to its SHA-256 and refuses a file
 * that does not match; {@link io.warden.detectors.onnx.OnnxScorer} opens a session on the verified
 * bytes, binds one float input and one float output by name ({@link
 * io.warden.detectors.onnx.OnnxScorerSettings}) and scores batches of rows. All scorers of a JVM
 * share ONNX Runtime's one environment; each has its own session, threads set explicitly.
 *
 * <p>{@link io.warden.detectors.onnx.BuiltInDetectors} writes warden's own detectors (PCA
 * reconstruction error, squared Mahalanobis distance) as ONNX models fitted from a reference
 * profile, returned as {@link io.warden.detectors.onnx.ExportedModel}s that bind straight into a
 * scorer.
 */
package io.warden.detectors.onnx;
