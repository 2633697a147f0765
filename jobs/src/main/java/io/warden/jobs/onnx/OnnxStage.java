package io.warden.jobs.onnx;

import io.warden.jobs.drift.Observation;
import io.warden.schemas.AdversarialExample;
import io.warden.schemas.Alert;
import io.warden.schemas.ModelRollout;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Adds bring-your-own ONNX detection to the monitor graph: the observation rows go, without a
 * shuffle, through {@link OnnxScoringOperator}, which scores them in micro-batches. With a control
 * stream, its roll-out records are broadcast to every scoring subtask (see {@link
 * OnnxScoringOperator} on rolling in models).
 */
public final class OnnxStage {
    private OnnxStage() {}

    /**
     * @param scores one per row and detector
     * @param alerts EVASION alerts of the flagged rows
     * @param adversarialExamples the rows behind the EVASION alerts, when asked for; else empty
     */
    public record Result(
            DataStream<OnnxScore> scores,
            DataStream<Alert> alerts,
            DataStream<AdversarialExample> adversarialExamples) {}

    /** Scores the rows of the models with ONNX detectors; rows of other models pass unscored. */
    public static Result build(OnnxDetectors detectors, DataStream<Observation> observations) {
        return build(detectors, observations, null, false);
    }

    /**
     * Scores the rows of the models with ONNX detectors, rolling in the models that {@code control}
     * names.
     *
     * @param control roll-out records, or null for none (the configured models serve throughout)
     * @param adversarialExamples whether the rows behind EVASION alerts are wanted
     */
    public static Result build(
            OnnxDetectors detectors,
            DataStream<Observation> observations,
            DataStream<ModelRollout> control,
            boolean adversarialExamples) {
        OnnxScoringOperator operator = new OnnxScoringOperator(detectors, adversarialExamples);
        TypeInformation<OnnxScore> type = TypeInformation.of(OnnxScore.class);
        SingleOutputStreamOperator<OnnxScore> scored =
                control == null
                        ? observations.transform("score-onnx", type, operator)
                        : observations
                                .connect(control.broadcast())
                                .transform("score-onnx", type, operator);
        scored.uid("score-onnx");
        return new Result(
                scored,
                scored.getSideOutput(OnnxScoringOperator.ALERTS),
                scored.getSideOutput(OnnxScoringOperator.ADVERSARIAL_EXAMPLES));
    }
}
