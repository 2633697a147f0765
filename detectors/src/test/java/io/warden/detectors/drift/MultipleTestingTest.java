package io.warden.detectors.drift;

import static io.warden.detectors.drift.ScipyFixture.booleans;
import static io.warden.detectors.drift.ScipyFixture.doubles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.warden.detectors.drift.MultipleTesting.Correction;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipleTestingTest {

    private static final Map<String, Correction> STATSMODELS =
            Map.of(
                    "bonferroni", Correction.BONFERRONI,
                    "holm", Correction.HOLM,
                    "fdr_bh", Correction.BENJAMINI_HOCHBERG);

    @Test
    void adjustedPValuesAndDecisionsMatchStatsmodelsMultipletests() {
        for (JsonNode c : ScipyFixture.section("multipletests")) {
            double[] p = doubles(c.get("pvalues"));
            double alpha = c.get("alpha").doubleValue();
            STATSMODELS.forEach(
                    (method, correction) -> {
                        MultipleTesting.Result r = MultipleTesting.adjust(p, correction, alpha);
                        String what = c.get("name").asText() + " " + method;
                        assertThat(r.adjustedPValues())
                                .as(what)
                                .containsExactly(
                                        doubles(c.get(method).get("adjusted")), within(1e-15));
                        assertThat(r.rejected())
                                .as(what)
                                .containsExactly(booleans(c.get(method).get("reject")));
                    });
        }
    }

    @Test
    void holmNeverRejectsLessThanBonferroniAndBenjaminiHochbergNeverLessThanHolm() {
        // Bonferroni: only 0.001 * 6 <= 0.05. Holm: 0.006, 0.045, 0.048, 0.0375, then 0.08 stops.
        // BH: 0.04 <= 5/6 * 0.05, so the five smallest.
        double[] p = {0.001, 0.009, 0.012, 0.0125, 0.04, 0.2};
        int bonferroni = MultipleTesting.adjust(p, Correction.BONFERRONI, 0.05).rejectedCount();
        int holm = MultipleTesting.adjust(p, Correction.HOLM, 0.05).rejectedCount();
        int bh = MultipleTesting.adjust(p, Correction.BENJAMINI_HOCHBERG, 0.05).rejectedCount();
        assertThat(bonferroni).isEqualTo(1);
        assertThat(holm).isEqualTo(4);
        assertThat(bh).isEqualTo(5);
    }

    @Test
    void noCorrectionKeepsThePValues() {
        MultipleTesting.Result r =
                MultipleTesting.adjust(new double[] {0.04, 0.5}, Correction.NONE, 0.05);
        assertThat(r.adjustedPValues()).containsExactly(0.04, 0.5);
        assertThat(r.rejected()).containsExactly(true, false);
        assertThat(r.size()).isEqualTo(2);
    }

    @Test
    void resultsAreImmutable() {
        MultipleTesting.Result r =
                MultipleTesting.adjust(new double[] {0.01}, Correction.HOLM, 0.05);
        r.adjustedPValues()[0] = 0.9;
        r.rejected()[0] = false;
        assertThat(r.adjustedPValue(0)).isEqualTo(0.01);
        assertThat(r.isRejected(0)).isTrue();
    }

    @Test
    void correctionsAreFoundByTheirConfigurationIds() {
        assertThat(Correction.fromId("bonferroni")).isEqualTo(Correction.BONFERRONI);
        assertThat(Correction.fromId("Benjamini-Hochberg"))
                .isEqualTo(Correction.BENJAMINI_HOCHBERG);
        assertThat(Correction.fromId("fdr_bh")).isEqualTo(Correction.BENJAMINI_HOCHBERG);
        assertThat(Correction.fromId(" holm ")).isEqualTo(Correction.HOLM);
        assertThatThrownBy(() -> Correction.fromId("sidak"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown multiple-testing correction 'sidak'")
                .hasMessageContaining("benjamini-hochberg");
    }

    @Test
    void invalidInputsAreRejectedNamingTheProblem() {
        assertThatThrownBy(() -> MultipleTesting.adjust(new double[0], Correction.HOLM, 0.05))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be empty");
        assertThatThrownBy(
                        () ->
                                MultipleTesting.adjust(
                                        new double[] {0.1, Double.NaN}, Correction.HOLM, 0.05))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p-value 1 must be in [0, 1]");
        assertThatThrownBy(() -> MultipleTesting.adjust(new double[] {0.1}, Correction.HOLM, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alpha must be in (0, 1)");
    }
}
