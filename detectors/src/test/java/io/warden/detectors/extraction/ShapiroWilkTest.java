package io.warden.detectors.extraction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ShapiroWilkTest {

    private static final JsonNode FIXTURE = load();

    private static JsonNode load() {
        try (InputStream in = ShapiroWilkTest.class.getResourceAsStream("scipy_shapiro.json")) {
            if (in == null) {
                throw new IllegalStateException("scipy_shapiro.json is missing");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<JsonNode> samples() {
        List<JsonNode> all = new ArrayList<>();
        FIXTURE.get("samples").forEach(all::add);
        return all.stream();
    }

    static Stream<JsonNode> coefficientSets() {
        List<JsonNode> all = new ArrayList<>();
        FIXTURE.get("coefficients").forEach(all::add);
        return all.stream();
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).doubleValue();
        }
        return values;
    }

    /**
     * SciPy 1.10.1 runs AS R94 in single precision, so W can only agree to float precision: over
     * the fixture the largest difference measured was 3.0e-6 (a 1000-value sample with ties), most
     * are below 5e-7.
     */
    private static final double W_TOLERANCE = 4e-6;

    /** Relative slack for the p-value once SciPy's W rounding is accounted for. */
    private static final double P_RELATIVE_SLACK = 1e-6;

    /** Below the smallest normal float, SciPy's single-precision p-value is zero. */
    private static final double FLOAT_UNDERFLOW = 1.2e-38;

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void statisticAgreesWithScipyToItsSinglePrecision(JsonNode sample) {
        double[] x = doubles(sample.get("x"));
        ShapiroWilk.Result result = ShapiroWilk.test(x);

        assertThat(result.n()).isEqualTo(x.length);
        assertThat(result.w()).isCloseTo(sample.get("w").doubleValue(), within(W_TOLERANCE));
    }

    /**
     * SciPy computes its p-value from its single-precision 1 &minus; W, which near W = 1 is only a
     * few bits good (at n = 5000 its p-value of a normal sample is 1.1% off the double-precision
     * one). So SciPy's p-value must lie between this class's p-values at SciPy's W &plusmn; the W
     * tolerance, with 1e-6 relative slack: that checks the p-value formula as tightly as SciPy's
     * precision allows, and for small samples, where 1 &minus; W is large, the band is narrow.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void pValueAgreesWithScipyWithinWhatItsWPrecisionAllows(JsonNode sample) {
        int n = sample.get("x").size();
        double scipyW = sample.get("w").doubleValue();
        // SciPy's float32 asin gives -9.1e-7 for the n = 3 sample with W = 0.75; p is at least 0.
        double scipyP = Math.max(0.0, sample.get("p").doubleValue());
        double atLowerW = ShapiroWilk.pValue(n, Math.max(0.0, scipyW - W_TOLERANCE));
        double atUpperW = ShapiroWilk.pValue(n, Math.min(1.0, scipyW + W_TOLERANCE));
        double low = Math.min(atLowerW, atUpperW);
        double high = Math.max(atLowerW, atUpperW);
        double slack = P_RELATIVE_SLACK * high + (scipyP == 0.0 ? FLOAT_UNDERFLOW : 0.0);

        assertThat(scipyP).isBetween(low - slack, high + slack);
        double ownP = ShapiroWilk.test(doubles(sample.get("x"))).pValue();
        assertThat(ownP).isBetween(low - slack, high + slack);
    }

    @Test
    void smallSamplesAgreeWithScipyToAFewMillionths() {
        samples()
                .filter(s -> s.get("x").size() <= 20 && s.get("p").doubleValue() > 0.0)
                .forEach(
                        s -> {
                            ShapiroWilk.Result r = ShapiroWilk.test(doubles(s.get("x")));
                            assertThat(r.w())
                                    .as(s.get("name").asText())
                                    .isCloseTo(s.get("w").doubleValue(), within(3e-7));
                            assertThat(r.pValue())
                                    .as(s.get("name").asText())
                                    .isCloseTo(
                                            s.get("p").doubleValue(),
                                            within(1e-5 * s.get("p").doubleValue()));
                        });
    }

    @ParameterizedTest(name = "n = {0}")
    @MethodSource("coefficientSets")
    void coefficientsAgreeWithScipysSinglePrecisionOnes(JsonNode set) {
        int n = set.get("n").asInt();
        double[] expected = doubles(set.get("a"));
        double[] actual = ShapiroWilk.coefficients(n);

        assertThat(actual).hasSameSizeAs(expected);
        // AS R94 stores the only coefficient for n = 3, sqrt(1/2), as 0.70711; W does not depend
        // on the coefficients' scale, so this class uses the exact value.
        double relative = n == 3 ? 1e-5 : 1e-6;
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i])
                    .as("a[%d] for n = %d", i, n)
                    .isCloseTo(expected[i], within(relative * Math.abs(expected[i]) + 1e-7));
        }
    }

    @Test
    void equallySpacedThreeValuesAreExactlyNormal() {
        ShapiroWilk.Result result = ShapiroWilk.test(new double[] {3.0, 1.0, 2.0});

        assertThat(result.w()).isCloseTo(1.0, within(1e-15));
        assertThat(result.pValue()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void statisticIsInvariantToLocationAndScale() {
        double[] x = doubles(FIXTURE.get("samples").get(0).get("x"));
        double[] moved = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            moved[i] = 1e6 + 1e-3 * x[i];
        }

        assertThat(ShapiroWilk.test(moved).w()).isCloseTo(ShapiroWilk.test(x).w(), within(1e-9));
    }

    @Test
    void testSortedReadsOnlyThePrefixAndLeavesTheArrayAlone() {
        double[] scratch = {1.0, 2.0, 4.0, 8.0, -5.0};
        double[] copy = scratch.clone();

        assertThat(ShapiroWilk.testSorted(scratch, 4))
                .isEqualTo(ShapiroWilk.test(new double[] {8.0, 4.0, 2.0, 1.0}));
        assertThat(scratch).containsExactly(copy);
    }

    @Test
    void rejectsSamplesOutsideTheMethodsDomain() {
        assertThatThrownBy(() -> ShapiroWilk.test(new double[] {1.0, 2.0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sample size");
        assertThatThrownBy(() -> ShapiroWilk.test(new double[5001]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sample size");
        assertThatThrownBy(() -> ShapiroWilk.test(new double[] {2.0, 2.0, 2.0, 2.0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("equal");
        assertThatThrownBy(() -> ShapiroWilk.test(new double[] {1.0, Double.NaN, 2.0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not finite");
        assertThatThrownBy(() -> ShapiroWilk.testSorted(new double[] {3.0, 1.0, 2.0}, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not sorted");
    }
}
