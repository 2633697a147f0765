package io.warden.detectors.confidence;

import java.util.Locale;

/**
 * Number formats for one-line explanations: locale-independent, short, never misleading, and cheap
 * enough for the per-request path ({@code String.format} costs microseconds a call, more than the
 * statistics it would describe).
 *
 * <p>{@link #appendSignificant} follows the rules of {@code String.format(Locale.ROOT, "%.Ng")}: N
 * significant digits, fixed notation for magnitudes in [10<sup>-4</sup>, 10<sup>N</sup>), otherwise
 * {@code d.dde-XX}. It rounds the double's binary value half-up, where {@code %g} rounds its
 * shortest decimal form: they differ only on decimal ties such as 9.995 (stored as
 * 9.99499&hellip;), which gives 9.99 here and 10.0 from {@code %.3g}.
 */
final class ExplanationFormat {

    private static final long[] POWERS_OF_TEN = new long[19];

    /** 10^0 to 10^22: every one exactly representable as a double. */
    private static final double[] EXACT_POWERS_OF_TEN = new double[23];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = 10 * POWERS_OF_TEN[i - 1];
        }
        for (int i = 0; i < EXACT_POWERS_OF_TEN.length; i++) {
            EXACT_POWERS_OF_TEN[i] = i < POWERS_OF_TEN.length ? POWERS_OF_TEN[i] : Math.pow(10, i);
        }
    }

    private ExplanationFormat() {}

    /** A statistic to three significant digits, e.g. {@code 0.210}, {@code 2.30}. */
    static String statistic(double value) {
        return appendStatistic(new StringBuilder(12), value).toString();
    }

    static StringBuilder appendStatistic(StringBuilder out, double value) {
        return appendSignificant(out, value, 3);
    }

    /** A p-value or threshold to two significant digits, e.g. {@code 0.00033}, {@code 5.0e-05}. */
    static String probability(double value) {
        return appendProbability(new StringBuilder(12), value).toString();
    }

    static StringBuilder appendProbability(StringBuilder out, double value) {
        return appendSignificant(out, value, 2);
    }

    /**
     * A fraction as a percentage with as many decimals as it takes (up to 4) not to show a fraction
     * strictly between 0 and 1 as 0% or 100%: {@code 99.9%}, {@code 99.995%}, and {@code <0.0001%}
     * or {@code >99.9999%} beyond that.
     */
    static String percent(double fraction) {
        return appendPercent(new StringBuilder(12), fraction).toString();
    }

    static StringBuilder appendPercent(StringBuilder out, double fraction) {
        if (!(fraction > 0.0)) {
            return out.append("0%");
        }
        if (fraction >= 1.0) {
            return out.append("100%");
        }
        double percent = 100.0 * fraction;
        for (int decimals = 1; decimals <= 4; decimals++) {
            long scaled = Math.round(percent * POWERS_OF_TEN[decimals]);
            if (scaled > 0 && scaled < 100 * POWERS_OF_TEN[decimals]) {
                appendFixed(out, scaled, decimals);
                return out.append('%');
            }
        }
        return out.append(percent < 50 ? "<0.0001%" : ">99.9999%");
    }

    /** {@code scaled / 10^decimals} with exactly {@code decimals} decimals. */
    private static void appendFixed(StringBuilder out, long scaled, int decimals) {
        long unit = POWERS_OF_TEN[decimals];
        out.append(scaled / unit).append('.');
        appendPadded(out, scaled % unit, decimals);
    }

    /** {@code value} in exactly {@code width} digits, with leading zeros. */
    private static void appendPadded(StringBuilder out, long value, int width) {
        for (long unit = POWERS_OF_TEN[width - 1]; unit > 0; unit /= 10) {
            out.append((char) ('0' + (value / unit) % 10));
        }
    }

    /** {@code value} to {@code digits} (1 to 15) significant digits, as {@code %.<digits>g}. */
    static StringBuilder appendSignificant(StringBuilder out, double value, int digits) {
        double magnitude = Math.abs(value);
        if (magnitude != 0 && !(magnitude >= 1e-290 && magnitude <= 1e290)) {
            // NaN, infinities and extremes no explanation needs: the slow, general path.
            return out.append(String.format(Locale.ROOT, "%." + digits + "g", value));
        }
        if (value < 0 || (value == 0 && 1 / value < 0)) {
            out.append('-');
            value = -value;
        }
        if (value == 0) {
            out.append('0');
            if (digits > 1) {
                out.append('.');
                appendPadded(out, 0, digits - 1);
            }
            return out;
        }
        // mantissa: the value rounded to `digits` significant digits, as an integer of that many
        // digits; value ~= mantissa * 10^(exponent - digits + 1).
        int exponent = (int) Math.floor(Math.log10(value));
        long mantissa = Math.round(scale(value, digits - 1 - exponent));
        if (mantissa < POWERS_OF_TEN[digits - 1]) { // log10 rounded up just below a power of 10
            exponent--;
            mantissa = Math.round(scale(value, digits - 1 - exponent));
        }
        if (mantissa >= POWERS_OF_TEN[digits]) { // rounding carried into a new digit: 9.996 -> 10.0
            exponent++;
            mantissa = Math.round(scale(value, digits - 1 - exponent));
        }
        if (exponent >= -4 && exponent < digits) {
            int decimals = digits - 1 - exponent;
            if (decimals == 0) {
                return out.append(mantissa);
            }
            if (exponent >= 0) {
                appendFixed(out, mantissa, decimals);
            } else {
                out.append("0.");
                for (int i = -1; i > exponent; i--) {
                    out.append('0');
                }
                out.append(mantissa);
            }
            return out;
        }
        out.append(mantissa / POWERS_OF_TEN[digits - 1]);
        if (digits > 1) {
            out.append('.');
            appendPadded(out, mantissa % POWERS_OF_TEN[digits - 1], digits - 1);
        }
        out.append(exponent < 0 ? "e-" : "e+");
        int exponentMagnitude = Math.abs(exponent);
        if (exponentMagnitude < 10) {
            out.append('0');
        }
        return out.append(exponentMagnitude);
    }

    /** {@code value * 10^power}, dividing for negative powers so that powers of ten stay exact. */
    private static double scale(double value, int power) {
        int magnitude = Math.abs(power);
        double factor =
                magnitude < EXACT_POWERS_OF_TEN.length
                        ? EXACT_POWERS_OF_TEN[magnitude]
                        : Math.pow(10, magnitude);
        return power >= 0 ? value * factor : value / factor;
    }
}
