package io.warden.detectors.confidence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExplanationFormatTest {

    @Test
    void percentagesNeverRoundAStrictFractionToZeroOrAHundred() {
        assertThat(ExplanationFormat.percent(0.999)).isEqualTo("99.9%");
        assertThat(ExplanationFormat.percent(0.9996)).isEqualTo("99.96%");
        assertThat(ExplanationFormat.percent(0.99995)).isEqualTo("99.995%");
        assertThat(ExplanationFormat.percent(0.99999999)).isEqualTo(">99.9999%");
        assertThat(ExplanationFormat.percent(0.00001)).isEqualTo("0.001%");
        assertThat(ExplanationFormat.percent(1e-12)).isEqualTo("<0.0001%");
        assertThat(ExplanationFormat.percent(0.5)).isEqualTo("50.0%");
        assertThat(ExplanationFormat.percent(0)).isEqualTo("0%");
        assertThat(ExplanationFormat.percent(1)).isEqualTo("100%");
    }

    @Test
    void numbersUseAFixedLocaleAndFewDigits() {
        assertThat(ExplanationFormat.statistic(0.21)).isEqualTo("0.210");
        assertThat(ExplanationFormat.statistic(2.302585)).isEqualTo("2.30");
        assertThat(ExplanationFormat.probability(1.0 / 3000)).isEqualTo("0.00033");
        assertThat(ExplanationFormat.probability(0.88)).isEqualTo("0.88");
        assertThat(ExplanationFormat.probability(5e-5)).isEqualTo("5.0e-05");
    }
}
