package io.warden.detectors.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftStatisticTest {

    @Test
    void distancesDriftAtOrAboveTheirThresholdAndTestsAtOrBelowIt() {
        assertThat(DriftStatistic.distance("psi", 0.1, 0.1).drifted()).isTrue();
        assertThat(DriftStatistic.distance("psi", 0.0999, 0.1).drifted()).isFalse();
        assertThat(DriftStatistic.test("ks", 0.2, 0.05, 0.05).drifted()).isTrue();
        assertThat(DriftStatistic.test("ks", 0.2, 0.0501, 0.05).drifted()).isFalse();
        assertThat(DriftStatistic.distance("psi", 0.3, 0.1).hasPValue()).isFalse();
    }

    @Test
    void anAdjustedPValueIsDecidedAgainAtTheFamilyLevel() {
        DriftStatistic ks = DriftStatistic.test("ks", 0.1, 0.01, 0.05);
        DriftStatistic adjusted = ks.withAdjustedPValue(0.2, 0.05);
        assertThat(adjusted.pValue()).isEqualTo(0.2);
        assertThat(adjusted.value()).isEqualTo(0.1);
        assertThat(adjusted.drifted()).isFalse();
        assertThatThrownBy(
                        () -> DriftStatistic.distance("psi", 1, 0.1).withAdjustedPValue(0.1, 0.05))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("psi has no p-value");
    }

    @Test
    void thresholdsDefaultToEvidentlysAndAreReplacedOneAtATime() {
        DriftThresholds d = DriftThresholds.defaults();
        assertThat(
                        List.of(
                                d.psi(),
                                d.jsDistance(),
                                d.wassersteinNorm(),
                                d.ksPValue(),
                                d.chiSquaredPValue()))
                .containsExactly(0.1, 0.1, 0.1, 0.05, 0.05);
        assertThat(d.verdictRule()).isEqualTo(VerdictRule.AUTO);
        assertThat(d.smallSampleLimit()).isEqualTo(1000);
        DriftThresholds custom = d.withPsi(0.25).withSmallSampleLimit(5000);
        assertThat(custom.psi()).isEqualTo(0.25);
        assertThat(custom.smallSampleLimit()).isEqualTo(5000);
        assertThat(custom.ksPValue()).isEqualTo(0.05);
    }

    @Test
    void operatorHeldObjectsAndResultsSurviveJavaSerialization() {
        UnivariateDrift drift =
                UnivariateDrift.of(DriftThresholds.defaults().withVerdictRule(VerdictRule.ANY));
        assertThat(SerializationRoundTrip.roundTrip(drift)).isEqualTo(drift);

        CategoricalReference ref = CategoricalReference.of(Map.of("a", 1L, "b", 2L));
        UnivariateDriftResult result = drift.categorical(ref, Map.of("a", 10L, "c", 3L));
        assertThat(SerializationRoundTrip.roundTrip(result)).isEqualTo(result);
    }

    @Test
    void invalidFieldsAreRejectedNamingTheProblem() {
        assertThatThrownBy(() -> new DriftStatistic(" ", 1, Double.NaN, 1, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name must not be blank");
        assertThatThrownBy(() -> new DriftStatistic("ks", Double.NaN, 0.5, 0.05, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value of ks must not be NaN");
        assertThatThrownBy(() -> new DriftStatistic("ks", 0.1, 1.5, 0.05, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p-value of ks must be in [0, 1]");
        assertThatThrownBy(() -> new DriftStatistic("ks", 0.1, 0.5, Double.NaN, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threshold of ks must not be NaN");
    }
}
