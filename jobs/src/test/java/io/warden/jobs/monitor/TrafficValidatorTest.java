package io.warden.jobs.monitor;

import static io.warden.jobs.monitor.TestTraffic.request;
import static io.warden.jobs.monitor.TestTraffic.response;
import static io.warden.jobs.monitor.TestTraffic.tensor;
import static org.assertj.core.api.Assertions.assertThat;

import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.OutputType;
import io.warden.jobs.monitor.TrafficValidator.Rejection;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.Tensor;
import io.warden.schemas.TensorDatatype;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficValidatorTest {
    private final TrafficValidator probabilities =
            new TrafficValidator(TestTraffic.config(OutputType.PROBABILITIES));
    private static final ModelSpec SPEC =
            TestTraffic.config(OutputType.PROBABILITIES).models().get(0);
    private final TrafficValidator logits =
            new TrafficValidator(TestTraffic.config(OutputType.LOGITS));

    @Test
    void shouldAcceptWellFormedRecords() {
        assertThat(probabilities.checkRequest(request("r1", 0))).isNull();
        assertThat(probabilities.checkResponse(response("r1", 0))).isNull();
        assertThat(
                        probabilities.checkEvent(
                                RequestResponseJoin.join(request("r1", 0), response("r1", 5))))
                .isNull();
    }

    @Test
    void shouldAcceptABatchAndASampleWithoutBatchDimension() {
        InferenceRequest batch =
                request("r", 0, tensor("input", List.of(2L, 4L), 1, 2, 3, 4, 5, 6, 7, 8));
        InferenceRequest flat = request("r", 0, tensor("input", List.of(4L), 1, 2, 3, 4));
        assertThat(probabilities.checkRequest(batch)).isNull();
        assertThat(probabilities.checkRequest(flat)).isNull();
    }

    @Test
    void shouldRejectAnUnknownModelNamingTheConfiguredOnes() {
        InferenceRequest r = request("r", 0);
        r.setModelName("resnet");
        Rejection why = probabilities.checkRequest(r);
        assertThat(why.code()).isEqualTo(DeadLetterReason.UNKNOWN_MODEL);
        assertThat(why.reason()).contains("'resnet'").contains("[iris]");
    }

    @Test
    void shouldRejectAMissingFeatureTensor() {
        Rejection why =
                probabilities.checkRequest(
                        request("r", 0, tensor("pixels", List.of(1L, 4L), 1, 2, 3, 4)));
        assertThat(why.code()).isEqualTo(DeadLetterReason.INVALID);
        assertThat(why.reason()).isEqualTo("inputs: no tensor named 'input' (found [pixels])");
    }

    @Test
    void shouldRejectDataThatDoesNotFillTheShape() {
        Rejection why =
                probabilities.checkRequest(
                        request("r", 0, tensor("input", List.of(1L, 4L), 1, 2, 3)));
        assertThat(why.reason())
                .isEqualTo("inputs.input: shape [1, 4] holds 4 values but data has 3");
    }

    @Test
    void shouldRejectAShapeThatDoesNotFitTheConfig() {
        Rejection why =
                probabilities.checkRequest(
                        request("r", 0, tensor("input", List.of(1L, 5L), 1, 2, 3, 4, 5)));
        assertThat(why.reason()).contains("shape [1, 5] does not fit the configured [4]");
    }

    @Test
    void shouldRejectNaNAndInfinityNamingTheFirstIndex() {
        Rejection why =
                probabilities.checkRequest(
                        request(
                                "r",
                                0,
                                tensor(
                                        "input",
                                        List.of(1L, 4L),
                                        1,
                                        Double.NaN,
                                        3,
                                        Double.POSITIVE_INFINITY)));
        assertThat(why.code()).isEqualTo(DeadLetterReason.INVALID);
        assertThat(why.reason())
                .isEqualTo("inputs.input: 2 value(s) are NaN or infinite (first at index 1)");
    }

    @Test
    void shouldRejectBytesTensorsAsFeatures() {
        var t = tensor("input", List.of(1L, 4L), 1, 2, 3, 4);
        t.setDatatype(TensorDatatype.BYTES);
        assertThat(probabilities.checkRequest(request("r", 0, t)).reason())
                .contains("datatype BYTES");
    }

    @Test
    void shouldRejectProbabilityRowsThatDoNotSumToOne() {
        Rejection why =
                probabilities.checkResponse(
                        response("r", 0, tensor("probabilities", List.of(1L, 3L), 0.5, 0.2, 0.2)));
        assertThat(why.reason())
                .contains("row 0 sums to 0.900000")
                .contains("output.type is probabilities");
    }

    @Test
    void shouldRejectNegativeProbabilitiesButAcceptNegativeLogits() {
        var out = tensor("probabilities", List.of(1L, 3L), -0.5, 1.0, 0.5);
        assertThat(probabilities.checkResponse(response("r", 0, out)).reason())
                .contains("not a probability");
        assertThat(logits.checkResponse(response("r", 0, out))).isNull();
    }

    @Test
    void shouldRejectAnEventWhoseBatchSizesDisagree() {
        var req = request("r", 0, tensor("input", List.of(2L, 4L), 1, 2, 3, 4, 5, 6, 7, 8));
        var event = RequestResponseJoin.join(req, response("r", 1));
        assertThat(probabilities.checkEvent(event).reason())
                .isEqualTo(
                        "the request has 2 rows of features but the response has 1 rows of outputs");
    }

    @Test
    void shouldRejectAnEmptyRequestId() {
        assertThat(probabilities.checkRequest(request(" ", 0)).reason())
                .isEqualTo("request_id is empty");
    }

    private static io.warden.schemas.FeedbackRecord ownFeedback(Tensor... features) {
        return FeedbackRecord.newBuilder()
                .setFeedbackId("f1")
                .setEventTime(Instant.EPOCH)
                .setModelName("iris")
                .setContributorId("u1")
                .setLabel(SPEC.output().classes().get(1))
                .setFeatures(List.of(features))
                .build();
    }

    @Test
    void shouldAcceptAFeedbackRecordWithOneSampleOfItsOwnAndReadItsFeatures() {
        var f = ownFeedback(tensor("input", List.of(1L, 4L), 1, 2, 3, 4));
        assertThat(probabilities.checkFeedback(f)).isNull();
        assertThat(TrafficValidator.ownFeatures(f, SPEC)).containsExactly(1, 2, 3, 4);
        var joined = ownFeedback(tensor("input", List.of(1L, 4L), 1, 2, 3, 4));
        joined.setRequestId("r1");
        assertThat(TrafficValidator.ownFeatures(joined, SPEC))
                .as("a joined record's features are the request's")
                .isNull();
    }

    @Test
    void shouldRejectAFeedbackRecordWhoseOwnFeaturesAreNotOneValidSample() {
        Rejection batch =
                probabilities.checkFeedback(
                        ownFeedback(tensor("input", List.of(2L, 4L), 1, 2, 3, 4, 5, 6, 7, 8)));
        assertThat(batch.code()).isEqualTo(DeadLetterReason.INVALID);
        assertThat(batch.reason())
                .isEqualTo(
                        "features: a feedback record labels one sample, but its tensor holds 2 rows");
        Rejection nan =
                probabilities.checkFeedback(
                        ownFeedback(tensor("input", List.of(4L), 1, Double.NaN, 3, 4)));
        assertThat(nan.reason()).contains("NaN or infinite");
        Rejection shape =
                probabilities.checkFeedback(ownFeedback(tensor("input", List.of(3L), 1, 2, 3)));
        assertThat(shape.reason()).contains("does not fit the configured [4]");
    }
}
