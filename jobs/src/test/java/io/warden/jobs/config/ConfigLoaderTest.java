package io.warden.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.jobs.config.KafkaSettings.Delivery;
import io.warden.schemas.Severity;
import io.warden.schemas.codec.InputFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir Path dir;

    private static final String MODEL =
            """
            models:
              - name: digits
                features: {tensor: input, shape: [8, 8]}
                output: {tensor: probabilities, type: probabilities, classes: ["a", "b", "c"]}
                detectors:
                  confidence: {alpha: 0.01, reference-file: ref.json}
            """;

    @BeforeEach
    void writeReference() throws IOException {
        // 300 values each: enough for the models' alpha 0.01 (smallest p-value 1/301 <= alpha/3).
        StringBuilder msp = new StringBuilder();
        StringBuilder entropy = new StringBuilder();
        StringBuilder margin = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            String sep = i == 0 ? "" : ", ";
            msp.append(sep).append(0.5 + i / 1000.0);
            entropy.append(sep).append(0.1 + i / 1000.0);
            margin.append(sep).append(0.2 + i / 1000.0);
        }
        Files.writeString(
                dir.resolve("ref.json"),
                "{\"id\": \"ref-1\", \"confidence\": {\"msp\": ["
                        + msp
                        + "], \"entropy\": ["
                        + entropy
                        + "], \"margin\": ["
                        + margin
                        + "]}}\n");
    }

    private WardenConfig load(String yaml) throws IOException {
        return load(yaml, Map.of());
    }

    private WardenConfig load(String yaml, Map<String, String> env) throws IOException {
        Path file = dir.resolve("warden.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, env);
    }

    private static String kafka() {
        return "kafka:\n  bootstrap-servers: localhost:9092\n";
    }

    @Test
    void shouldLoadMinimalConfigWithDefaults() throws IOException {
        WardenConfig c = load(kafka() + MODEL);

        assertThat(c.kafka().delivery()).isEqualTo(Delivery.EXACTLY_ONCE);
        assertThat(c.kafka().groupId()).isEqualTo("warden-monitor");
        assertThat(c.topics().alerts()).isEqualTo("warden.alerts");
        assertThat(c.topics().deadLetter()).isEqualTo("warden.deadletter");
        assertThat(c.input().format()).isEqualTo(InputFormat.AUTO);
        assertThat(c.input().joinTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.job().checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        ModelSpec m = c.model("digits", "7").orElseThrow();
        assertThat(m.features().width()).isEqualTo(64);
        assertThat(m.detectors().confidence().severity()).isEqualTo(Severity.LOW);
        assertThat(m.detectors().confidence().referenceFile())
                .isEqualTo(dir.resolve("ref.json").toString());
    }

    @Test
    void shouldLoadTheShippedAnnotatedExample() throws IOException {
        Path example = Path.of("..", "deploy", "warden.example.yaml");
        WardenConfig c = ConfigLoader.load(example, Map.of());

        assertThat(c.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.models()).hasSize(1);
        assertThat(c.models().get(0).output().classes()).hasSize(4);
        assertThat(c.models().get(0).detectors().sequential().signals())
                .containsExactly("msp", "f1", "f2", "f5", "f6");
    }

    @Test
    void shouldNameDuplicateSequentialSignalsAndFeatureSignalsWithoutAProfile() {
        String yaml = kafka() + MODEL + "      sequential: {signals: [msp, x_0_1, msp, nope]}\n";
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining(
                        "models[0].detectors.sequential.signals: duplicate signals [msp]")
                .hasMessageContaining(
                        "models[0].detectors.sequential.signals: feature signal(s) [x_0_1] need the"
                                + " model's reference profile")
                .hasMessageContaining("'nope' is neither msp, entropy, margin nor a feature name");
    }

    @Test
    void shouldNameAnAlphaTheConfidenceReferenceIsTooSmallFor() {
        String yaml =
                kafka()
                        + MODEL.replace(
                                "confidence: {alpha: 0.01, reference-file: ref.json}",
                                "confidence: {alpha: 0.001, reference-file: ref.json}");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining(
                        "models[0].detectors.confidence.alpha: the msp reference holds 300 values,"
                                + " so its smallest p-value 1/301 is above alpha/3");
    }

    @Test
    void shouldLoadPerformanceSettingsWithTheirDefaults() throws IOException {
        String yaml = kafka() + MODEL + "      performance: {reference-accuracy: 0.93}\n";
        WardenConfig c = load(yaml);
        ModelSpec.PerformanceSettings p = c.models().get(0).detectors().performance();
        assertThat(p.window()).isEqualTo(Duration.ofHours(1));
        assertThat(p.labelWait()).isEqualTo(Duration.ofHours(1));
        assertThat(p.maxDrop()).isEqualTo(0.05);
        assertThat(p.alpha()).isEqualTo(0.01);
        assertThat(p.minLabels()).isEqualTo(100);
        assertThat(p.severity()).isEqualTo(Severity.HIGH);
        assertThat(c.topics().performance()).isEqualTo("warden.performance");
    }

    @Test
    void shouldNameEveryBadPerformanceSetting() {
        String missing = kafka() + MODEL + "      performance: {window: 5m}\n";
        assertThatThrownBy(() -> load(missing))
                .hasMessageContaining(
                        "models[0].detectors.performance.reference-accuracy: required");
        String bad =
                kafka()
                        + MODEL
                        + "      performance: {reference-accuracy: 0.9, max-drop: 0.95, alpha: 0,"
                        + " min-labels: 0, window: 0s, calibration-bins: 0,"
                        + " reference-ece: 2}\n";
        assertThatThrownBy(() -> load(bad))
                .hasMessageContaining(
                        "models[0].detectors.performance.max-drop: must be in [0,"
                                + " reference-accuracy 0.9), got 0.95")
                .hasMessageContaining("models[0].detectors.performance.alpha: must be in (0, 1)")
                .hasMessageContaining(
                        "models[0].detectors.performance.min-labels: must be at least 1")
                .hasMessageContaining("models[0].detectors.performance.window: must be positive")
                .hasMessageContaining("models[0].detectors.performance.calibration-bins")
                .hasMessageContaining("models[0].detectors.performance.reference-ece");
    }

    @Test
    void shouldCheckSequentialDeltaByDetector() throws IOException {
        String pageHinkley =
                kafka()
                        + MODEL
                        + "      sequential: {detector: page-hinkley, signals: [msp], delta: 0,"
                        + " threshold: 30}\n";
        assertThat(load(pageHinkley).models().get(0).detectors().sequential().delta()).isZero();

        String adwin = kafka() + MODEL + "      sequential: {signals: [margin], delta: 0}\n";
        assertThatThrownBy(() -> load(adwin))
                .hasMessageContaining(
                        "models[0].detectors.sequential.delta: ADWIN's confidence must be in (0, 1)");
    }

    @Test
    void shouldLoadPageHinkleyFadingDefaultingToNone() throws IOException {
        String configured =
                kafka()
                        + MODEL
                        + "      sequential: {detector: page-hinkley, signals: [msp], fading:"
                        + " 0.9999}\n";
        assertThat(load(configured).models().get(0).detectors().sequential().fading())
                .isEqualTo(0.9999);

        String unset =
                kafka() + MODEL + "      sequential: {detector: page-hinkley, signals: [msp]}\n";
        assertThat(load(unset).models().get(0).detectors().sequential().fading()).isEqualTo(1.0);

        String adwin = kafka() + MODEL + "      sequential: {signals: [msp]}\n";
        assertThat(load(adwin).models().get(0).detectors().sequential().fading()).isNull();
    }

    @Test
    void shouldRejectFadingOutsideTheUnitIntervalOrWithAdwin() {
        for (String bad : new String[] {"0", "-0.5", "1.0001"}) {
            String yaml =
                    kafka()
                            + MODEL
                            + "      sequential: {detector: page-hinkley, signals: [msp], fading: "
                            + bad
                            + "}\n";
            assertThatThrownBy(() -> load(yaml))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(
                            "models[0].detectors.sequential.fading: Page-Hinkley's fading factor"
                                    + " must be in (0, 1]");
        }

        String adwin = kafka() + MODEL + "      sequential: {signals: [msp], fading: 1}\n";
        assertThatThrownBy(() -> load(adwin))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "models[0].detectors.sequential.fading: applies to page-hinkley only");
    }

    @Test
    void shouldNameAnUnknownKeyAndListTheKnownOnes() {
        assertThatThrownBy(() -> load(kafka() + "  bootstrap: x\n" + MODEL))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("warden.yaml")
                .hasMessageContaining("kafka: unknown key 'bootstrap'")
                .hasMessageContaining("bootstrap-servers");
    }

    @Test
    void shouldNameANestedUnknownKeyWithItsPath() {
        String yaml = kafka() + MODEL.replace("type: probabilities", "typ: probabilities");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("models[0].output: unknown key 'typ'");
    }

    @Test
    void shouldNameAWrongEnumValueAndTheAllowedOnes() {
        String yaml = kafka() + MODEL.replace("type: probabilities", "type: probs");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("models[0].output.type")
                .hasMessageContaining("'probs'")
                .hasMessageContaining("[probabilities, logits]");
    }

    @Test
    void shouldNameAWrongType() {
        String yaml = kafka() + MODEL.replace("alpha: 0.01", "alpha: lots");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("models[0].detectors.confidence.alpha")
                .hasMessageContaining("lots");
    }

    @Test
    void shouldNameAListGivenAsAScalar() {
        String yaml = kafka() + MODEL.replace("shape: [8, 8]", "shape: 64");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("models[0].features.shape")
                .hasMessageContaining("a list");
    }

    @Test
    void shouldNameAMissingRequiredKey() {
        assertThatThrownBy(() -> load("kafka:\n  group-id: g\n" + MODEL))
                .hasMessageContaining("kafka.bootstrap-servers: required");
        assertThatThrownBy(() -> load(MODEL)).hasMessageContaining("kafka: required section");
        assertThatThrownBy(() -> load(kafka())).hasMessageContaining("models: at least one model");
    }

    @Test
    void shouldNameAMissingReferenceFile() {
        String yaml = kafka() + MODEL.replace("ref.json", "missing.json");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("models[0].detectors.confidence.reference-file")
                .hasMessageContaining("missing.json");
    }

    @Test
    void shouldNameAMalformedReferenceFile() throws IOException {
        Files.writeString(dir.resolve("bad.json"), "{\"confidence\": {\"msp\": [0.5, \"x\"]}}");
        String yaml = kafka() + MODEL.replace("ref.json", "bad.json");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("bad.json")
                .hasMessageContaining("confidence.msp[1] is not a finite number");
    }

    @Test
    void shouldRejectABadDuration() {
        String yaml = kafka() + "input:\n  join-timeout: soon\n" + MODEL;
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("input.join-timeout")
                .hasMessageContaining("'soon' is not a duration");
    }

    @Test
    void shouldAcceptShortAndIsoDurations() throws IOException {
        String yaml =
                kafka()
                        + "input:\n  join-timeout: 2m\n  idle-timeout: PT1S\n  max-out-of-orderness: 250ms\n"
                        + MODEL;
        InputSettings in = load(yaml).input();
        assertThat(in.joinTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(in.idleTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(in.maxOutOfOrderness()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        String yaml =
                kafka()
                        + "job:\n  parallelism: 0\n"
                        + MODEL.replace("alpha: 0.01", "alpha: 2.0")
                                .replace("classes: [\"a\", \"b\", \"c\"]", "classes: [\"a\"]");
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.problems()).hasSize(3))
                .hasMessageContaining("job.parallelism: must be at least 1")
                .hasMessageContaining("models[0].detectors.confidence.alpha: must be in (0, 1)")
                .hasMessageContaining("models[0].output.classes: at least two");
    }

    @Test
    void shouldRequireExactlyOneOfNamesOrShape() {
        String yaml = kafka() + MODEL.replace("shape: [8, 8]", "shape: [8, 8], names: [a]");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("models[0].features: give exactly one of names");
    }

    @Test
    void shouldRejectTheSameModelTwice() {
        String twice = MODEL + MODEL.substring(MODEL.indexOf("  - name"));
        assertThatThrownBy(() -> load(kafka() + twice))
                .hasMessageContaining("models[1]: model 'digits' is configured twice");
    }

    @Test
    void shouldRejectTheControlAndAdversarialExamplesTopicsWithoutOnnxDetectors() {
        String yaml =
                kafka()
                        + "topics:\n  control: warden.control\n"
                        + "  adversarial-examples: warden.adversarial\n"
                        + MODEL;
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("topics.control: no model has ONNX detectors")
                .hasMessageContaining("topics.adversarial-examples: no model has ONNX detectors");
    }

    @Test
    void shouldRejectATopicUsedTwice() {
        String yaml = kafka() + "topics:\n  alerts: inference.requests\n" + MODEL;
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining(
                        "topics.alerts: 'inference.requests' is already used by topics.requests");
    }

    @Test
    void shouldExpandEnvironmentVariablesAndNameMissingOnes() throws IOException {
        String yaml =
                kafka()
                        + "  properties:\n    sasl.jaas.config: ${env:JAAS}\n    client.id: ${env:CID:-warden-x}\n"
                        + MODEL;
        WardenConfig c = load(yaml, Map.of("JAAS", "secret-jaas"));
        assertThat(c.kafka().properties())
                .containsEntry("sasl.jaas.config", "secret-jaas")
                .containsEntry("client.id", "warden-x");

        assertThatThrownBy(() -> load(yaml, Map.of()))
                .hasMessageContaining(
                        "kafka.properties.sasl.jaas.config: environment variable JAAS is not set");
    }

    @Test
    void shouldNeverShowSecretsInToString() throws IOException {
        String yaml =
                kafka()
                        + "  properties:\n    sasl.jaas.config: hunter2\n    ssl.truststore.password: hunter3\n"
                        + MODEL;
        WardenConfig c = load(yaml);
        assertThat(c.toString())
                .doesNotContain("hunter2")
                .doesNotContain("hunter3")
                .contains("******");
    }

    @Test
    void shouldGiveTheLineOfAYamlSyntaxError() {
        assertThatThrownBy(() -> load(kafka() + "models: [\n  - x: ]\n"))
                .hasMessageContaining("line ")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void shouldNameAMissingConfigFile() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml"), Map.of()))
                .hasMessageContaining("nope.yaml: config file not found");
    }

    /** The demo model's config with its shipped profile, and the given detectors section. */
    private String profiled(String detectors) throws IOException {
        Files.copy(
                Path.of("..", "deploy", "reference", "demo-classifier.profile.json"),
                dir.resolve("demo.profile.json"));
        return kafka()
                + """
                models:
                  - name: demo-classifier
                    profile: demo.profile.json
                    features: {tensor: input, names: [f0, f1, f2, f3, f4, f5, f6, f7]}
                    output: {tensor: probabilities, classes: [alpha, bravo, charlie, delta]}
                    detectors:
                """
                + detectors.indent(6);
    }

    @Test
    void shouldTakeTheConfidenceReferenceAndDriftFromTheProfile() throws IOException {
        WardenConfig c = load(profiled("confidence: {alpha: 0.001}\ndrift: {window: 30s}\n"));

        ModelSpec m = c.models().get(0);
        assertThat(m.profile()).isEqualTo(dir.resolve("demo.profile.json").toString());
        assertThat(m.detectors().drift().window()).isEqualTo(Duration.ofSeconds(30));
        assertThat(m.detectors().drift().correction()).isEqualTo("benjamini-hochberg");
    }

    @Test
    void shouldRequireAProfileForDrift() {
        String yaml =
                kafka()
                        + MODEL.replace(
                                "confidence: {alpha: 0.01, reference-file: ref.json}",
                                "drift: {window: 1m}");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining(
                        "models[0].detectors.drift: needs the model's reference profile");
    }

    @Test
    void shouldNameAMissingProfileFile() {
        String yaml =
                kafka()
                        + MODEL.replace(
                                "    features:", "    profile: nowhere.json\n    features:");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("models[0].profile: cannot read profile file")
                .hasMessageContaining("nowhere.json");
    }

    @Test
    void shouldRefuseAProfileThatDoesNotMatchItsPin() throws IOException {
        String yaml =
                profiled("drift: {}\n")
                        .replace(
                                "profile: demo.profile.json",
                                "profile: demo.profile.json\n    profile-sha256: \"0000\"");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("models[0].profile-sha256:")
                .hasMessageContaining("not the pinned 0000");
    }

    @Test
    void shouldRefuseAProfileWithoutTheConfiguredFeatures() throws IOException {
        String yaml = profiled("drift: {}\n").replace("f7]}", "f7, f8]}");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("models[0].profile:")
                .hasMessageContaining("has no numeric feature(s) [f8]");
    }

    @Test
    void shouldNameBadDriftSettings() throws IOException {
        String yaml =
                profiled(
                        "drift: {correction: fdr, alpha: 1.5, slide: 2m, window: 1m, thresholds: {js-distance: 2.0}, recover-after: 0}\n");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("models[0].detectors.drift.correction: 'fdr' is not one of")
                .hasMessageContaining("models[0].detectors.drift.alpha: must be in (0, 1)")
                .hasMessageContaining(
                        "models[0].detectors.drift.slide: must not be longer than the window")
                .hasMessageContaining(
                        "models[0].detectors.drift.thresholds: Jensen-Shannon distance threshold")
                .hasMessageContaining(
                        "models[0].detectors.drift.recover-after: must be at least 1");
    }

    @Test
    void shouldNameAnUnknownSequentialSignal() throws IOException {
        String yaml = profiled("sequential: {signals: [msp, f3, foo]}\n");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining(
                        "models[0].detectors.sequential.signals: 'foo' is neither msp, entropy, margin nor a feature name");
    }

    @Test
    void shouldRequireAConfidenceReference() {
        String yaml =
                kafka() + MODEL.replace("{alpha: 0.01, reference-file: ref.json}", "{alpha: 0.01}");
        assertThatThrownBy(() -> load(yaml))
                .hasMessageContaining("models[0].detectors.confidence: needs a reference");
    }
}
