/**
 * Bring-your-own ONNX detectors in the monitor job ({@code models[].detectors.onnx}): {@link
 * io.warden.jobs.onnx.OnnxDetectors} holds the configured detectors, {@link
 * io.warden.jobs.onnx.OnnxScoringOperator} scores observation rows in micro-batches with ONNX
 * Runtime (flushed when full, after a maximum wait, before watermarks and checkpoint barriers) and
 * raises EVASION alerts, and {@link io.warden.jobs.onnx.OnnxStage} adds it to the graph.
 */
package io.warden.jobs.onnx;
