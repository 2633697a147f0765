package io.warden.detectors.confidence;

import java.util.Locale;

/** Number formats for one-line explanations: locale-independent, short, never misleading. */
final class ExplanationFormat {

    private ExplanationFormat() {}

    /** A statistic to three significant digits, e.g. {@code 0.210}, {@code 2.30}. */
    static String statistic(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
    }

    /** A p-value or threshold to two significant digits, e.g. {@code 0.00033}. */
    static String probability(double value) {
        return String.format(Locale.ROOT, "%.2g", value);
    }

    /**
     * A fraction as a percentage with as many decimals as it takes (up to 4) not to show a fraction
     * strictly between 0 and 1 as 0% or 100%: {@code 99.9%}, {@code 99.995%}.
     */
    static String percent(double fraction) {
        if (fraction <= 0.0) {
            return "0%";
        }
        if (fraction >= 1.0) {
            return "100%";
        }
        double percent = 100.0 * fraction;
        int decimals = 1;
        String text = String.format(Locale.ROOT, "%.1f", percent);
        while (decimals < 4 && (text.equals(zero(decimals)) || text.startsWith("100"))) {
            decimals++;
            text = String.format(Locale.ROOT, "%." + decimals + "f", percent);
        }
        if (text.equals(zero(decimals))) {
            return "<0.0001%";
        }
        if (text.startsWith("100")) {
            return ">99.9999%";
        }
        return text + "%";
    }

    private static String zero(int decimals) {
        return "0." + "0".repeat(decimals);
    }
}
