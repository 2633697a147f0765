package io.warden.jobs.performance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.warden.detectors.performance.ClassificationCounts;
import io.warden.jobs.config.KafkaSettings;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.DetectorSettings;
import io.warden.jobs.config.ModelSpec.FeatureSpec;
import io.warden.jobs.config.ModelSpec.OutputSpec;
import io.warden.jobs.config.ModelSpec.OutputType;
import io.warden.jobs.config.ModelSpec.PerformanceSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.drift.Observation;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.PerformanceReport;
import io.warden.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link PerformanceReports#report} and {@link PerformanceAlerting} on windows of known counts: a
 * model with reference accuracy 0.9 and tolerance 0.05 (floor 0.85), 3 classes, min-labels 100.
 */
class PerformanceAlertingTest {
    private static final long T0 = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final List<String> CLASSES = List.of("cat", "dog", "owl");

    private static final ModelSpec SPEC =
            new ModelSpec(
                    "m",
                    "1",
                    null,
                    null,
                    new FeatureSpec("input", List.of("a", "b"), null),
                    new OutputSpec("probabilities", OutputType.PROBABILITIES, CLASSES),
                    new DetectorSettings(
                            null,
                            null,
                            null,
                            new PerformanceSettings(
                                    true,
                                    Duration.ofMinutes(1),
                                    Duration.ofMinutes(5),
                                    0.9,
                                    null,
                                    0.05,
                                    0.01,
                                    100,
                                    10,
                                    1,
                                    2,
                                    Severity.CRITICAL)));

    private static final WardenConfig CONFIG =
            new WardenConfig(
                    new KafkaSettings("localhost:9092", null, null, null, null, null),
                    null,
                    null,
                    null,
                    List.of(SPEC));

    /**
     * A window of {@code labelled} labels of which {@code correct} are right: the misses are all
     * owls taken for cats.
     */
    private static PerformanceReport window(int w, int labelled, int correct) {
        ClassificationCounts counts = new ClassificationCounts(3, 10);
        for (int i = 0; i < labelled; i++) {
            int actual = i % 3;
            boolean right = i < correct;
            counts.add(right ? actual : 0, right ? actual : 2, 0.9);
        }
        counts.addUnlabelled();
        return PerformanceReports.report(
                SPEC, "m", "1", counts, T0 + w * MINUTE, T0 + (w + 1) * MINUTE);
    }

    private static List<Alert> run(PerformanceReport... reports) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, PerformanceReport, Alert> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new PerformanceAlerting(CONFIG)),
                        r -> Observation.modelKey(r.getModelName(), r.getModelVersion()),
                        Types.STRING);
        h.open();
        for (PerformanceReport r : reports) {
            h.processElement(new StreamRecord<>(r, r.getWindow().getEnd().toEpochMilli()));
        }
        List<Alert> alerts = new ArrayList<>(h.extractOutputValues());
        h.close();
        return alerts;
    }

    @Test
    void aReportCarriesTheCountsTheJudgmentAndEachClass() {
        PerformanceReport r = window(0, 300, 230);
        assertThat(r.getPredictions()).isEqualTo(301);
        assertThat(r.getLabelled()).isEqualTo(300);
        assertThat(r.getCorrect()).isEqualTo(230);
        assertThat(r.getAccuracy()).isEqualTo(230.0 / 300);
        assertThat(r.getJudged()).isTrue();
        assertThat(r.getDegraded()).as("77% of 300 is well under the floor 85%").isTrue();
        assertThat(r.getPValue()).isLessThan(0.001);
        assertThat(r.getAccuracyLower()).isLessThan(230.0 / 300);
        assertThat(r.getAccuracyUpper()).isGreaterThan(230.0 / 300);
        assertThat(r.getClasses()).hasSize(3);
        // Labels 0, 1, 2 in turn; the 70 misses (i >= 230) are owls (label 2) taken for cats.
        assertThat(r.getClasses().get(2).getSupport()).isEqualTo(76 + 70);
        assertThat(r.getClasses().get(2).getTruePositives()).isEqualTo(76);
        assertThat(r.getClasses().get(2).getRecall()).isEqualTo(76.0 / 146);
        assertThat(r.getClasses().get(1).getRecall()).isEqualTo(1.0);
        assertThat(r.getClasses().get(0).getPredicted()).isEqualTo(77 + 70);
        assertThat(r.getClasses().get(0).getPrecision()).isEqualTo(77.0 / 147);
        assertThat(window(0, 300, 240).getDegraded())
                .as("80% of 300: p = 0.012, not significant at 0.01")
                .isFalse();
        assertThat(r.getReferenceCalibrationError()).isNull();
        assertThat(r.getReportId()).isEqualTo(window(0, 300, 240).getReportId());
        assertThat(r.getReportId()).isNotEqualTo(window(1, 300, 240).getReportId());
    }

    @Test
    void aLastingDropIsOneAlertAndTwoGoodWindowsRecover() throws Exception {
        List<Alert> alerts =
                run(
                        window(0, 300, 280),
                        window(1, 300, 230),
                        window(2, 300, 220),
                        window(3, 300, 275),
                        window(4, 300, 278));
        assertThat(alerts).hasSize(2);
        Alert drop = alerts.get(0);
        assertThat(drop.getKind()).isEqualTo(AlertKind.PERFORMANCE);
        assertThat(drop.getSeverity()).isEqualTo(Severity.CRITICAL);
        assertThat(drop.getWindow().getStart()).isEqualTo(Instant.ofEpochMilli(T0 + MINUTE));
        assertThat(drop.getSummary())
                .startsWith("accuracy of m@1 fell to 0.767 (95% CI ")
                .contains("below 0.850 = reference 0.900 - tolerance 0.050")
                .contains("lowest recall owl 0.521, cat 1.000, dog 1.000");
        assertThat(drop.getScores().get(0).getThreshold()).isCloseTo(0.85, within(1e-12));
        Alert recovery = alerts.get(1);
        assertThat(recovery.getSeverity()).isEqualTo(Severity.INFO);
        assertThat(recovery.getEvidence().getDetails())
                .containsEntry("performance_alert_id", drop.getAlertId());
        assertThat(recovery.getWindow().getEnd()).isEqualTo(Instant.ofEpochMilli(T0 + 5 * MINUTE));
    }

    @Test
    void windowsWithTooFewLabelsNeitherRaiseNorEndAnEpisode() throws Exception {
        List<Alert> alerts =
                run(
                        window(0, 50, 20),
                        window(1, 300, 230),
                        window(2, 99, 99),
                        window(3, 99, 99),
                        window(4, 300, 280));
        assertThat(alerts)
                .as("only the judged drop; the small good windows do not recover it")
                .hasSize(1);
        assertThat(alerts.get(0).getWindow().getStart())
                .isEqualTo(Instant.ofEpochMilli(T0 + MINUTE));
    }

    @Test
    void aSmallDropWithinTheToleranceRaisesNothing() throws Exception {
        assertThat(run(window(0, 1000, 870), window(1, 1000, 860))).isEmpty();
    }
}
