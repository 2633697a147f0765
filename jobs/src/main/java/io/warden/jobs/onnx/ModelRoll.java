package io.warden.jobs.onnx;

/**
 * A model rolled into one ONNX detector, as the scoring operator keeps it in broadcast state (a
 * Flink POJO), so that a job restored from a checkpoint or savepoint serves it again.
 */
public class ModelRoll {
    /** The {@code detector} of a roll-out record that rolls in a model's served model. */
    public static final String SERVED_MODEL = "served-model";

    /** The rolled-in ONNX file. */
    public String modelPath;

    /** Its verified SHA-256. */
    public String sha256;

    /**
     * The SHA-256 that the config pinned for the detector when the model was rolled in. A restored
     * job whose config pins another file since (the operator has edited the config) serves the
     * config's file: the later decision wins.
     */
    public String configSha256;

    public ModelRoll() {}

    ModelRoll(String modelPath, String sha256, String configSha256) {
        this.modelPath = modelPath;
        this.sha256 = sha256;
        this.configSha256 = configSha256;
    }
}
