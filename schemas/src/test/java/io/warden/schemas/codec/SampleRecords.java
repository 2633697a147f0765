package io.warden.schemas.codec;

import io.warden.schemas.AdversarialExample;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.ClassPerformance;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.DecisionAction;
import io.warden.schemas.DecisionTarget;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.DriftReport;
import io.warden.schemas.DriftStatistic;
import io.warden.schemas.Evidence;
import io.warden.schemas.FeatureDrift;
import io.warden.schemas.FeatureKind;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.ModelRollout;
import io.warden.schemas.PerformanceReport;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.Severity;
import io.warden.schemas.SourceRef;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import io.warden.schemas.TargetType;
import io.warden.schemas.Tensor;
import io.warden.schemas.TensorDatatype;
import io.warden.schemas.TimeWindow;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Records of every contract, fully populated and sparse, for round trips and fuzzing.
 *
 * <p>NaN appears only in list and nullable double fields: the equals() that Avro generates compares
 * primitive double fields with {@code !=}, so a record holding NaN in one is never equal to
 * anything, itself aside. {@code JsonCodecTest} checks NaN in such fields directly.
 */
final class SampleRecords {

    static final Instant T0 = Instant.parse("2024-05-01T12:00:00.123Z");
    static final Instant T1 = Instant.parse("2024-05-01T12:00:00.170Z");

    private SampleRecords() {}

    /** Every contract with every field set: nested records, maps, enums, NaN and infinities. */
    static List<SpecificRecord> full() {
        return List.of(
                request(),
                response(),
                event(),
                feedback(),
                alert(),
                decision(),
                driftReport(),
                scoreRecord(),
                deadLetter(),
                performanceReport(),
                modelRollout(),
                adversarialExample());
    }

    /** Every contract with nullable fields null, collections empty and defaults taken. */
    static List<SpecificRecord> sparse() {
        return List.of(
                InferenceRequest.newBuilder()
                        .setRequestId("r-min")
                        .setEventTime(T0)
                        .setModelName("m")
                        .setInputs(new ArrayList<>())
                        .build(),
                InferenceResponse.newBuilder()
                        .setRequestId("r-min")
                        .setEventTime(T0)
                        .setModelName("m")
                        .setOutputs(new ArrayList<>())
                        .build(),
                InferenceEvent.newBuilder()
                        .setRequestId("r-min")
                        .setEventTime(T0)
                        .setModelName("m")
                        .setInputs(new ArrayList<>())
                        .setOutputs(new ArrayList<>())
                        .build(),
                FeedbackRecord.newBuilder()
                        .setFeedbackId("f-min")
                        .setEventTime(T0)
                        .setModelName("m")
                        .setContributorId("c")
                        .setLabel("")
                        .build(),
                Alert.newBuilder()
                        .setAlertId("a-min")
                        .setEventTime(T0)
                        .setModelName("m")
                        .setKind(AlertKind.UNKNOWN)
                        .setSeverity(Severity.INFO)
                        .setSubject(new Subject(SubjectType.MODEL, "m"))
                        .setSummary("")
                        .setEvidence(Evidence.newBuilder().build())
                        .build(),
                QuarantineDecision.newBuilder()
                        .setDecisionId("d-min")
                        .setEventTime(T0)
                        .setTarget(new DecisionTarget(TargetType.CLIENT, "c"))
                        .setAction(DecisionAction.RELEASE)
                        .setEffectiveFrom(T0)
                        .build(),
                DriftReport.newBuilder()
                        .setReportId("dr-min")
                        .setModelName("m")
                        .setWindow(new TimeWindow(T0, T1))
                        .setSampleCount(0L)
                        .build(),
                ScoreRecord.newBuilder()
                        .setRequestId("r-min")
                        .setEventTime(T0)
                        .setModelName("m")
                        .build(),
                DeadLetter.newBuilder()
                        .setReason("")
                        .setStage("decode")
                        .setReasonCode(DeadLetterReason.UNKNOWN)
                        .build(),
                PerformanceReport.newBuilder()
                        .setReportId("pr-min")
                        .setModelName("m")
                        .setWindow(new TimeWindow(T0, T1))
                        .setLabelWaitMs(0L)
                        .setPredictions(0L)
                        .setLabelled(0L)
                        .setCorrect(0L)
                        .setReferenceAccuracy(0.9)
                        .setMaxDrop(0.05)
                        .setPValue(1.0)
                        .setJudged(false)
                        .build(),
                ModelRollout.newBuilder()
                        .setModelName("m")
                        .setDetector("d")
                        .setModelPath("d.onnx")
                        .setSha256("0".repeat(64))
                        .build(),
                AdversarialExample.newBuilder()
                        .setAlertId("a-min")
                        .setRequestId("r-min")
                        .setEventTime(T0)
                        .setModelName("m")
                        .build());
    }

    static Tensor features() {
        return Tensor.newBuilder()
                .setName("input-0")
                .setDatatype(TensorDatatype.FP32)
                .setShape(List.of(2L, 4L))
                .setData(
                        List.of(
                                6.8,
                                2.8,
                                Double.NaN,
                                1.4,
                                6.0,
                                Double.POSITIVE_INFINITY,
                                Double.NEGATIVE_INFINITY,
                                -0.0))
                .build();
    }

    static Tensor categories() {
        return Tensor.newBuilder()
                .setName("country")
                .setDatatype(TensorDatatype.BYTES)
                .setShape(List.of(2L))
                .setStringData(List.of("DE", "ünïcödé \"quoted\" \\ \n"))
                .build();
    }

    static Tensor probabilities() {
        return Tensor.newBuilder()
                .setName("probabilities")
                .setDatatype(TensorDatatype.FP64)
                .setShape(List.of(2L, 3L))
                .setData(List.of(0.1, 0.7, 0.2, 1e-300, 0.999999999, 3.0E-9))
                .build();
    }

    static Map<String, String> attributes() {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("tenant", "acme");
        attributes.put("region", "eu-west-1");
        attributes.put("user agent", "curl/8.5 \"quoted\"");
        return attributes;
    }

    static InferenceRequest request() {
        return InferenceRequest.newBuilder()
                .setRequestId("req-42")
                .setEventTime(T0)
                .setModelName("iris")
                .setModelVersion("3")
                .setClientId("api-key-7")
                .setAttributes(attributes())
                .setInputs(List.of(features(), categories()))
                .build();
    }

    static InferenceResponse response() {
        return InferenceResponse.newBuilder()
                .setRequestId("req-42")
                .setEventTime(T1)
                .setModelName("iris")
                .setModelVersion("3")
                .setOutputs(List.of(probabilities()))
                .setLatencyMs(47.25)
                .setAttributes(Map.of("node", "gpu-2"))
                .build();
    }

    static InferenceEvent event() {
        return InferenceEvent.newBuilder()
                .setRequestId("req-42")
                .setEventTime(T0)
                .setModelName("iris")
                .setModelVersion("3")
                .setClientId("api-key-7")
                .setAttributes(attributes())
                .setInputs(List.of(features(), categories()))
                .setOutputs(List.of(probabilities()))
                .setResponseTime(T1)
                .setLatencyMs(47.0)
                .build();
    }

    static FeedbackRecord feedback() {
        return FeedbackRecord.newBuilder()
                .setFeedbackId("fb-1")
                .setEventTime(T1)
                .setModelName("iris")
                .setModelVersion("3")
                .setRequestId("req-42")
                .setContributorId("annotator-9")
                .setLabel("versicolor")
                .setFeatures(List.of(features()))
                .setAttributes(Map.of("source", "crowd"))
                .build();
    }

    static Alert alert() {
        return Alert.newBuilder()
                .setAlertId("alert-7f3a")
                .setEventTime(T1)
                .setModelName("iris")
                .setModelVersion("3")
                .setKind(AlertKind.BLACKBOX_QUERY_ATTACK)
                .setSeverity(Severity.HIGH)
                .setSubject(new Subject(SubjectType.CLIENT, "api-key-7"))
                .setSummary("client api-key-7 sent 412 near-duplicate queries in 60 s")
                .setScores(
                        List.of(
                                new DetectorScore("blacklight", 412.0, 25.0, 1e-6, true),
                                new DetectorScore("prada", 0.71, 0.9, null, false)))
                .setEvidence(
                        new Evidence(
                                List.of("req-40", "req-41", "req-42"),
                                List.of("sepal_length"),
                                Map.of("hash_collisions", "412", "window", "60s")))
                .setAtlasTechnique("AML.T0043")
                .setWindow(new TimeWindow(T0, T1))
                .setProfileId("iris-ref-2024-04")
                .build();
    }

    static QuarantineDecision decision() {
        return QuarantineDecision.newBuilder()
                .setDecisionId("dec-1")
                .setEventTime(T1)
                .setModelName("iris")
                .setTarget(new DecisionTarget(TargetType.CLIENT, "api-key-7"))
                .setAction(DecisionAction.THROTTLE)
                .setReasons(List.of("alert-7f3a"))
                .setSummary("throttle after 3 alerts in 10 min")
                .setEffectiveFrom(T1)
                .setExpiresAt(Instant.parse("2024-05-01T13:00:00Z"))
                .build();
    }

    static DriftReport driftReport() {
        DriftStatistic psi = new DriftStatistic("psi", 0.31, null, 0.2, true);
        DriftStatistic ks = new DriftStatistic("ks", 0.12, 0.003, 0.01, true);
        return DriftReport.newBuilder()
                .setReportId("drift-1")
                .setModelName("iris")
                .setModelVersion("3")
                .setWindow(new TimeWindow(T0, T1))
                .setProfileId("iris-ref-2024-04")
                .setSampleCount(5000L)
                .setFeatures(
                        List.of(
                                new FeatureDrift(
                                        "sepal_length",
                                        FeatureKind.NUMERIC,
                                        5000L,
                                        0.001,
                                        List.of(psi, ks),
                                        true),
                                new FeatureDrift(
                                        "country",
                                        FeatureKind.CATEGORICAL,
                                        4990L,
                                        0.002,
                                        List.of(),
                                        false)))
                .setOverall(List.of(new DriftStatistic("mmd", 0.05, 0.2, 0.01, false)))
                .setCorrection("benjamini-hochberg")
                .setDrifted(true)
                .build();
    }

    static PerformanceReport performanceReport() {
        return PerformanceReport.newBuilder()
                .setReportId("perf-1")
                .setModelName("iris")
                .setModelVersion("3")
                .setWindow(new TimeWindow(T0, T1))
                .setLabelWaitMs(3_600_000L)
                .setPredictions(5000L)
                .setLabelled(1200L)
                .setCorrect(1020L)
                .setAccuracy(0.85)
                .setAccuracyLower(0.829)
                .setAccuracyUpper(0.869)
                .setReferenceAccuracy(0.93)
                .setMaxDrop(0.05)
                .setPValue(1.2e-5)
                .setJudged(true)
                .setDegraded(true)
                .setExpectedCalibrationError(0.08)
                .setReferenceCalibrationError(0.03)
                .setMeanConfidence(0.91)
                .setClasses(
                        List.of(
                                new ClassPerformance("setosa", 400L, 410L, 398L, 0.995, 0.971),
                                new ClassPerformance("virginica", 0L, 3L, 0L, null, 0.0)))
                .build();
    }

    static ScoreRecord scoreRecord() {
        return ScoreRecord.newBuilder()
                .setRequestId("req-42")
                .setEventTime(T0)
                .setModelName("iris")
                .setModelVersion("3")
                .setClientId("api-key-7")
                .setPredictedClass("versicolor")
                .setScores(List.of(new DetectorScore("confidence.msp", 0.4, 0.5, 0.02, true)))
                .setFlagged(true)
                .build();
    }

    static ModelRollout modelRollout() {
        return ModelRollout.newBuilder()
                .setModelName("iris")
                .setModelVersion("3")
                .setDetector("served-model")
                .setModelPath("/models/iris-v4.onnx")
                .setSha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                .build();
    }

    static AdversarialExample adversarialExample() {
        return AdversarialExample.newBuilder()
                .setAlertId("3f1c2b")
                .setRequestId("req-42")
                .setRow(2)
                .setEventTime(T0)
                .setModelName("iris")
                .setModelVersion("3")
                .setClientId("api-key-7")
                .setFeatureNames(List.of("sepal_length", "petal_width"))
                .setFeatures(List.of(5.1, Double.NaN))
                .setOutput(List.of(0.1, 0.85, Double.NEGATIVE_INFINITY))
                .setScores(
                        List.of(
                                new DetectorScore("onnx.pca", 4.2, 0.01, 0.004, true),
                                new DetectorScore(
                                        "onnx.evasion-ensemble", 11.3, 0.01, 0.002, true)))
                .setDetectorModels(Map.of("onnx.pca", "ab".repeat(32)))
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSource(new SourceRef("inference.requests", 3, 123456789012L, T0))
                .setKey(ByteBuffer.wrap("req-42".getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 0, -1, 127, 42}))
                .setReasonCode(DeadLetterReason.UNDECODABLE)
                .setReason("inputs[0].shape: expected an array of integers, got \"abc\"")
                .setStage("decode")
                .setModelName("iris")
                .setRequestId("req-42")
                .setEventTime(T0)
                .build();
    }
}
