package io.warden.detectors.drift;

import static io.warden.detectors.drift.ScipyFixture.doubles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class JensenShannonTest {

    @Test
    void matchesScipysJensenShannonWithBaseTwoOnUnnormalisedWeights() {
        for (JsonNode c : ScipyFixture.section("jensenshannon")) {
            assertThat(JensenShannon.distance(doubles(c.get("p")), doubles(c.get("q"))))
                    .isCloseTo(c.get("distance").doubleValue(), within(1e-12));
        }
    }

    @Test
    void matchesScipyOnTheBinnedFixtureSamples() {
        for (JsonNode pair : ScipyFixture.section("ks_pairs")) {
            assertThat(
                            JensenShannon.distance(
                                    doubles(pair.get("x_proportions")),
                                    doubles(pair.get("y_proportions"))))
                    .as(pair.get("name").asText())
                    .isCloseTo(pair.get("js_distance").doubleValue(), within(1e-12));
        }
    }

    @Test
    void isZeroForEqualAndOneForDisjointDistributionsAndSymmetric() {
        assertThat(JensenShannon.distance(new double[] {1, 2, 3}, new double[] {2, 4, 6})).isZero();
        assertThat(JensenShannon.distance(new double[] {1, 0, 0, 0}, new double[] {0, 0, 3, 1}))
                .isEqualTo(1.0);
        double[] p = {0.1, 0.6, 0.3};
        double[] q = {0.3, 0.3, 0.4};
        assertThat(JensenShannon.distance(p, q)).isEqualTo(JensenShannon.distance(q, p));
    }

    @Test
    void countsGiveTheSameDistanceAsTheirProportions() {
        assertThat(JensenShannon.distance(new long[] {10, 30, 60}, new long[] {3, 3, 4}))
                .isCloseTo(
                        JensenShannon.distance(
                                new double[] {0.1, 0.3, 0.6}, new double[] {0.3, 0.3, 0.4}),
                        within(1e-15));
    }

    @Test
    void invalidInputsAreRejectedNamingTheProblem() {
        assertThatThrownBy(() -> JensenShannon.distance(new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same bins");
        assertThatThrownBy(() -> JensenShannon.distance(new double[] {0, 0}, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p must have a positive finite sum");
        assertThatThrownBy(() -> JensenShannon.distance(new double[] {1, -1}, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p at index 1 must be finite and non-negative");
        assertThatThrownBy(
                        () ->
                                JensenShannon.distance(
                                        new double[] {1, 1}, new double[] {1, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("q at index 1");
    }
}
