package io.warden.simulator.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.warden.simulator.data.FeatureBox;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The geometry of the norms and of a threat model with units and a box. */
class ThreatModelTest {

    private static final double[] LOWER = {0, -5, 100, 0};
    private static final double[] UPPER = {1, 5, 3000, 0.5};
    private static final double[] UNITS = {0.2, 2, 500, 0.05};

    private static ThreatModel threat(Norm norm, double epsilon) {
        return new ThreatModel(norm, epsilon, FeatureBox.of(LOWER, UPPER), UNITS);
    }

    @Test
    void shouldMeasureTheNorms() {
        double[] v = {3, -4, 0};
        assertThat(Norm.LINF.of(v)).isEqualTo(4);
        assertThat(Norm.L2.of(v)).isEqualTo(5);
        assertThat(Norm.LINF.steepestAscent(v)).containsExactly(1, -1, 0);
        assertThat(Norm.L2.steepestAscent(v)).containsExactly(0.6, -0.8, 0);
        assertThat(Norm.L2.steepestAscent(new double[] {0, 0})).containsExactly(0, 0);
    }

    @Test
    void shouldProjectOntoTheBall() {
        double[] v = {3, -4};
        Norm.L2.project(v, 1);
        assertThat(v[0]).isCloseTo(0.6, within(1e-15));
        assertThat(v[1]).isCloseTo(-0.8, within(1e-15));
        double[] w = {3, -0.5};
        Norm.LINF.project(w, 1);
        assertThat(w).containsExactly(1, -0.5);
        double[] inside = {0.1, 0.2};
        Norm.L2.project(inside, 1);
        assertThat(inside).containsExactly(0.1, 0.2);
    }

    @ParameterizedTest
    @EnumSource(Norm.class)
    void shouldDrawRandomStartsInsideTheBallAndTheBox(Norm norm) {
        ThreatModel threat = threat(norm, 0.7);
        SplittableRandom random = new SplittableRandom(3);
        double[] x = {0.5, 4.5, 120, 0.25};
        double largest = 0;
        for (int k = 0; k < 2000; k++) {
            double[] start = threat.randomStart(x, random);
            assertThat(threat.box().contains(start)).isTrue();
            largest = Math.max(largest, threat.distance(x, start));
        }
        assertThat(largest).isLessThanOrEqualTo(0.7 + 1e-12).isGreaterThan(0.5);
    }

    @ParameterizedTest
    @EnumSource(Norm.class)
    void shouldProjectAnyCandidateIntoTheThreatModel(Norm norm) {
        ThreatModel threat = threat(norm, 1.5);
        SplittableRandom random = new SplittableRandom(9);
        double[] x = {0.9, -4, 2000, 0.01};
        for (int k = 0; k < 2000; k++) {
            double[] candidate = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                candidate[i] = x[i] + 10 * UNITS[i] * random.nextGaussian();
            }
            double[] projected = threat.project(x, candidate);
            assertThat(threat.box().contains(projected)).isTrue();
            assertThat(threat.distance(x, projected)).isLessThanOrEqualTo(1.5 + 1e-12);
        }
    }

    @Test
    void shouldStepInUnitsOfEachFeature() {
        ThreatModel threat = threat(Norm.LINF, 1);
        assertThat(threat.ascentStep(new double[] {1, -1, 1e-9, 0}, 0.5))
                .containsExactly(0.1, -1, 250, 0);
        // L2: the gradient in units is (g_i * u_i) = (0.2, 0, 0, 0), a unit step along it.
        assertThat(threat(Norm.L2, 1).ascentStep(new double[] {1, 0, 0, 0}, 2))
                .containsExactly(0.4, 0, 0, 0);
    }

    @Test
    void shouldRefuseARowOutsideTheBoxAndBadSettings() {
        ThreatModel threat = threat(Norm.L2, 1);
        assertThatThrownBy(() -> threat.project(new double[] {2, 0, 200, 0}, new double[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the valid feature box");
        assertThatThrownBy(() -> threat.withEpsilon(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epsilon");
        assertThatThrownBy(
                        () ->
                                new ThreatModel(
                                        Norm.L2,
                                        1,
                                        FeatureBox.of(LOWER, UPPER),
                                        new double[] {1, 1, 0, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("units must be positive");
        assertThatThrownBy(() -> new Pgd(threat, 0.1, 0, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("iterations");
    }
}
