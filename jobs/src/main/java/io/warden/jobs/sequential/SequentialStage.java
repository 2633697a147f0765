package io.warden.jobs.sequential;

import io.warden.jobs.config.InputSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.drift.Observation;
import io.warden.schemas.Alert;
import java.time.Duration;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The sequential part of the monitor graph: the observations of models with sequential detection
 * on, keyed by model version, through {@link SequentialDetection}.
 */
public final class SequentialStage {
    private SequentialStage() {}

    /**
     * Adds sequential detection for the models that have it on.
     *
     * @return the DRIFT alerts it raises
     * @throws IllegalArgumentException if no model has sequential detection on
     */
    public static DataStream<Alert> build(
            WardenConfig config, SequentialModels models, DataStream<Observation> observations) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no model has sequential detection on");
        }
        return observations
                .filter(o -> models.find(o.modelName, o.modelVersion) != null)
                .name("sequential-models")
                .uid("sequential-models")
                .keyBy(o -> o.modelKey)
                .process(new SequentialDetection(models, wait(config.input())))
                .name("sequential-detection")
                .uid("sequential-detection");
    }

    /**
     * How long after a row's event time every row up to it has reached the detectors: the join
     * timeout for split input (a pair completes at most that long after its request); zero for
     * combined input, whose rows carry their own record's time.
     */
    static Duration wait(InputSettings input) {
        return input.mode() == InputSettings.Mode.SPLIT ? input.joinTimeout() : Duration.ZERO;
    }
}
