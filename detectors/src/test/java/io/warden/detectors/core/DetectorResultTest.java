package io.warden.detectors.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DetectorResultTest {

    @Test
    void nanMeansTheResultHasNoPValue() {
        DetectorResult raw =
                new DetectorResult("x.raw", 3.5, 3.0, DetectorResult.NO_P_VALUE, true, "3.5 > 3");
        assertThat(raw.hasPValue()).isFalse();
        assertThat(raw.pValueIfPresent()).isEmpty();

        DetectorResult calibrated = new DetectorResult("x.p", 3.5, 0.01, 0.002, true, "p small");
        assertThat(calibrated.hasPValue()).isTrue();
        assertThat(calibrated.pValueIfPresent()).hasValue(0.002);
    }

    @Test
    void rejectsPValuesOutsideTheUnitInterval() {
        assertThatThrownBy(() -> new DetectorResult("x", 1, 0.1, 1.5, false, "e"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p-value of x must be in [0, 1]");
    }

    @Test
    void rejectsBlankIdsNaNScoresAndMultiLineExplanations() {
        assertThatThrownBy(() -> new DetectorResult(" ", 1, 0.1, 0.5, false, "e"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("detector id must not be blank");
        assertThatThrownBy(() -> new DetectorResult("x", Double.NaN, 0.1, 0.5, false, "e"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("score of x must not be NaN");
        assertThatThrownBy(() -> new DetectorResult("x", 1, Double.NaN, 0.5, false, "e"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threshold of x must not be NaN");
        assertThatThrownBy(() -> new DetectorResult("x", 1, 0.1, 0.5, false, "a\nb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("single line");
    }
}
