package io.warden.detectors.drift;

import static io.warden.detectors.drift.ScipyFixture.doubles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

class WassersteinTest {

    @Test
    void matchesScipysWassersteinDistanceAndEvidentlysNormalisation() {
        for (JsonNode pair : ScipyFixture.section("ks_pairs")) {
            double[] x = doubles(pair.get("x"));
            double[] y = doubles(pair.get("y"));
            double w = pair.get("wasserstein").doubleValue();
            double wNorm = pair.get("wasserstein_norm").doubleValue();
            // Same integral, summed in a different order: relative 1e-12.
            assertThat(Wasserstein.distance(x, y))
                    .as(pair.get("name").asText())
                    .isCloseTo(w, within(1e-12 * w));
            assertThat(Wasserstein.normalized(x, y))
                    .as(pair.get("name").asText())
                    .isCloseTo(wNorm, within(1e-12 * wNorm));
        }
    }

    @Test
    void aLocationShiftMovesTheDistanceByTheShift() {
        double[] x = Samples.normal(1, 1000, 0);
        double[] shifted = x.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 0.75;
        }
        assertThat(Wasserstein.distance(x, shifted)).isCloseTo(0.75, within(1e-12));
        assertThat(Wasserstein.distance(shifted, x)).isCloseTo(0.75, within(1e-12));
        assertThat(Wasserstein.distance(x, x.clone())).isZero();
    }

    @Test
    void twoPointMassesAreTheirDistanceApart() {
        assertThat(Wasserstein.distance(new double[] {2, 2, 2}, new double[] {-1})).isEqualTo(3.0);
        // Half the mass moves by 1: W1 = 0.5.
        assertThat(Wasserstein.distance(new double[] {0, 1}, new double[] {1, 1})).isEqualTo(0.5);
    }

    @Test
    void aConstantReferenceIsNormalisedByTheFloorInsteadOfZero() {
        double[] constant = {5, 5, 5, 5};
        assertThat(Wasserstein.normalized(constant, new double[] {5.01}))
                .isCloseTo(0.01 / Wasserstein.MIN_STANDARD_DEVIATION, within(1e-9));
    }

    @Test
    void sketchesHoldingAllTheirValuesGiveTheExactDistance() {
        double[] x = Samples.normal(2, 150, 0);
        double[] y = Samples.normal(3, 120, 0.3);
        assertThat(Wasserstein.distance(Samples.sketch(x), Samples.sketch(y)))
                .isCloseTo(Wasserstein.distance(x, y), within(1e-12));
        assertThat(Wasserstein.normalized(Samples.sketch(x), Samples.sketch(y)))
                .isCloseTo(Wasserstein.normalized(x, y), within(1e-12));
    }

    /**
     * The documented worst case is (epsA + epsB) times the range of the data; the observed error on
     * normal data at k = 200 is a small fraction of it (printed), around 0.01-0.03 standard
     * deviations.
     */
    @Test
    void sketchDistanceIsWithinTheDocumentedBoundOfTheExactOne() {
        double eps = KllDoublesSketch.getNormalizedRankError(200, false);
        double worstShare = 0.0;
        for (int seed = 0; seed < 6; seed++) {
            double[] x = Samples.normal(300 + seed, 50_000, 0);
            double[] y = Samples.normal(400 + seed, 20_000, seed * 0.1);
            KllDoublesSketch sx = Samples.sketch(x);
            KllDoublesSketch sy = Samples.sketch(y);
            double exact = Wasserstein.distance(x, y);
            double sketched = Wasserstein.distance(sx, sy);
            double range =
                    Math.max(sx.getMaxItem(), sy.getMaxItem())
                            - Math.min(sx.getMinItem(), sy.getMinItem());
            double bound = 2 * eps * range;
            assertThat(sketched).as("seed %d", seed).isCloseTo(exact, within(bound));
            worstShare = Math.max(worstShare, Math.abs(sketched - exact) / bound);
            // Normalised: the reference std from the sketch is close to the exact one.
            assertThat(Wasserstein.normalized(sx, sy))
                    .isCloseTo(Wasserstein.normalized(x, y), within(bound));
        }
        System.out.printf(
                "Wasserstein on k=200 sketches: worst error %.3f of the documented bound%n",
                worstShare);
    }

    @Test
    void aGivenReferenceStandardDeviationIsUsed() {
        KllDoublesSketch a = Samples.sketch(new double[] {0, 1, 2});
        KllDoublesSketch b = Samples.sketch(new double[] {1, 2, 3});
        assertThat(Wasserstein.normalized(a, b, 4.0)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void invalidInputsAreRejectedNamingTheProblem() {
        assertThatThrownBy(() -> Wasserstein.distance(new double[] {1}, new double[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window must not be empty");
        assertThatThrownBy(
                        () ->
                                Wasserstein.distance(
                                        new double[] {1, Double.POSITIVE_INFINITY},
                                        new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite")
                .hasMessageContaining("reference");
        assertThatThrownBy(
                        () ->
                                Wasserstein.normalized(
                                        Samples.sketch(new double[] {1}),
                                        Samples.sketch(new double[] {2}),
                                        -1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("standard deviation");
        assertThatThrownBy(
                        () ->
                                Wasserstein.distance(
                                        KllDoublesSketch.newHeapInstance(),
                                        Samples.sketch(new double[] {2})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reference sketch must not be empty");
    }
}
