package io.warden.detectors.confidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfidenceTest {

    private static final double EPS = 1e-12;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 10, 1000})
    void entropyOfTheUniformDistributionOverKClassesIsLnK(int k) {
        double[] uniform = new double[k];
        Arrays.fill(uniform, 1.0 / k);
        double lnK = Math.log(k);

        assertThat(Confidence.entropy(uniform)).isCloseTo(lnK, within(EPS));
        assertThat(Confidence.ofProbabilities(uniform).entropy()).isCloseTo(lnK, within(EPS));
        assertThat(Confidence.ofLogits(new double[k]).entropy()).isCloseTo(lnK, within(EPS));
        assertThat(Confidence.ofLogits(new double[k]).msp()).isCloseTo(1.0 / k, within(EPS));
    }

    @Test
    void softmaxOfLogZeroLogTwoLogThreeIsOneSixthOneThirdOneHalf() {
        double[] logits = {0.0, Math.log(2), Math.log(3)};
        assertThat(Confidence.softmax(logits))
                .containsExactly(new double[] {1.0 / 6, 2.0 / 6, 3.0 / 6}, within(EPS));
    }

    @Test
    void softmaxIsStableForLogitsOfLargeMagnitude() {
        double e = Math.E;
        assertThat(Confidence.softmax(new double[] {1000, 1001}))
                .containsExactly(new double[] {1 / (1 + e), e / (1 + e)}, within(EPS));
        assertThat(Confidence.softmax(new double[] {-1000, -1001}))
                .containsExactly(new double[] {e / (1 + e), 1 / (1 + e)}, within(EPS));

        Confidence extreme = Confidence.ofLogits(new double[] {-1e308, 1e308});
        assertThat(extreme.msp()).isEqualTo(1.0);
        assertThat(extreme.entropy()).isEqualTo(0.0);
        assertThat(extreme.margin()).isEqualTo(1.0);
        assertThat(extreme.predictedClass()).isEqualTo(1);
    }

    @Test
    void softmaxCanWorkInPlace() {
        double[] v = {0.0, Math.log(2), Math.log(3)};
        Confidence.softmax(v, v);
        assertThat(v).containsExactly(new double[] {1.0 / 6, 2.0 / 6, 3.0 / 6}, within(EPS));
    }

    @Test
    void logitsGiveTheClosedFormStatisticsOfTheirSoftmax() {
        Confidence c = Confidence.ofLogits(new double[] {0.0, Math.log(2), Math.log(3)});
        double expectedEntropy =
                (1.0 / 6) * Math.log(6) + (1.0 / 3) * Math.log(3) + (1.0 / 2) * Math.log(2);
        assertThat(c.predictedClass()).isEqualTo(2);
        assertThat(c.msp()).isCloseTo(0.5, within(EPS));
        assertThat(c.margin()).isCloseTo(0.5 - 1.0 / 3, within(EPS));
        assertThat(c.entropy()).isCloseTo(expectedEntropy, within(EPS));
    }

    @Test
    void twoClassStatisticsMatchTheirDefinitions() {
        Confidence c = Confidence.ofProbabilities(new double[] {0.3, 0.7});
        assertThat(c.predictedClass()).isEqualTo(1);
        assertThat(c.msp()).isEqualTo(0.7);
        assertThat(c.margin()).isCloseTo(0.4, within(EPS));
        assertThat(c.entropy())
                .isCloseTo(-(0.3 * Math.log(0.3) + 0.7 * Math.log(0.7)), within(EPS));
    }

    @Test
    void zeroProbabilitiesAddNothingToTheEntropy() {
        Confidence c = Confidence.ofProbabilities(new double[] {0, 1, 0});
        assertThat(c.entropy()).isEqualTo(0.0);
        assertThat(c.msp()).isEqualTo(1.0);
        assertThat(c.margin()).isEqualTo(1.0);
        assertThat(c.predictedClass()).isEqualTo(1);
    }

    @Test
    void tiedTopClassesPickTheLowestIndexAndHaveZeroMargin() {
        Confidence p = Confidence.ofProbabilities(new double[] {0.2, 0.4, 0.4});
        assertThat(p.predictedClass()).isEqualTo(1);
        assertThat(p.margin()).isEqualTo(0.0);
        assertThat(Confidence.argmax(new double[] {3, 5, 5, 1})).isEqualTo(1);

        Confidence l = Confidence.ofLogits(new double[] {-1, 2, 2});
        assertThat(l.predictedClass()).isEqualTo(1);
        assertThat(l.margin()).isEqualTo(0.0);
    }

    @Test
    void marginIsTopOneMinusTopTwoWhereverTheyAre() {
        assertThat(Confidence.margin(new double[] {0.1, 0.25, 0.05, 0.6}))
                .isCloseTo(0.35, within(EPS));
        assertThat(Confidence.margin(new double[] {0.6, 0.1, 0.25, 0.05}))
                .isCloseTo(0.35, within(EPS));
        assertThat(Confidence.ofProbabilities(new double[] {0.25, 0.6, 0.1, 0.05}).margin())
                .isCloseTo(0.35, within(EPS));
    }

    @Test
    void aSingleClassHasMarginOneAndEntropyZero() {
        Confidence p = Confidence.ofProbabilities(new double[] {1.0});
        Confidence l = Confidence.ofLogits(new double[] {3.7});
        for (Confidence c : List.of(p, l)) {
            assertThat(c.predictedClass()).isZero();
            assertThat(c.msp()).isEqualTo(1.0);
            assertThat(c.margin()).isEqualTo(1.0);
            assertThat(c.entropy()).isEqualTo(0.0);
        }
    }

    // SciPy 1.10.1 reference values; see generate_scipy_confidence.py next to the CSV.

    record ScipyCase(
            String name,
            double[] logits,
            double[] softmax,
            double entropy,
            double msp,
            double margin,
            int argmax) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<ScipyCase> scipyCases() throws IOException {
        try (InputStream in = ConfidenceTest.class.getResourceAsStream("scipy_confidence.csv");
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines()
                    .filter(line -> !line.startsWith("#") && !line.startsWith("name,"))
                    .map(line -> line.split(","))
                    .map(
                            f ->
                                    new ScipyCase(
                                            f[0],
                                            vector(f[1]),
                                            vector(f[2]),
                                            Double.parseDouble(f[3]),
                                            Double.parseDouble(f[4]),
                                            Double.parseDouble(f[5]),
                                            Integer.parseInt(f[6])))
                    .collect(Collectors.toList());
        }
    }

    private static double[] vector(String field) {
        return Arrays.stream(field.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
    }

    @Test
    void scipyFixtureIsPresent() throws IOException {
        assertThat(scipyCases()).hasSizeGreaterThanOrEqualTo(12);
    }

    @ParameterizedTest
    @MethodSource("scipyCases")
    void softmaxMatchesScipy(ScipyCase c) {
        assertThat(Confidence.softmax(c.logits())).containsExactly(c.softmax(), within(EPS));
    }

    @ParameterizedTest
    @MethodSource("scipyCases")
    void statisticsOfLogitsMatchScipy(ScipyCase c) {
        assertMatches(Confidence.ofLogits(c.logits()), c);
    }

    @ParameterizedTest
    @MethodSource("scipyCases")
    void statisticsOfProbabilitiesMatchScipy(ScipyCase c) {
        assertMatches(Confidence.ofProbabilities(c.softmax()), c);
        assertThat(Confidence.entropy(c.softmax())).isCloseTo(c.entropy(), within(EPS));
        assertThat(Confidence.margin(c.softmax())).isCloseTo(c.margin(), within(EPS));
        assertThat(Confidence.argmax(c.softmax())).isEqualTo(c.argmax());
    }

    private static void assertMatches(Confidence actual, ScipyCase expected) {
        assertThat(actual.predictedClass()).isEqualTo(expected.argmax());
        assertThat(actual.msp()).isCloseTo(expected.msp(), within(EPS));
        assertThat(actual.margin()).isCloseTo(expected.margin(), within(EPS));
        assertThat(actual.entropy()).isCloseTo(expected.entropy(), within(EPS));
    }

    // Invalid input.

    @Test
    void probabilitiesSummingToOneWithinTheToleranceAreAccepted() {
        assertThat(Confidence.ofProbabilities(new double[] {0.5, 0.5009}).msp()).isEqualTo(0.5009);
        assertThat(Confidence.ofProbabilities(new double[] {0.5, 0.4991}).msp()).isEqualTo(0.5);
    }

    @Test
    void rejectsProbabilitiesThatDoNotSumToOne() {
        assertThatThrownBy(() -> Confidence.ofProbabilities(new double[] {0.5, 0.502}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must sum to 1 within 0.001")
                .hasMessageContaining("1.002");
        assertThatThrownBy(() -> Confidence.ofProbabilities(new double[] {3.2, -1.1, 0.4}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-negative, but p[1] = -1.1");
        assertThatThrownBy(() -> Confidence.ofProbabilities(new double[] {2.5, 0.1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logits need Confidence.ofLogits");
    }

    @Test
    void rejectsNonFiniteProbabilitiesNamingTheIndex() {
        assertThatThrownBy(() -> Confidence.ofProbabilities(new double[] {0.5, Double.NaN, 0.5}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be finite, but p[1] = NaN");
        assertThatThrownBy(
                        () ->
                                Confidence.ofProbabilities(
                                        new double[] {0, 0, Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be finite, but p[2] = Infinity");
        assertThatThrownBy(() -> Confidence.entropy(new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p[0] = NaN");
        assertThatThrownBy(() -> Confidence.margin(new double[] {0.5, -0.5}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p[1] = -0.5");
    }

    @Test
    void rejectsNonFiniteLogitsNamingTheIndex() {
        assertThatThrownBy(() -> Confidence.ofLogits(new double[] {1, Double.NEGATIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logits must be finite, but logits[1] = -Infinity");
        assertThatThrownBy(() -> Confidence.softmax(new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logits[0] = NaN");
        assertThatThrownBy(() -> Confidence.argmax(new double[] {1, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void rejectsEmptyAndMissingVectors() {
        assertThatThrownBy(() -> Confidence.ofProbabilities(new double[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("probability vector must not be empty");
        assertThatThrownBy(() -> Confidence.ofLogits(new double[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logits must not be empty");
        assertThatThrownBy(() -> Confidence.ofProbabilities(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("probability vector");
    }

    @Test
    void rejectsSoftmaxOutputOfTheWrongLength() {
        assertThatThrownBy(() -> Confidence.softmax(new double[] {1, 2}, new double[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out has length 3 but logits 2");
    }

    @Test
    void rejectsInconsistentRecordComponents() {
        assertThatThrownBy(() -> new Confidence(-1, 0.5, 0.1, 0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("predictedClass must be >= 0");
        assertThatThrownBy(() -> new Confidence(0, Double.NaN, 0.1, 0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("msp must be finite and >= 0");
    }
}
