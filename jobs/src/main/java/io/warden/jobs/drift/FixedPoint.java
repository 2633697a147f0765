package io.warden.jobs.drift;

/**
 * Sums of doubles that do not depend on the order of addition: each value is rounded to a whole
 * number of {@value #UNITS_PER_SCALE}ths of a scale (e.g. the reference's standard deviation) and
 * the whole numbers are added as longs. Floating-point sums differ in their last bits with the
 * order rows arrive in; these do not, so drift reports are bit-for-bit the same on every run.
 * Values are clamped to &plusmn;{@value #MAX_SCALES} scales, which keeps a window of a billion rows
 * clear of overflow; the rounding error is at most half a unit per row.
 */
final class FixedPoint {
    static final double UNITS_PER_SCALE = 1e9;
    static final double MAX_SCALES = 1e3;

    private FixedPoint() {}

    static long units(double value, double scale) {
        double scales = Math.max(-MAX_SCALES, Math.min(MAX_SCALES, value / scale));
        return Math.round(scales * UNITS_PER_SCALE);
    }

    static double value(long units, double scale) {
        return units / UNITS_PER_SCALE * scale;
    }
}
