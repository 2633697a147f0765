package io.warden.detectors.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

class NumericReferenceTest {

    @Test
    void derivesEqualFrequencyBinsAndTheStandardDeviationFromTheSketch() {
        double[] values = Samples.normal(1, 50_000, 3.0);
        NumericReference ref = NumericReference.of(Samples.sketch(values), 10);

        assertThat(ref.count()).isEqualTo(50_000);
        assertThat(ref.k()).isEqualTo(200);
        assertThat(ref.binEdges()).hasSize(11);
        double eps = ref.rankErrorBound();
        assertThat(eps).isEqualTo(KllDoublesSketch.getNormalizedRankError(200, false));
        for (double p : ref.binProportions()) {
            assertThat(p).isCloseTo(0.1, within(2 * eps));
        }
        assertThat(ref.standardDeviation()).isCloseTo(1.0, within(0.05));
    }

    @Test
    void aGivenStandardDeviationWinsOverTheSketchs() {
        KllDoublesSketch sketch = Samples.sketch(Samples.normal(2, 1000, 0));
        NumericReference ref =
                NumericReference.of(sketch, Bins.equalFrequencyEdges(sketch, 5), 2.5);
        assertThat(ref.standardDeviation()).isEqualTo(2.5);
        assertThat(ref.binEdges()).hasSize(6);
    }

    @Test
    void laterUpdatesToTheCallersSketchDoNotLeakIn() {
        KllDoublesSketch sketch = Samples.sketch(new double[] {1, 2, 3});
        NumericReference ref = NumericReference.of(sketch, 2);
        sketch.update(100);
        assertThat(ref.count()).isEqualTo(3);
        assertThat(ref.sketch().getN()).isEqualTo(3);
        ref.sketch().update(5); // a copy each time
        assertThat(ref.sketch().getN()).isEqualTo(3);
    }

    @Test
    void serializationRoundTripsToAnEqualReferenceThatGivesTheSameResults() {
        NumericReference ref =
                NumericReference.of(Samples.sketch(Samples.normal(3, 30_000, 0)), 10);
        NumericReference copy = SerializationRoundTrip.roundTrip(ref);
        assertThat(copy).isEqualTo(ref).hasSameHashCodeAs(ref);
        assertThat(copy.binProportions()).containsExactly(ref.binProportions());
        assertThat(copy.standardDeviation()).isEqualTo(ref.standardDeviation());

        KllDoublesSketch window = Samples.sketch(Samples.normal(4, 5_000, 0.2));
        UnivariateDrift drift = UnivariateDrift.withDefaults();
        assertThat(drift.numeric(copy, window)).isEqualTo(drift.numeric(ref, window));
    }

    @Test
    void invalidInputsAreRejectedNamingTheProblem() {
        assertThatThrownBy(() -> NumericReference.of(KllDoublesSketch.newHeapInstance(), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reference sketch must not be empty");
        KllDoublesSketch sketch = Samples.sketch(new double[] {1, 2, 3});
        assertThatThrownBy(() -> NumericReference.of(sketch, new double[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-inf");
        assertThatThrownBy(
                        () ->
                                NumericReference.of(
                                        sketch,
                                        new double[] {
                                            Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY
                                        },
                                        Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("standard deviation");
        assertThatThrownBy(
                        () ->
                                NumericReference.of(
                                        Samples.sketch(new double[] {1, Double.NEGATIVE_INFINITY}),
                                        2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
    }
}
