package io.warden.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.bench.DetectionQuality.Detector;
import io.warden.bench.DetectionQuality.LongRow;
import io.warden.bench.DetectionQuality.Row;
import io.warden.bench.DetectionQuality.Signal;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The claims of {@code docs/detection-quality.md}, at the levels it states, on the first seeds of
 * the runs its tables come from (50 of 200 per scenario, 3 of 50 long streams per signal), so the
 * document cannot silently go stale when a detector or a default changes.
 */
class DetectionQualityTest {

    @Test
    void reducedRunsKeepTheClaimsOfTheDocument() {
        List<Row> rows = DetectionQuality.measure(50);
        assertThat(rows).hasSize(2 * DetectionQuality.scenarios().size());
        for (Row row : rows) {
            String name = row.detector().label() + " on " + row.scenario();
            if (row.scenario().changes()) {
                // Every change of the table is detected, in every run.
                assertThat(row.summary().detected()).as(name).isEqualTo(row.summary().runs());
                if (row.scenario().change().startsWith("−2 sd")
                        || row.scenario().change().startsWith("+2 sd")) {
                    // A 2-sd shift: within 100 rows (ADWIN) or 300 rows (Page-Hinkley).
                    long limit = row.detector() == Detector.ADWIN ? 100 : 300;
                    assertThat(row.summary().maxDelay()).as(name).isLessThanOrEqualTo(limit);
                }
            } else if (row.detector() == Detector.ADWIN) {
                // ADWIN: no alarm in any stream without change.
                assertThat(row.runsWithoutAlarm()).as(name).isEqualTo(row.summary().runs());
            } else {
                // Page-Hinkley: no alarm in at least 80% of the 15,000-row streams without change.
                assertThat(row.shareWithoutAlarm()).as(name).isGreaterThanOrEqualTo(0.8);
            }
        }

        for (LongRow row : DetectionQuality.measureLong(3)) {
            String name = row.detector().label() + " on long " + row.signal();
            if (row.detector() == Detector.ADWIN || row.signal() == Signal.CONFIDENCE) {
                // ADWIN on every signal, Page-Hinkley on the confidence: no alarm at all.
                assertThat(row.total()).as(name).isZero();
            } else {
                // Page-Hinkley on the two signals of larger spread: alarms once its fading sums
                // have settled, after row 20,000 (about 2.6 per 100,000-row stream there).
                assertThat(row.late()).as(name).isPositive();
            }
        }
    }
}
