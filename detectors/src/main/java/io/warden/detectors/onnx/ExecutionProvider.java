package io.warden.detectors.onnx;

/** Where ONNX Runtime runs a model. */
public enum ExecutionProvider {
    /** ONNX Runtime's default CPU provider, in every build. */
    CPU,
    /**
     * NVIDIA CUDA, device 0: needs the {@code com.microsoft.onnxruntime:onnxruntime_gpu} artifact
     * (instead of {@code onnxruntime}) and a CUDA driver. Where it is not available, {@link
     * OnnxScorer} falls back to {@link #CPU} and logs one warning saying so.
     */
    CUDA
}
