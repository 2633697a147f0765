package io.warden.detectors.drift;

import static io.warden.detectors.drift.ScipyFixture.doubles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class PsiTest {

    @Test
    void matchesTheIndependentNumpyFormulaIncludingEmptyBins() {
        for (JsonNode c : ScipyFixture.section("psi")) {
            double expected = c.get("psi").doubleValue();
            assertThat(Psi.of(doubles(c.get("expected")), doubles(c.get("actual"))))
                    .isCloseTo(expected, within(1e-12 * expected + 1e-15));
        }
    }

    @Test
    void matchesNumpyOnTheBinnedFixtureSamples() {
        for (JsonNode pair : ScipyFixture.section("ks_pairs")) {
            double expected = pair.get("psi").doubleValue();
            assertThat(
                            Psi.of(
                                    doubles(pair.get("x_proportions")),
                                    doubles(pair.get("y_proportions"))))
                    .as(pair.get("name").asText())
                    .isCloseTo(expected, within(1e-12 * expected));
        }
    }

    @Test
    void equalDistributionsHavePsiZeroAndSwappingSidesKeepsIt() {
        double[] e = {0.2, 0.3, 0.5};
        double[] a = {0.25, 0.25, 0.5};
        assertThat(Psi.of(e, e)).isZero();
        assertThat(Psi.of(e, a)).isCloseTo(Psi.of(a, e), within(1e-15)).isPositive();
    }

    @Test
    void anEmptyBinIsSmoothedWithTheDocumentedEpsilon() {
        double psi = Psi.of(new double[] {0.5, 0.5, 0.0}, new double[] {0.5, 0.4, 0.1});
        double byHand = (0.4 - 0.5) * Math.log(0.4 / 0.5) + (0.1 - 1e-4) * Math.log(0.1 / 1e-4);
        assertThat(psi).isCloseTo(byHand, within(1e-15));
        assertThat(Psi.of(new double[] {0.5, 0.5, 0.0}, new double[] {0.5, 0.4, 0.1}, 1e-3))
                .isLessThan(psi);
    }

    @Test
    void countsAreTurnedIntoProportions() {
        assertThat(Psi.ofCounts(new long[] {20, 30, 50}, new long[] {5, 5, 10}))
                .isCloseTo(
                        Psi.of(new double[] {0.2, 0.3, 0.5}, new double[] {0.25, 0.25, 0.5}),
                        within(1e-15));
    }

    @Test
    void invalidInputsAreRejectedNamingTheProblem() {
        assertThatThrownBy(() -> Psi.of(new double[] {0.5, 0.5}, new double[] {1.0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same bins");
        assertThatThrownBy(() -> Psi.of(new double[] {1.5}, new double[] {1.0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected proportion of bin 0");
        assertThatThrownBy(() -> Psi.of(new double[] {1.0}, new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("actual proportion of bin 0");
        assertThatThrownBy(() -> Psi.of(new double[0], new double[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one bin");
        assertThatThrownBy(() -> Psi.of(new double[] {1}, new double[] {1}, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epsilon");
        assertThatThrownBy(() -> Psi.ofCounts(new long[] {0, 0}, new long[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected counts must not all be 0");
        assertThatThrownBy(() -> Psi.ofCounts(new long[] {1, -1}, new long[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be negative");
    }
}
