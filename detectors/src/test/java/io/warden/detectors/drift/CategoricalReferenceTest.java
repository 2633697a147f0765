package io.warden.detectors.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CategoricalReferenceTest {

    @Test
    void categoriesAreOrderedByNameWhateverTheMapsOrder() {
        Map<String, Long> counts = new HashMap<>();
        counts.put("zebra", 10L);
        counts.put("ant", 30L);
        counts.put("moose", 60L);
        CategoricalReference ref = CategoricalReference.of(counts);
        assertThat(ref.categories()).containsExactly("ant", "moose", "zebra");
        assertThat(ref.indexOf("moose")).isEqualTo(1);
        assertThat(ref.indexOf("yak")).isEqualTo(-1);
        assertThat(ref.proportion(0)).isCloseTo(0.3, within(1e-15));
    }

    @Test
    void expectedProportionsGiveTheUnseenCellItsShareAndSumToOne() {
        CategoricalReference ref = CategoricalReference.of(List.of("a", "b"), new double[] {3, 1});
        double[] expected = ref.expectedProportions();
        double u = CategoricalReference.DEFAULT_UNSEEN_PROPORTION;
        assertThat(expected)
                .containsExactly(new double[] {0.75 * (1 - u), 0.25 * (1 - u), u}, within(1e-15));
        assertThat(expected[0] + expected[1] + expected[2]).isCloseTo(1.0, within(1e-15));
    }

    @Test
    void serializationRoundTripsToAnEqualReference() {
        CategoricalReference ref =
                CategoricalReference.of(Map.of("x", 0.1, "y", 0.7, "z", 0.2), 1e-3);
        CategoricalReference copy = SerializationRoundTrip.roundTrip(ref);
        assertThat(copy).isEqualTo(ref).hasSameHashCodeAs(ref);
        assertThat(copy.expectedProportions()).containsExactly(ref.expectedProportions());
        assertThat(copy.indexOf("y")).isEqualTo(1);
    }

    @Test
    void invalidInputsAreRejectedNamingTheProblem() {
        assertThatThrownBy(() -> CategoricalReference.of(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reference frequencies must not be empty");
        assertThatThrownBy(() -> CategoricalReference.of(Map.of("a", 0, "b", 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive finite sum");
        assertThatThrownBy(() -> CategoricalReference.of(Map.of("a", -1.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite and non-negative");
        assertThatThrownBy(() -> CategoricalReference.of(List.of("a", "a"), new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate category 'a'");
        assertThatThrownBy(() -> CategoricalReference.of(List.of("a"), new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one frequency per category");
        assertThatThrownBy(() -> CategoricalReference.of(Map.of("a", 1), 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unseen-category proportion");
    }
}
