package io.warden.jobs.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.jobs.config.ConfigLoader;
import io.warden.jobs.config.WardenConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileTargetTest {
    private static final String MODELS =
            """
            kafka: {bootstrap-servers: localhost:9092}
            models:
              - name: fraud
                features: {tensor: x, names: [a, b]}
                output: {tensor: p, classes: [ok, fraud]}
              - name: fraud
                version: "7"
                features: {tensor: x, names: [a, b, c]}
                output: {tensor: p, classes: [ok, fraud]}
              - name: churn
                version: "2"
                features: {tensor: x, names: [u, v]}
                output: {tensor: p, classes: [stay, go]}
              - name: churn
                version: "3"
                features: {tensor: x, names: [u, v]}
                output: {tensor: p, classes: [stay, go]}
              - name: spam
                version: "1"
                features: {tensor: x, shape: [2]}
                output: {tensor: p, type: logits, classes: [ham, spam]}
            """;

    private static final WardenConfig CONFIG =
            ConfigLoader.parse(MODELS, Path.of("."), "test.yaml", Map.of());

    @Test
    void shouldTakeTheNamesSpecForEveryVersionAndLeaveVersionsWithASpecOfTheirOwn() {
        ProfileTarget fraud = ProfileTarget.select(CONFIG, "fraud", null);

        assertThat(fraud.spec().features().names()).containsExactly("a", "b");
        assertThat(fraud.modelVersion()).isNull();
        assertThat(fraud.covers("fraud", null)).isTrue();
        assertThat(fraud.covers("fraud", "6")).isTrue();
        assertThat(fraud.covers("fraud", "7")).as("version 7 has its own spec").isFalse();
        assertThat(fraud.covers("churn", null)).isFalse();
    }

    @Test
    void shouldProfileOneVersionWhenAsked() {
        ProfileTarget seven = ProfileTarget.select(CONFIG, "fraud", "7");
        assertThat(seven.spec().features().names()).containsExactly("a", "b", "c");
        assertThat(seven.covers("fraud", "7")).isTrue();
        assertThat(seven.covers("fraud", "6")).isFalse();

        // A version without a spec of its own is profiled with the name's spec, that version only.
        ProfileTarget six = ProfileTarget.select(CONFIG, "fraud", "6");
        assertThat(six.spec().features().names()).containsExactly("a", "b");
        assertThat(six.displayName()).isEqualTo("fraud:6");
        assertThat(six.covers("fraud", "6")).isTrue();
        assertThat(six.covers("fraud", null)).isFalse();
    }

    @Test
    void shouldTakeTheOnlySpecOfANameWithItsVersion() {
        ProfileTarget spam = ProfileTarget.select(CONFIG, "spam", null);

        assertThat(spam.modelVersion()).isEqualTo("1");
        assertThat(spam.schema(true).numericFeatures()).containsExactly("x_0", "x_1");
        assertThat(spam.schema(true).classLabels()).containsExactly("ham", "spam");
        assertThat(spam.schema(false).classLabels()).isEmpty();
    }

    @Test
    void shouldRefuseAnUnknownModelOrAnAmbiguousNameListingTheConfiguredOnes() {
        assertThatThrownBy(() -> ProfileTarget.select(CONFIG, "nope", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "model 'nope' is not configured (configured: [fraud, fraud:7, churn:2,"
                                + " churn:3, spam:1])");
        assertThatThrownBy(() -> ProfileTarget.select(CONFIG, "churn", null))
                .hasMessageContaining("configured for several versions")
                .hasMessageContaining("give --model-version");
        assertThatThrownBy(() -> ProfileTarget.select(CONFIG, "churn", "4"))
                .hasMessageStartingWith("model 'churn' version '4' is not configured");
        assertThat(ProfileTarget.select(CONFIG, "churn", "3").covers("churn", "2")).isFalse();
        assertThat(ProfileTarget.select(CONFIG, "churn", "3").covers("churn", "3")).isTrue();
    }
}
