package io.warden.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.warden.simulator.data.Dataset;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java model's forward pass against a hand computation, and its input gradient (hand-written
 * backpropagation) against central finite differences of its loss on the served models.
 */
class MlpTest {

    /**
     * 2 features, 2 hidden units, 2 classes; z = (x - 1) / 2, W1 = [[1, -1], [0.5, 2]], b1 = [0,
     * -1], W2 = [[1, 0], [-1, 1]], b2 = [0.5, 0].
     */
    private static Mlp tiny() {
        return new Mlp(
                new Standardization(new double[] {1, 1}, new double[] {2, 2}),
                new double[] {1, -1, 0.5, 2},
                new double[] {0, -1},
                new double[] {1, 0, -1, 1},
                new double[] {0.5, 0});
    }

    @Test
    void shouldComputeTheForwardPassByHand() {
        // x = (3, 5): z = (1, 2); pre = (1 + 1, -1 + 4 - 1) = (2, 2); h = (2, 2);
        // o = (2 - 2 + 0.5, 0 + 2) = (0.5, 2); p = softmax(o).
        double[] x = {3, 5};
        assertThat(tiny().logits(x)).containsExactly(0.5, 2.0);
        double e = Math.exp(-1.5);
        assertThat(tiny().probabilities(x)[0]).isCloseTo(e / (1 + e), within(1e-15));
        assertThat(tiny().predict(x)).isEqualTo(1);
        // x = (1, 1): z = 0; pre = (0, -1); h = 0; o = b2.
        assertThat(tiny().logits(new double[] {1, 1})).containsExactly(0.5, 0.0);
    }

    @Test
    void shouldGiveTheLossAsMinusTheLogOfTheLabelsProbability() {
        Mlp model = tiny();
        double[] x = {-2, 4};
        for (int label = 0; label < 2; label++) {
            assertThat(model.loss(x, label))
                    .isCloseTo(-Math.log(model.probabilities(x)[label]), within(1e-12));
        }
    }

    static Stream<ServedModel> servedModels() {
        return ServedModels.all().stream();
    }

    @ParameterizedTest
    @MethodSource("servedModels")
    void shouldMatchCentralFiniteDifferencesOfTheLoss(ServedModel served) {
        Mlp model = served.network();
        Dataset test = served.split().test();
        double[] units = served.perturbationUnits();
        double worst = 0;
        for (int r = 0; r < 40; r++) {
            double[] x = test.row(r * 3);
            // The true label and another one: the gradient an untargeted and a targeted attack use.
            for (int label : new int[] {test.label(r * 3), (test.label(r * 3) + 1) % 2}) {
                double[] gradient = model.inputGradient(x, label);
                double[] numeric = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    double h = 1e-5 * units[i];
                    double[] plus = x.clone();
                    double[] minus = x.clone();
                    plus[i] += h;
                    minus[i] -= h;
                    numeric[i] = (model.loss(plus, label) - model.loss(minus, label)) / (2 * h);
                }
                worst = Math.max(worst, relativeError(gradient, numeric));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%s: largest relative error of the input gradient %.2e%n",
                served.name(),
                worst);
        assertThat(worst).isLessThan(1e-5);
    }

    private static double relativeError(double[] a, double[] b) {
        double difference = 0;
        double size = 0;
        for (int i = 0; i < a.length; i++) {
            difference += (a[i] - b[i]) * (a[i] - b[i]);
            size += b[i] * b[i];
        }
        return Math.sqrt(difference) / Math.max(1e-12, Math.sqrt(size));
    }

    @Test
    void shouldReadBackExactlyTheExportedParameters() {
        Mlp model = ServedModels.BREAST_CANCER.network();
        byte[] onnx = model.toOnnx("m", "in", "out", "doc", List.of());
        assertThat(Mlp.fromOnnx(onnx)).isEqualTo(model);
        assertThat(model.toOnnx("m", "in", "out", "doc", List.of())).isEqualTo(onnx);
    }

    @Test
    void shouldRoundParametersToFloat() {
        Mlp model =
                new Mlp(
                        Standardization.uniform(1, 0, 1),
                        new double[] {0.1},
                        new double[] {0},
                        new double[] {1, -1},
                        new double[] {0, 0});
        // h = 0.1f * 10 = 1.0000000149...; logits (h, -h).
        assertThat(model.logits(new double[] {10})[0]).isEqualTo(10 * (double) 0.1f);
    }

    @Test
    void shouldRefuseAnUnknownLabelAndAWrongWidth() {
        assertThatThrownBy(() -> tiny().inputGradient(new double[] {0, 0}, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 2");
        assertThatThrownBy(() -> tiny().probabilities(new double[] {0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 values for a model of 2 features");
    }
}
