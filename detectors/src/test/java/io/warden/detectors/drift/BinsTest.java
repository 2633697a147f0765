package io.warden.detectors.drift;

import static io.warden.detectors.drift.ScipyFixture.doubles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

class BinsTest {

    private static final double NEG = Double.NEGATIVE_INFINITY;
    private static final double POS = Double.POSITIVE_INFINITY;

    /** The fixture's inner edges with the outer ones; -0.0 (NumPy keeps it) compares as 0.0. */
    private static double[] withOuter(double[] inner) {
        double[] edges = new double[inner.length + 2];
        edges[0] = NEG;
        for (int i = 0; i < inner.length; i++) {
            edges[i + 1] = inner[i] + 0.0;
        }
        edges[edges.length - 1] = POS;
        return edges;
    }

    @Test
    void equalFrequencyEdgesAreNumpysInvertedCdfQuantilesDeduplicated() {
        for (JsonNode pair : ScipyFixture.section("ks_pairs")) {
            double[] x = doubles(pair.get("x"));
            int bins = pair.get("bins").intValue();
            assertThat(Bins.equalFrequencyEdges(x, bins))
                    .as(pair.get("name").asText())
                    .containsExactly(withOuter(doubles(pair.get("inner_edges"))));
        }
    }

    @Test
    void proportionsInRightClosedBinsMatchNumpy() {
        for (JsonNode pair : ScipyFixture.section("ks_pairs")) {
            double[] edges = withOuter(doubles(pair.get("inner_edges")));
            assertThat(Bins.proportions(doubles(pair.get("x")), edges))
                    .as(pair.get("name").asText())
                    .containsExactly(doubles(pair.get("x_proportions")), within(1e-15));
            assertThat(Bins.proportions(doubles(pair.get("y")), edges))
                    .as(pair.get("name").asText())
                    .containsExactly(doubles(pair.get("y_proportions")), within(1e-15));
        }
    }

    @Test
    void aValueOnAnEdgeBelongsToTheBinBelowIt() {
        double[] edges = {NEG, 1.0, 2.0, POS};
        assertThat(Bins.counts(new double[] {NEG, 0.5, 1.0, 1.5, 2.0, 2.5, POS}, edges))
                .containsExactly(3, 2, 2);
    }

    @Test
    void sketchHoldingAllItsValuesGivesTheSameEdgesAndProportionsAsTheSample() {
        for (JsonNode pair : ScipyFixture.section("ks_pairs")) {
            double[] x = doubles(pair.get("x"));
            double[] y = doubles(pair.get("y"));
            int bins = pair.get("bins").intValue();
            KllDoublesSketch sx = Samples.sketch(x, 2000);
            KllDoublesSketch sy = Samples.sketch(y, 2000);
            assertThat(sx.isEstimationMode()).isFalse();
            double[] edges = Bins.equalFrequencyEdges(x, bins);
            assertThat(Bins.equalFrequencyEdges(sx, bins))
                    .as(pair.get("name").asText())
                    .containsExactly(edges);
            assertThat(Bins.proportions(sy, edges))
                    .containsExactly(Bins.proportions(y, edges), within(1e-12));
        }
    }

    @Test
    void heavyTiesGiveFewerBinsWithTheTiedValueAtTheTopOfItsOwnBin() {
        double[] sample = new double[1000];
        for (int i = 600; i < sample.length; i++) {
            sample[i] = i; // 60% zeros, then distinct values
        }
        double[] edges = Bins.equalFrequencyEdges(sample, 10);
        // Deciles 1..6 are all 0; 7..9 are 699, 799, 899.
        assertThat(edges).containsExactly(NEG, 0.0, 699.0, 799.0, 899.0, POS);
        assertThat(Bins.proportions(sample, edges)[0]).isEqualTo(0.6);

        double[] constant = new double[50];
        Arrays.fill(constant, 3.0);
        assertThat(Bins.equalFrequencyEdges(constant, 10)).containsExactly(NEG, 3.0, POS);
    }

    @Test
    void sketchProportionsAreWithinTwiceTheRankErrorOfTheExactOnes() {
        double[] reference = Samples.normal(1, 60_000, 0);
        double[] window = Samples.normal(2, 30_000, 0.2);
        KllDoublesSketch sr = Samples.sketch(reference);
        KllDoublesSketch sw = Samples.sketch(window);
        double eps = sw.getNormalizedRankError(false);
        double[] edges = Bins.equalFrequencyEdges(sr, 10);
        assertThat(edges).hasSize(11);
        assertThat(Bins.proportions(sw, edges))
                .containsExactly(Bins.proportions(window, edges), within(2 * eps));
        // The sketch's edges are quantiles of ranks within eps of j/10 in the exact data.
        double[] exact = Bins.proportions(reference, edges);
        for (double p : exact) {
            assertThat(p).isCloseTo(0.1, within(2 * eps));
        }
    }

    @Test
    void oneBinHoldsEverything() {
        double[] edges = Bins.equalFrequencyEdges(new double[] {1, 2, 3}, 1);
        assertThat(edges).containsExactly(NEG, POS);
        assertThat(Bins.proportions(Samples.sketch(new double[] {5, 6}), edges))
                .containsExactly(1.0);
    }

    @Test
    void invalidInputsAreRejectedNamingTheProblem() {
        assertThatThrownBy(() -> Bins.requireEdges(new double[] {NEG}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least -inf and +inf");
        assertThatThrownBy(() -> Bins.requireEdges(new double[] {0, 1, POS}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("start at -inf and end at +inf");
        assertThatThrownBy(() -> Bins.requireEdges(new double[] {NEG, 2, 1, POS}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> Bins.requireEdges(new double[] {NEG, Double.NaN, POS}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inner bin edge 1 must be finite");
        assertThatThrownBy(() -> Bins.equalFrequencyEdges(new double[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("number of bins");
        assertThatThrownBy(() -> Bins.counts(new double[] {1, Double.NaN}, new double[] {NEG, POS}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN at index 1");
        assertThatThrownBy(() -> Bins.equalFrequencyEdges(KllDoublesSketch.newHeapInstance(), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sketch must not be empty");
    }
}
