package io.warden.detectors.confidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExplanationFormatTest {

    @Test
    void percentagesNeverRoundAStrictFractionToZeroOrAHundred() {
        assertThat(ExplanationFormat.percent(0.999)).isEqualTo("99.9%");
        assertThat(ExplanationFormat.percent(0.9996)).isEqualTo("99.96%");
        assertThat(ExplanationFormat.percent(0.99995)).isEqualTo("99.995%");
        assertThat(ExplanationFormat.percent(0.99999999)).isEqualTo(">99.9999%");
        assertThat(ExplanationFormat.percent(0.00001)).isEqualTo("0.001%");
        assertThat(ExplanationFormat.percent(1e-12)).isEqualTo("<0.0001%");
        assertThat(ExplanationFormat.percent(0.5)).isEqualTo("50.0%");
        assertThat(ExplanationFormat.percent(0.0004)).isEqualTo("0.04%");
        assertThat(ExplanationFormat.percent(0)).isEqualTo("0%");
        assertThat(ExplanationFormat.percent(1)).isEqualTo("100%");
    }

    @Test
    void numbersUseAFixedLocaleAndFewDigits() {
        assertThat(ExplanationFormat.statistic(0.21)).isEqualTo("0.210");
        assertThat(ExplanationFormat.statistic(2.302585)).isEqualTo("2.30");
        assertThat(ExplanationFormat.probability(1.0 / 3000)).isEqualTo("0.00033");
        assertThat(ExplanationFormat.probability(0.88)).isEqualTo("0.88");
        assertThat(ExplanationFormat.probability(5e-5)).isEqualTo("5.0e-05");
        assertThat(ExplanationFormat.probability(1)).isEqualTo("1.0");
    }

    /** Values of every magnitude, and the ones where rounding changes the exponent or notation. */
    private static List<Double> values() {
        List<Double> values =
                new ArrayList<>(
                        List.of(
                                0.0,
                                -0.0,
                                1.0,
                                0.1,
                                0.5,
                                9.9951,
                                9.9996,
                                99.96,
                                999.6,
                                0.0001,
                                0.00009996,
                                0.000099,
                                0.00099996,
                                1e-5,
                                123.4,
                                1234.5,
                                1e10,
                                -2.5e-7,
                                1e-289,
                                9.99e289,
                                Double.NaN,
                                Double.POSITIVE_INFINITY,
                                Double.MIN_VALUE,
                                Double.MAX_VALUE));
        for (int k = -20; k <= 20; k++) {
            values.add(Math.pow(10, k));
            values.add(Math.nextDown(Math.pow(10, k)));
            values.add(Math.nextUp(Math.pow(10, k)));
        }
        Random random = new Random(99);
        for (int i = 0; i < 4_000; i++) {
            double mantissa = 1 + 9 * random.nextDouble();
            values.add(mantissa * Math.pow(10, random.nextInt(31) - 15));
        }
        for (int i = 0; i < 4_000; i++) {
            values.add((1 + random.nextInt(20_000)) / 20_001.0); // conformal p-values
        }
        return values;
    }

    @Test
    void significantDigitsAgreeWithStringFormat() {
        for (int digits = 1; digits <= 6; digits++) {
            List<String> mismatches = new ArrayList<>();
            for (double v : values()) {
                String expected = String.format(Locale.ROOT, "%." + digits + "g", v);
                String actual =
                        ExplanationFormat.appendSignificant(new StringBuilder(), v, digits)
                                .toString();
                if (!actual.equals(expected)) {
                    mismatches.add(v + ": " + actual + " vs " + expected);
                }
            }
            assertThat(mismatches).as("%d digits", digits).isEmpty();
        }
    }

    @Test
    void decimalTiesRoundTheStoredBinaryValue() {
        // 9.995 is stored as 9.99499999999999957...; String.format rounds "9.995" up to 10.0.
        assertThat(ExplanationFormat.statistic(9.995)).isEqualTo("9.99");
        assertThat(ExplanationFormat.statistic(0.125)).isEqualTo("0.125");
        assertThat(ExplanationFormat.probability(0.125)).isEqualTo("0.13"); // 0.125 is exact
    }

    @Test
    void percentagesAgreeWithStringFormatWhereTheyHaveDigits() {
        Random random = new Random(98);
        for (int i = 0; i < 20_000; i++) {
            double fraction = random.nextDouble();
            String expected = String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
            if (!expected.equals("0.0%") && !expected.startsWith("100")) {
                assertThat(ExplanationFormat.percent(fraction)).isEqualTo(expected);
            }
        }
    }
}
