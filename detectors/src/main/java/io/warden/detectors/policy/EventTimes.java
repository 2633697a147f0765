package io.warden.detectors.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Event-time arithmetic that saturates instead of overflowing, and its rendering in summaries. */
final class EventTimes {

    private EventTimes() {}

    /** {@code time + millis}, clamped to the range of {@code long}. */
    static long plus(long time, long millis) {
        long sum = time + millis;
        if (((time ^ sum) & (millis ^ sum)) < 0) {
            return millis > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return sum;
    }

    /** An event time as an ISO-8601 instant, e.g. {@code 2024-05-01T12:00:00Z}. */
    static String format(long time) {
        return Instant.ofEpochMilli(time).toString();
    }

    /** A duration the way config writes it, e.g. {@code 10m}, {@code 1h30m}, {@code 0.5s}. */
    static String format(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
