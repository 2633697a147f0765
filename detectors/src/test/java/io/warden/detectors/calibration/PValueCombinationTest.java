package io.warden.detectors.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class PValueCombinationTest {

    /**
     * {@code scipy.stats.combine_pvalues(p, method="fisher")}, by
     * generate_scipy_combine_pvalues.py.
     */
    @Test
    void fisherAgreesWithScipyIntoTheFarTail() throws IOException {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("scipy_combine_pvalues.json")) {
            assertThat(in).as("fixture").isNotNull();
            cases = new ObjectMapper().readTree(in).get("fisher");
        }
        assertThat(cases.size()).isGreaterThan(20);
        for (JsonNode c : cases) {
            double[] p = new double[c.get("p").size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = c.get("p").get(i).asDouble();
            }
            double expected = c.get("pvalue").asDouble();
            double actual = PValueCombination.FISHER.combine(p);
            if (expected == 1.0) {
                assertThat(actual).isEqualTo(1.0);
            } else {
                assertThat(actual)
                        .as("fisher %s", c.get("p"))
                        .isCloseTo(expected, Percentage.withPercentage(1e-7));
            }
        }
    }

    @Test
    void bonferroniIsTheSmallestTimesTheCountCappedAtOne() {
        assertThat(PValueCombination.BONFERRONI.combine(0.01, 0.2, 0.7))
                .isCloseTo(0.03, within(1e-15));
        assertThat(PValueCombination.BONFERRONI.combine(0.4, 0.5)).isEqualTo(0.8);
        assertThat(PValueCombination.BONFERRONI.combine(0.6, 0.9)).isEqualTo(1.0);
        assertThat(PValueCombination.BONFERRONI.combine(0.02)).isEqualTo(0.02);
    }

    @Test
    void aZeroPValueCombinesToZero() {
        assertThat(PValueCombination.FISHER.combine(0.0, 0.9)).isZero();
        assertThat(PValueCombination.BONFERRONI.combine(0.0, 0.9)).isZero();
    }

    @Test
    void onlyThePrefixIsCombined() {
        double[] p = {0.01, 0.02, 0.0};
        assertThat(PValueCombination.BONFERRONI.combine(p, 2)).isCloseTo(0.02, within(1e-15));
        assertThat(PValueCombination.FISHER.combine(p, 2))
                .isEqualTo(PValueCombination.FISHER.combine(0.01, 0.02));
    }

    @Test
    void rejectsValuesOutsideTheUnitInterval() {
        assertThatThrownBy(() -> PValueCombination.FISHER.combine(0.5, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p-value 1");
        assertThatThrownBy(() -> PValueCombination.BONFERRONI.combine(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PValueCombination.BONFERRONI.combine(new double[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
