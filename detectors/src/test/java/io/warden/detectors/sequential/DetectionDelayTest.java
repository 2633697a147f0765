package io.warden.detectors.sequential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DetectionDelayTest {

    /** Detects at fixed indices, whatever the values; remembers whether it was reset. */
    private static final class Scripted implements ChangeDetector {
        private static final long serialVersionUID = 1L;

        private final Set<Long> alarms;
        private long count;
        private boolean detected;
        private boolean wasReset;

        Scripted(Long... alarms) {
            this.alarms = Set.of(alarms);
        }

        @Override
        public boolean update(double value) {
            detected = alarms.contains(count++);
            return detected;
        }

        @Override
        public boolean changeDetected() {
            return detected;
        }

        @Override
        public long count() {
            return count;
        }

        @Override
        public OptionalLong changePoint() {
            return OptionalLong.empty();
        }

        @Override
        public void reset() {
            count = 0;
            detected = false;
            wasReset = true;
        }

        @Override
        public State snapshot() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void restore(State state) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void countsDetectionsBeforeTheChangeAsFalseAlarmsAndStopsAtTheFirstAfter() {
        Scripted detector = new Scripted(3L, 7L, 12L, 15L, 18L);
        DetectionDelay run = DetectionDelay.measure(detector, new double[20], 10);
        assertThat(run).isEqualTo(new DetectionDelay(20, 10, 2, 12));
        assertThat(run.detected()).isTrue();
        assertThat(run.delay()).hasValue(2);
        assertThat(detector.count()).as("stopped at the detection").isEqualTo(13);
        assertThat(detector.wasReset).isTrue();
    }

    @Test
    void detectionAtTheFirstChangedValueHasDelayZero() {
        DetectionDelay run = DetectionDelay.measure(new Scripted(10L), new double[20], 10);
        assertThat(run.delay()).hasValue(0);
        assertThat(run.falseAlarms()).isZero();
    }

    @Test
    void missedChangeHasNoDelay() {
        DetectionDelay run = DetectionDelay.measure(new Scripted(2L), new double[20], 10);
        assertThat(run.detected()).isFalse();
        assertThat(run.delay()).isEmpty();
        assertThat(run.detectionIndex()).isEqualTo(DetectionDelay.NOT_DETECTED);
        assertThat(run.falseAlarms()).isEqualTo(1);
    }

    @Test
    void streamWithoutChangeCountsEveryDetectionAsFalseAlarm() {
        DetectionDelay run = DetectionDelay.measure(new Scripted(0L, 5L, 19L), new double[20], 20);
        assertThat(run.falseAlarms()).isEqualTo(3);
        assertThat(run.detected()).isFalse();
    }

    @Test
    void summaryAggregatesDelaysAndFalseAlarms() {
        List<DetectionDelay> runs =
                List.of(
                        new DetectionDelay(100, 50, 0, 60),
                        new DetectionDelay(100, 50, 2, 53),
                        new DetectionDelay(100, 50, 0, 90),
                        new DetectionDelay(100, 50, 1, DetectionDelay.NOT_DETECTED));
        DetectionDelay.Summary summary = DetectionDelay.Summary.of(runs);
        assertThat(summary.runs()).isEqualTo(4);
        assertThat(summary.detected()).isEqualTo(3);
        assertThat(summary.runsWithFalseAlarms()).isEqualTo(2);
        assertThat(summary.falseAlarms()).isEqualTo(3);
        assertThat(summary.valuesBeforeChange()).isEqualTo(200);
        assertThat(summary.falseAlarmRate()).isEqualTo(3.0 / 200);
        assertThat(summary.meanDelay()).isEqualTo((10 + 3 + 40) / 3.0);
        assertThat(summary.medianDelay()).isEqualTo(10);
        assertThat(summary.maxDelay()).isEqualTo(40);
        assertThat(summary.toString()).startsWith("3/4 detected, delay mean 17.7 median 10 max 40");
    }

    @Test
    void summaryOfNoDetectionHasNoDelays() {
        DetectionDelay.Summary summary =
                DetectionDelay.Summary.of(
                        List.of(new DetectionDelay(10, 10, 0, DetectionDelay.NOT_DETECTED)));
        assertThat(summary.meanDelay()).isNaN();
        assertThat(summary.medianDelay()).isEqualTo(-1);
        assertThat(summary.maxDelay()).isEqualTo(-1);
    }

    @Test
    void rejectsAChangeIndexOutsideTheStream() {
        assertThatThrownBy(() -> DetectionDelay.measure(new Scripted(), new double[5], 6))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("changeIndex must be in [0, stream length = 5]");
        assertThatThrownBy(() -> DetectionDelay.measure(new Scripted(), new double[5], -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("changeIndex");
    }

    @Test
    void rejectsInconsistentRecords() {
        assertThatThrownBy(() -> new DetectionDelay(10, 5, 0, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("detectionIndex must be in [changeIndex, length)");
        assertThatThrownBy(() -> new DetectionDelay(10, 5, 6, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("falseAlarms");
    }
}
