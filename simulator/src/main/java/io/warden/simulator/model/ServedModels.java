package io.warden.simulator.model;

import io.warden.simulator.data.Datasets;
import io.warden.simulator.data.FeatureBox;
import java.util.List;

/**
 * The simulator's served models, the models warden's demo and tests monitor and attack. Both are
 * {@link Mlp}s trained by {@link TrainServedModels} (mini-batch Adam, fixed seeds) on a seeded
 * stratified 75/25 split of a vendored data set, exported to ONNX and committed with the SHA-256
 * pins below; {@code docs/served-models.md} has their architectures, settings and test accuracies.
 */
public final class ServedModels {

    /**
     * The 8x8 digits classifier: pixels divided by 16, 64 &rarr; 32 ReLU &rarr; 10 softmax. Valid
     * inputs: every pixel in 0..16.
     */
    public static final ServedModel DIGITS =
            new ServedModel(
                    "digits-mlp",
                    "c062284d9d0350320865ed47e6d2e7732acf6598ba048b7d23c6e258a71e04ed",
                    Datasets.DIGITS_FILE + " sha256 " + Datasets.DIGITS_SHA256,
                    Datasets::digits,
                    train ->
                            Standardization.uniform(
                                    train.featureCount(), 0, Datasets.DIGITS_MAX_PIXEL),
                    data -> Datasets.digitsBox(),
                    train -> Standardization.uniform(train.featureCount(), 0, 1).scale(),
                    new TrainingSettings(32, 60, 32, 0.003, 1e-4, 7L));

    /**
     * The breast-cancer classifier: z-scores fitted on the training split, 30 &rarr; 16 ReLU &rarr;
     * 2 softmax. Valid inputs: each feature between its minimum and maximum in the data set.
     */
    public static final ServedModel BREAST_CANCER =
            new ServedModel(
                    "breast-cancer-mlp",
                    "0e0b50d7dc6ee68db6cc29c478a500337d63b28d7e5e8a73d0dad5c624860e2b",
                    Datasets.BREAST_CANCER_FILE + " sha256 " + Datasets.BREAST_CANCER_SHA256,
                    Datasets::breastCancer,
                    Standardization::zScore,
                    FeatureBox::of,
                    train -> Standardization.zScore(train).scale(),
                    new TrainingSettings(16, 100, 16, 0.002, 1e-3, 11L));

    private ServedModels() {}

    /** Both served models. */
    public static List<ServedModel> all() {
        return List.of(DIGITS, BREAST_CANCER);
    }
}
