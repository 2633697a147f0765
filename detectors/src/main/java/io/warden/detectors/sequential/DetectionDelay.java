package io.warden.detectors.sequential;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How a change detector did on one stream with a known change: the detections before the change
 * (false alarms) and the first detection at or after it (the delay). For evaluating and tuning
 * detectors on synthetic or labelled streams; {@link Summary} aggregates many streams, e.g. many
 * seeds.
 *
 * <p>The delay counts values: a detection at the first value of the new regime has delay 0, one at
 * the value after it delay 1, and so on.
 *
 * <pre>{@code
 * DetectionDelay run = DetectionDelay.measure(new Adwin(), stream, 5_000);
 * if (run.detected()) {
 *     System.out.println("delay " + run.delay().getAsLong() + ", false alarms " + run.falseAlarms());
 * }
 * }</pre>
 *
 * @param length number of values in the stream
 * @param changeIndex index of the first value after the change, in [0, length]; length for a stream
 *     without change (every detection is then a false alarm)
 * @param falseAlarms number of detections at indices below changeIndex
 * @param detectionIndex index of the first detection at or after changeIndex, or {@link
 *     #NOT_DETECTED}
 */
public record DetectionDelay(long length, long changeIndex, int falseAlarms, long detectionIndex) {

    /** The {@link #detectionIndex()} of a change that was not detected. */
    public static final long NOT_DETECTED = -1;

    /** Checks the fields; see the record's description. */
    public DetectionDelay {
        if (length < 0 || changeIndex < 0 || changeIndex > length) {
            throw new IllegalArgumentException(
                    "changeIndex must be in [0, length = " + length + "], but is " + changeIndex);
        }
        if (falseAlarms < 0 || falseAlarms > changeIndex) {
            throw new IllegalArgumentException(
                    "falseAlarms must be in [0, changeIndex], but is " + falseAlarms);
        }
        if (detectionIndex != NOT_DETECTED
                && (detectionIndex < changeIndex || detectionIndex >= length)) {
            throw new IllegalArgumentException(
                    "detectionIndex must be in [changeIndex, length) or NOT_DETECTED, but is "
                            + detectionIndex);
        }
    }

    /**
     * Resets the detector, feeds it the stream from its first value and stops at the first
     * detection at or after {@code changeIndex} (or at the end of the stream).
     *
     * @param changeIndex index of the first value of the new regime; {@code stream.length} for a
     *     stream without change
     * @throws IllegalArgumentException if changeIndex is outside [0, stream.length], or the stream
     *     holds a value the detector refuses
     */
    public static DetectionDelay measure(
            ChangeDetector detector, double[] stream, long changeIndex) {
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(stream, "stream");
        if (changeIndex < 0 || changeIndex > stream.length) {
            throw new IllegalArgumentException(
                    "changeIndex must be in [0, stream length = "
                            + stream.length
                            + "], but is "
                            + changeIndex);
        }
        detector.reset();
        int falseAlarms = 0;
        for (int i = 0; i < stream.length; i++) {
            if (detector.update(stream[i])) {
                if (i < changeIndex) {
                    falseAlarms++;
                } else {
                    return new DetectionDelay(stream.length, changeIndex, falseAlarms, i);
                }
            }
        }
        return new DetectionDelay(stream.length, changeIndex, falseAlarms, NOT_DETECTED);
    }

    /** Whether the change was detected. */
    public boolean detected() {
        return detectionIndex != NOT_DETECTED;
    }

    /** Values from the change to its detection (0: at the first changed value); empty if missed. */
    public OptionalLong delay() {
        return detected() ? OptionalLong.of(detectionIndex - changeIndex) : OptionalLong.empty();
    }

    /**
     * Aggregate of many runs, e.g. one per seed: how many changes were detected, the delays'
     * distribution over the detected ones, and the false alarms.
     *
     * @param runs number of runs
     * @param detected runs whose change was detected
     * @param runsWithFalseAlarms runs with at least one false alarm
     * @param falseAlarms false alarms over all runs
     * @param valuesBeforeChange values before the change over all runs (the false alarms' exposure)
     * @param meanDelay mean delay of the detected runs; NaN if none
     * @param medianDelay median delay of the detected runs (the lower middle one for an even
     *     number); &minus;1 if none
     * @param maxDelay largest delay of the detected runs; &minus;1 if none
     */
    public record Summary(
            int runs,
            int detected,
            int runsWithFalseAlarms,
            long falseAlarms,
            long valuesBeforeChange,
            double meanDelay,
            long medianDelay,
            long maxDelay) {

        /** Aggregates the runs. */
        public static Summary of(List<DetectionDelay> runs) {
            Objects.requireNonNull(runs, "runs");
            long[] delays =
                    runs.stream()
                            .filter(DetectionDelay::detected)
                            .mapToLong(r -> r.detectionIndex() - r.changeIndex())
                            .sorted()
                            .toArray();
            int withFalseAlarms = (int) runs.stream().filter(r -> r.falseAlarms() > 0).count();
            long falseAlarms = runs.stream().mapToLong(DetectionDelay::falseAlarms).sum();
            long exposure = runs.stream().mapToLong(DetectionDelay::changeIndex).sum();
            double mean =
                    delays.length == 0 ? Double.NaN : Arrays.stream(delays).average().orElseThrow();
            long median = delays.length == 0 ? -1 : delays[(delays.length - 1) / 2];
            long max = delays.length == 0 ? -1 : delays[delays.length - 1];
            return new Summary(
                    runs.size(),
                    delays.length,
                    withFalseAlarms,
                    falseAlarms,
                    exposure,
                    mean,
                    median,
                    max);
        }

        /** False alarms per value before the change; NaN without such values. */
        public double falseAlarmRate() {
            return valuesBeforeChange == 0 ? Double.NaN : (double) falseAlarms / valuesBeforeChange;
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%d/%d detected, delay mean %.1f median %d max %d; %d false alarms in %d runs"
                            + " (%.2e per value)",
                    detected,
                    runs,
                    meanDelay,
                    medianDelay,
                    maxDelay,
                    falseAlarms,
                    runsWithFalseAlarms,
                    falseAlarmRate());
        }
    }
}
