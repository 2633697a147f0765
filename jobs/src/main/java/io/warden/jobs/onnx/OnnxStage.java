package io.warden.jobs.onnx;

import io.warden.jobs.drift.Observation;
import io.warden.schemas.Alert;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Adds bring-your-own ONNX detection to the monitor graph: the observation rows go, without a
 * shuffle, through {@link OnnxScoringOperator}, which scores them in micro-batches.
 */
public final class OnnxStage {
    private OnnxStage() {}

    /**
     * @param scores one per row and detector
     * @param alerts EVASION alerts of the flagged rows
     */
    public record Result(DataStream<OnnxScore> scores, DataStream<Alert> alerts) {}

    /** Scores the rows of the models with ONNX detectors; rows of other models pass unscored. */
    public static Result build(OnnxDetectors detectors, DataStream<Observation> observations) {
        SingleOutputStreamOperator<OnnxScore> scored =
                observations
                        .transform(
                                "score-onnx",
                                TypeInformation.of(OnnxScore.class),
                                new OnnxScoringOperator(detectors))
                        .uid("score-onnx");
        return new Result(scored, scored.getSideOutput(OnnxScoringOperator.ALERTS));
    }
}
