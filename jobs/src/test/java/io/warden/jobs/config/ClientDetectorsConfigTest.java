package io.warden.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.jobs.config.ModelSpec.ExtractionSettings;
import io.warden.jobs.config.ModelSpec.ExtractionSignalName;
import io.warden.schemas.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code models[].detectors.extraction}, {@code query-attack} and {@code blacklight}: binding,
 * defaults and validation messages.
 */
class ClientDetectorsConfigTest {

    private static WardenConfig parse(String extraction) {
        return ConfigLoader.parse(
                """
                kafka:
                  bootstrap-servers: localhost:9092
                models:
                  - name: digits
                    features: {tensor: x, shape: [8, 8]}
                    output: {tensor: p, classes: [a, b, c]}
                    detectors:
                      extraction:
                """
                        + extraction.indent(8),
                Path.of("."),
                "warden.yaml",
                Map.of());
    }

    @Test
    void shouldLoadDefaults() {
        ExtractionSettings s = parse("{}").models().get(0).detectors().extraction();
        assertThat(s.delta()).isEqualTo(0.9);
        assertThat(s.minDistances()).isEqualTo(100);
        assertThat(s.alertOn()).containsExactly(ExtractionSignalName.PRADA);
        assertThat(s.idleTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(s.severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void shouldBindEveryKey() {
        ExtractionSettings s =
                parse(
                                """
                                delta: 0.85
                                min-distances: 50
                                distance-window: 400
                                max-queries-per-class: 20
                                max-queries-per-second: 2.5
                                rate-time-constant: 30s
                                min-class-entropy: 0.9
                                min-queries: 100
                                boundary-margin: 0.05
                                max-boundary-share: 0.4
                                boundary-window: 300
                                alert-on: [prada, near-boundary]
                                idle-ttl: 15m
                                severity: critical
                                test-interval: 10
                                """)
                        .models()
                        .get(0)
                        .detectors()
                        .extraction();
        assertThat(s)
                .isEqualTo(
                        new ExtractionSettings(
                                0.85,
                                50,
                                400,
                                20,
                                2.5,
                                Duration.ofSeconds(30),
                                0.9,
                                100,
                                0.05,
                                0.4,
                                300,
                                List.of(
                                        ExtractionSignalName.PRADA,
                                        ExtractionSignalName.NEAR_BOUNDARY),
                                Duration.ofMinutes(15),
                                Severity.CRITICAL,
                                10));
    }

    @Test
    void shouldNameEveryBadKey() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        """
                                        delta: 1.5
                                        min-distances: 2
                                        distance-window: 9000
                                        max-boundary-share: 1
                                        boundary-window: 10
                                        alert-on: []
                                        idle-ttl: 0s
                                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[0].detectors.extraction.delta: must be in (0, 1)")
                .hasMessageContaining("extraction.min-distances: must be at least 3")
                .hasMessageContaining(
                        "extraction.distance-window: must be in [min-distances, 5000]")
                .hasMessageContaining("extraction.max-boundary-share: must be in [0, 1)")
                .hasMessageContaining("extraction.boundary-window: must be at least min-queries")
                .hasMessageContaining("extraction.alert-on: at least one of prada")
                .hasMessageContaining("extraction.idle-ttl");
        assertThatThrownBy(() -> parse("alert-on: [extraction]")).hasMessageContaining("alert-on");
    }

    private static WardenConfig parseQueryAttack(String queryAttack) {
        return ConfigLoader.parse(
                """
                kafka:
                  bootstrap-servers: localhost:9092
                models:
                  - name: digits
                    features: {tensor: x, shape: [8, 8]}
                    output: {tensor: p, classes: [a, b, c]}
                    detectors:
                      query-attack:
                """
                        + queryAttack.indent(8),
                Path.of("."),
                "warden.yaml",
                Map.of());
    }

    @Test
    void shouldBindTheQueryAttackDetectorWithAFixedThreshold() {
        ModelSpec.QueryAttackSettings s =
                parseQueryAttack("{neighbours: 5, buffer-size: 50, threshold: 0.2, idle-ttl: 5m}")
                        .models()
                        .get(0)
                        .detectors()
                        .queryAttack();
        assertThat(s)
                .isEqualTo(
                        new ModelSpec.QueryAttackSettings(
                                5, 50, null, 0.2, Duration.ofMinutes(5), Severity.HIGH));
    }

    @Test
    void shouldRefuseACalibratedQueryAttackDetectorWithoutAProfile() {
        assertThatThrownBy(() -> parseQueryAttack("{}"))
                .hasMessageContaining(
                        "models[0].detectors.query-attack.alpha: needs the model's profile");
        assertThatThrownBy(
                        () ->
                                parseQueryAttack(
                                        "{neighbours: 20, buffer-size: 10, alpha: 0.01,"
                                                + " threshold: 1}"))
                .hasMessageContaining("query-attack.buffer-size: must be at least neighbours (20)")
                .hasMessageContaining("query-attack: give threshold or alpha, not both");
    }

    private static WardenConfig parseBlacklight(String blacklight) {
        return ConfigLoader.parse(
                """
                kafka:
                  bootstrap-servers: localhost:9092
                models:
                  - name: digits
                    features: {tensor: x, shape: [8, 8]}
                    output: {tensor: p, classes: [a, b, c]}
                    detectors:
                      blacklight:
                """
                        + blacklight.indent(8),
                Path.of("."),
                "warden.yaml",
                Map.of());
    }

    @Test
    void shouldLoadBlacklightWithItsDefaults() {
        ModelSpec.BlacklightSettings s =
                parseBlacklight("{range: [0, 16]}").models().get(0).detectors().blacklight();
        assertThat(s.levels()).isEqualTo(50);
        assertThat(s.windowSize()).isEqualTo(20);
        assertThat(s.fingerprintSize()).isEqualTo(50);
        assertThat(s.matchThreshold()).isEqualTo(25);
        assertThat(s.horizon()).isEqualTo(Duration.ofHours(24));
        assertThat(s.maxEntries()).isEqualTo(250_000);
    }

    @Test
    void shouldNameEveryBadBlacklightKey() {
        assertThatThrownBy(() -> parseBlacklight("{}"))
                .hasMessageContaining(
                        "models[0].detectors.blacklight.range: required without a" + " profile");
        assertThatThrownBy(
                        () ->
                                parseBlacklight(
                                        "{range: [16, 0], levels: 1, window-size: 65,"
                                                + " match-threshold: 51, max-entries: 10}"))
                .hasMessageContaining("blacklight.range: must be [min, max] with min < max")
                .hasMessageContaining("blacklight.levels: must be in [2, 65536]")
                .hasMessageContaining(
                        "blacklight.window-size: must be in [1, the feature count 64]")
                .hasMessageContaining(
                        "blacklight.match-threshold: must be in [1, fingerprint-size]")
                .hasMessageContaining("blacklight.max-entries: must be at least fingerprint-size");
    }

    @Test
    void shouldRefusePoisoningDetectionWithoutTheLabelJoin() {
        assertThatThrownBy(
                        () ->
                                ConfigLoader.parse(
                                        """
                                        kafka:
                                          bootstrap-servers: localhost:9092
                                        models:
                                          - name: digits
                                            features: {tensor: x, shape: [8, 8]}
                                            output: {tensor: p, classes: [a, b, c]}
                                            detectors:
                                              poisoning:
                                                expected-disagreement-rate: 1.5
                                                expected-consensus-disagreement-rate: 0
                                        """,
                                        Path.of("."),
                                        "warden.yaml",
                                        Map.of()))
                .hasMessageContaining("models[0].detectors.poisoning: needs detectors.performance")
                .hasMessageContaining(
                        "poisoning.expected-disagreement-rate: must be in (0, 1), got 1.5")
                .hasMessageContaining(
                        "poisoning.expected-consensus-disagreement-rate: must be in (0, 1), got"
                                + " 0.0");
    }

    @Test
    void shouldDeriveTheExpectedDisagreementFromTheReferenceAccuracy() {
        ModelSpec.PoisoningSettings s =
                new ModelSpec.PoisoningSettings(null, null, null, null, null, null, null, null);
        ModelSpec.PerformanceSettings performance =
                new ModelSpec.PerformanceSettings(
                        null, null, null, 0.9, null, null, null, null, null, null, null, null);
        assertThat(s.expectedRate(performance))
                .isCloseTo(0.15, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.idleTtl()).isEqualTo(Duration.ofDays(7));
    }
}
