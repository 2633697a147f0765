package io.warden.jobs.monitor;

import io.warden.jobs.config.KafkaSettings;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.ConfidenceSettings;
import io.warden.jobs.config.ModelSpec.FeatureSpec;
import io.warden.jobs.config.ModelSpec.OutputSpec;
import io.warden.jobs.config.ModelSpec.OutputType;
import io.warden.jobs.config.ModelSpec.ReferenceSamples;
import io.warden.jobs.config.WardenConfig;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.Tensor;
import io.warden.schemas.TensorDatatype;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small hand-made records and configs for unit tests of the monitor job's parts. */
final class TestTraffic {
    static final String MODEL = "iris";

    private TestTraffic() {}

    /** A 4-feature, 3-class model with an inline confidence reference. */
    static WardenConfig config(OutputType type) {
        ModelSpec model =
                new ModelSpec(
                        MODEL,
                        null,
                        null,
                        null,
                        new FeatureSpec("input", List.of("a", "b", "c", "d"), null),
                        new OutputSpec("probabilities", type, List.of("x", "y", "z")),
                        new ModelSpec.DetectorSettings(
                                new ConfidenceSettings(
                                        true,
                                        0.01,
                                        null,
                                        new ReferenceSamples(
                                                List.of(0.9, 0.95, 0.99, 0.97),
                                                List.of(0.1, 0.2, 0.05, 0.15),
                                                List.of(0.8, 0.9, 0.98, 0.95)),
                                        null),
                                null,
                                null));
        return new WardenConfig(
                new KafkaSettings("localhost:9092", null, null, null, null, Map.of()),
                null,
                null,
                null,
                List.of(model));
    }

    static Tensor tensor(String name, List<Long> shape, double... values) {
        List<Double> data = new ArrayList<>();
        for (double v : values) {
            data.add(v);
        }
        return Tensor.newBuilder()
                .setName(name)
                .setDatatype(TensorDatatype.FP32)
                .setShape(shape)
                .setData(data)
                .setStringData(List.of())
                .build();
    }

    static InferenceRequest request(String id, long time, Tensor... inputs) {
        return InferenceRequest.newBuilder()
                .setRequestId(id)
                .setEventTime(Instant.ofEpochMilli(time))
                .setModelName(MODEL)
                .setModelVersion("1")
                .setClientId("client-1")
                .setAttributes(Map.of())
                .setInputs(List.of(inputs))
                .build();
    }

    static InferenceRequest request(String id, long time) {
        return request(id, time, tensor("input", List.of(1L, 4L), 1, 2, 3, 4));
    }

    static InferenceResponse response(String id, long time, Tensor... outputs) {
        return InferenceResponse.newBuilder()
                .setRequestId(id)
                .setEventTime(Instant.ofEpochMilli(time))
                .setModelName(MODEL)
                .setModelVersion("1")
                .setOutputs(List.of(outputs))
                .setLatencyMs(4.0)
                .setAttributes(Map.of())
                .build();
    }

    static InferenceResponse response(String id, long time) {
        return response(id, time, tensor("probabilities", List.of(1L, 3L), 0.9, 0.05, 0.05));
    }
}
