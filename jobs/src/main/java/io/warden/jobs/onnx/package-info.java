/**
 * Bring-your-own ONNX detectors in the monitor job ({@code models[].detectors.onnx}): {@link
 * io.warden.jobs.onnx.OnnxDetectors} holds the configured detectors, {@link
 * io.warden.jobs.onnx.OnnxScoringOperator} scores observation rows in micro-batches with ONNX
 * Runtime (flushed when full, after a maximum wait, before watermarks and checkpoint barriers) and
 * raises EVASION alerts, and {@link io.warden.jobs.onnx.OnnxStage} adds it to the graph. A built-in
 * detector ({@code builtin: pca | mahalanobis}) is exported from the model's profile by {@link
 * io.warden.jobs.onnx.OnnxDetectors#from} and then runs as a bring-your-own one. New model versions
 * are rolled in from the control topic while the job runs ({@link
 * io.warden.jobs.onnx.ModelRolloutDeserializer}, {@link io.warden.jobs.onnx.ModelRoll}; see
 * docs/onnx-models.md).
 */
package io.warden.jobs.onnx;
