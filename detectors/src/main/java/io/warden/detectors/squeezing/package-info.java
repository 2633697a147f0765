/**
 * Feature squeezing (Xu, Evans &amp; Qi, "Feature Squeezing: Detecting Adversarial Examples in Deep
 * Neural Networks", NDSS 2018): the served model is run on squeezed copies of an input, and a large
 * change of its output betrays an adversarial example. The squeezers are pure array code; running
 * the model is left to the caller (in warden, ONNX Runtime).
 */
package io.warden.detectors.squeezing;
