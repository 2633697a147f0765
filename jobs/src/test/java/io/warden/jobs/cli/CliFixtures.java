package io.warden.jobs.cli;

import io.warden.jobs.demo.DemoProfile;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
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
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
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
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Configs and records for the CLI tests. */
final class CliFixtures {
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private static final Pattern TOPIC_LINE =
            Pattern.compile(
                    "^  (requests|responses|events|feedback|alerts|decisions|drift|performance|scores|dead-letter):"
                            + " (\\S+)",
                    Pattern.MULTILINE);

    private CliFixtures() {}

    /**
     * Writes the shipped example config (with its reference file) into {@code dir}, pointed at
     * {@code bootstrap}, every topic name prefixed with {@code prefix + "."}, checkpointing every
     * second and emitting scores.
     *
     * @return the config file
     */
    static Path writeConfig(Path dir, String bootstrap, String prefix) throws IOException {
        String yaml = resource("warden.example.yaml");
        yaml =
                yaml.replace("${env:WARDEN_BOOTSTRAP:-localhost:9092}", bootstrap)
                        .replace("checkpoint-interval: 10s", "checkpoint-interval: 1s")
                        .replace("emit-scores: false", "emit-scores: true");
        Matcher m = TOPIC_LINE.matcher(yaml);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(
                    out,
                    Matcher.quoteReplacement("  " + m.group(1) + ": " + prefix + "." + m.group(2)));
        }
        m.appendTail(out);
        Path file = dir.resolve("warden.yaml");
        Files.writeString(file, out.toString());
        Path reference = dir.resolve(DemoProfile.FILE);
        Files.createDirectories(reference.getParent());
        Files.writeString(reference, resource(DemoProfile.FILE));
        return file;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in =
                CliFixtures.class.getResourceAsStream("/io/warden/jobs/demo/" + name)) {
            if (in == null) {
                throw new IOException("resource io/warden/jobs/demo/" + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Tensor tensor(String name, List<Long> shape, List<Double> data) {
        return Tensor.newBuilder()
                .setName(name)
                .setDatatype(TensorDatatype.FP32)
                .setShape(shape)
                .setData(data)
                .setStringData(List.of())
                .build();
    }

    static InferenceRequest request(String id, int i) {
        return InferenceRequest.newBuilder()
                .setRequestId(id)
                .setEventTime(T0.plusMillis(10L * i))
                .setModelName("demo-classifier")
                .setModelVersion("1")
                .setClientId("client-" + (i % 3))
                .setAttributes(Map.of("region", "eu-west"))
                .setInputs(
                        List.of(
                                tensor(
                                        "input",
                                        List.of(1L, 8L),
                                        List.of(0.5, 1.25, -2.0, 0.0, 3.5, 0.25, -0.75, i + 0.5))))
                .build();
    }

    static InferenceResponse response(String id, int i) {
        return InferenceResponse.newBuilder()
                .setRequestId(id)
                .setEventTime(T0.plusMillis(10L * i + 4))
                .setModelName("demo-classifier")
                .setModelVersion("1")
                .setOutputs(
                        List.of(
                                tensor(
                                        "probabilities",
                                        List.of(1L, 4L),
                                        List.of(0.625, 0.125, 0.125, 0.125))))
                .setLatencyMs(4.0)
                .setAttributes(Map.of())
                .build();
    }

    static Alert alert() {
        return Alert.newBuilder()
                .setAlertId("alert-1")
                .setEventTime(T0)
                .setModelName("demo-classifier")
                .setModelVersion("1")
                .setKind(AlertKind.EXTRACTION)
                .setSeverity(Severity.HIGH)
                .setSubject(new Subject(SubjectType.CLIENT, "client-7"))
                .setSummary("query pattern like model extraction")
                .setScores(List.of(new DetectorScore("prada", 0.91, 0.8, 0.001, true)))
                .setEvidence(new Evidence(List.of("req-1", "req-2"), List.of(), Map.of()))
                .setAtlasTechnique("AML.T0024")
                .setWindow(new TimeWindow(T0.minusSeconds(60), T0))
                .setProfileId(null)
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSource(new SourceRef("inference.requests", 2, 41L, T0))
                .setKey(ByteBuffer.wrap("req-9".getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xff}))
                .setReasonCode(DeadLetterReason.UNDECODABLE)
                .setReason("neither Avro nor JSON")
                .setStage("decode")
                .setModelName(null)
                .setRequestId(null)
                .setEventTime(null)
                .build();
    }

    static ScoreRecord score() {
        return ScoreRecord.newBuilder()
                .setRequestId("req-3")
                .setEventTime(T0.plusMillis(250))
                .setModelName("demo-classifier")
                .setModelVersion("1")
                .setClientId("client-1")
                .setPredictedClass("bravo")
                .setScores(List.of(new DetectorScore("confidence.msp", 0.42, 0.5, 0.0004, true)))
                .setFlagged(true)
                .build();
    }

    static QuarantineDecision decision() {
        return QuarantineDecision.newBuilder()
                .setDecisionId("decision-1")
                .setEventTime(T0.plusSeconds(1))
                .setModelName("demo-classifier")
                .setTarget(new DecisionTarget(TargetType.CLIENT, "client-7"))
                .setAction(DecisionAction.BLOCK)
                .setReasons(List.of("alert-1"))
                .setSummary("extraction attempt")
                .setEffectiveFrom(T0.plusSeconds(1))
                .setExpiresAt(T0.plusSeconds(3601))
                .build();
    }

    static PerformanceReport performance() {
        return PerformanceReport.newBuilder()
                .setReportId("perf-1")
                .setModelName("demo-classifier")
                .setModelVersion("1")
                .setWindow(new TimeWindow(T0, T0.plusSeconds(3600)))
                .setLabelWaitMs(3_600_000L)
                .setPredictions(12345L)
                .setLabelled(4000L)
                .setCorrect(3480L)
                .setAccuracy(0.87)
                .setAccuracyLower(0.859)
                .setAccuracyUpper(0.880)
                .setReferenceAccuracy(0.95)
                .setMaxDrop(0.05)
                .setPValue(1e-6)
                .setJudged(true)
                .setDegraded(true)
                .build();
    }

    static DriftReport drift() {
        DriftStatistic psi = new DriftStatistic("psi", 0.31, null, 0.2, true);
        return DriftReport.newBuilder()
                .setReportId("drift-1")
                .setModelName("demo-classifier")
                .setModelVersion("1")
                .setWindow(new TimeWindow(T0, T0.plusSeconds(300)))
                .setProfileId(DemoProfile.ID)
                .setSampleCount(12345L)
                .setFeatures(
                        List.of(
                                new FeatureDrift(
                                        "f3",
                                        FeatureKind.NUMERIC,
                                        12345L,
                                        0.0,
                                        List.of(psi),
                                        true)))
                .setOverall(List.of(psi))
                .setCorrection("holm")
                .setDrifted(true)
                .build();
    }
}
