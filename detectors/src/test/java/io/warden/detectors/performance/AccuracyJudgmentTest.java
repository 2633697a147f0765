package io.warden.detectors.performance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AccuracyJudgmentTest {
    private static final JsonNode FIXTURE = SklearnPerformanceFixture.load();

    @Test
    void pValueAndWilsonIntervalMatchSciPy() {
        for (JsonNode t : FIXTURE.get("binomtest")) {
            long k = t.get("k").asLong();
            long n = t.get("n").asLong();
            double p0 = t.get("p").asDouble();
            // Reference accuracy p0 + 0.05 with tolerance 0.05: the floor is p0.
            AccuracyJudgment j =
                    AccuracyJudgment.judge(
                            k, n, Math.min(1, p0 + 0.05), Math.min(1, p0 + 0.05) - p0, 0.01, 1);
            String at = k + " of " + n + " against " + p0;
            assertThat(j.floor()).as(at).isCloseTo(p0, within(1e-12));
            assertThat(j.pValue()).as(at).isCloseTo(t.get("p_value").asDouble(), within(1e-9));
            assertThat(j.lower()).as(at).isCloseTo(t.get("wilson_low").asDouble(), within(1e-9));
            assertThat(j.upper()).as(at).isCloseTo(t.get("wilson_high").asDouble(), within(1e-9));
            assertThat(j.accuracy()).isEqualTo((double) k / n);
        }
    }

    @Test
    void aDropBeyondTheToleranceIsDegradedOnlyWhenTheWindowShowsIt() {
        // Reference 0.90, tolerance 0.05: floor 0.85.
        assertThat(AccuracyJudgment.judge(820, 1000, 0.90, 0.05, 0.01, 100).degraded())
                .as("82% of 1000: p = 0.005")
                .isTrue();
        assertThat(AccuracyJudgment.judge(80, 100, 0.90, 0.05, 0.01, 100).degraded())
                .as("80% of 100: p = 0.11, could be noise")
                .isFalse();
        assertThat(AccuracyJudgment.judge(870, 1000, 0.90, 0.05, 0.01, 100).degraded())
                .as("within the tolerance")
                .isFalse();
        AccuracyJudgment few = AccuracyJudgment.judge(0, 20, 0.90, 0.05, 0.01, 100);
        assertThat(few.judged()).as("fewer labels than min-labels").isFalse();
        assertThat(few.degraded()).isFalse();
        assertThat(few.pValue()).isLessThan(1e-10);
    }

    @Test
    void falseAlarmRateAtTheFloorIsAtMostAlpha() {
        // Windows of 500 labels from a model exactly at the floor: H0 holds, so at most about
        // alpha of the windows may be judged degraded (fewer, since the binomial is discrete).
        SplittableRandom random = new SplittableRandom(42);
        int windows = 4000;
        int degraded = 0;
        for (int w = 0; w < windows; w++) {
            int correct = 0;
            for (int i = 0; i < 500; i++) {
                if (random.nextDouble() < 0.85) {
                    correct++;
                }
            }
            if (AccuracyJudgment.judge(correct, 500, 0.90, 0.05, 0.05, 100).degraded()) {
                degraded++;
            }
        }
        // alpha = 0.05: expect <= 200; allow three binomial standard deviations (~41).
        assertThat(degraded).isLessThanOrEqualTo(241).isGreaterThan(100);
    }

    @Test
    void anEmptyWindowIsNeitherJudgedNorDegraded() {
        AccuracyJudgment j = AccuracyJudgment.judge(0, 0, 0.9, 0.05, 0.01, 1);
        assertThat(j.judged()).isFalse();
        assertThat(j.degraded()).isFalse();
        assertThat(j.accuracy()).isNaN();
        assertThat(j.pValue()).isEqualTo(1);
    }

    @Test
    void wilsonIntervalStaysInsideZeroAndOne() {
        AccuracyJudgment all = AccuracyJudgment.judge(20, 20, 0.9, 0.0, 0.01, 1);
        assertThat(all.upper()).isEqualTo(1.0);
        assertThat(all.lower()).isCloseTo(0.8389, within(1e-4));
    }

    @Test
    void rejectsSettingsOutsideTheirRange() {
        assertThatThrownBy(() -> AccuracyJudgment.judge(1, 2, 0, 0, 0.01, 1))
                .hasMessageContaining("reference accuracy must be in (0, 1]");
        assertThatThrownBy(() -> AccuracyJudgment.judge(1, 2, 0.9, 0.9, 0.01, 1))
                .hasMessageContaining("max drop must be in [0, reference accuracy 0.9)");
        assertThatThrownBy(() -> AccuracyJudgment.judge(1, 2, 0.9, 0.05, 1, 1))
                .hasMessageContaining("alpha");
        assertThatThrownBy(() -> AccuracyJudgment.judge(3, 2, 0.9, 0.05, 0.01, 1))
                .hasMessageContaining("0 <= correct <= labelled");
    }
}
