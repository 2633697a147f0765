/**
 * The simulator's served models: {@link io.warden.simulator.model.Mlp}, a one-hidden-layer
 * perceptron with its input standardization, forward pass, input gradient and ONNX export; {@link
 * io.warden.simulator.model.MlpTrainer}, seeded mini-batch Adam; {@link
 * io.warden.simulator.model.ServedModels}, the two committed ONNX models with their SHA-256 pins,
 * and {@link io.warden.simulator.model.TrainServedModels}, which regenerates them.
 */
package io.warden.simulator.model;
