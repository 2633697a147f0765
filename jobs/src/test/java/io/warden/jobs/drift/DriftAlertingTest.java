package io.warden.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.demo.Demo;
import io.warden.jobs.monitor.ModelCatalog;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DriftReport;
import io.warden.schemas.DriftStatistic;
import io.warden.schemas.FeatureDrift;
import io.warden.schemas.FeatureKind;
import io.warden.schemas.Severity;
import io.warden.schemas.SubjectType;
import io.warden.schemas.TimeWindow;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hysteresis: one alert per drift, one recovery, nothing per window in between. */
class DriftAlertingTest {
    private static final String KEY = "demo-classifier@1";
    private static final long MINUTE = 60_000;

    @TempDir Path work;

    private DriftModels models(int alertAfter, int recoverAfter) throws Exception {
        WardenConfig c = Demo.demoConfig(work, "localhost:9092");
        List<ModelSpec> models = new ArrayList<>();
        for (ModelSpec m : c.models()) {
            ModelSpec.DriftSettings d = m.detectors().drift();
            models.add(
                    new ModelSpec(
                            m.name(),
                            m.version(),
                            m.profile(),
                            m.profileSha256(),
                            m.features(),
                            m.output(),
                            new ModelSpec.DetectorSettings(
                                    m.detectors().confidence(),
                                    new ModelSpec.DriftSettings(
                                            true,
                                            d.window(),
                                            null,
                                            d.minSamples(),
                                            d.correction(),
                                            d.alpha(),
                                            d.thresholds(),
                                            d.verdict(),
                                            d.minDriftedFeatures(),
                                            d.prediction(),
                                            d.confidence(),
                                            d.pca(),
                                            alertAfter,
                                            recoverAfter,
                                            d.severity()),
                                    null)));
        }
        return ModelCatalog.from(
                        new WardenConfig(c.kafka(), c.topics(), c.input(), c.job(), models))
                .drift();
    }

    /** A report for window {@code w}; drifted features get the given JS distances. */
    private static DriftReport report(int w, double... driftedJs) {
        List<FeatureDrift> features = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            boolean drifted = i < driftedJs.length;
            double js = drifted ? driftedJs[i] : 0.01;
            features.add(
                    FeatureDrift.newBuilder()
                            .setFeature("f" + i)
                            .setKind(FeatureKind.NUMERIC)
                            .setSampleCount(1000)
                            .setMissingRate(0.0)
                            .setStatistics(
                                    List.of(
                                            new DriftStatistic(
                                                    "js_distance", js, null, 0.1, drifted)))
                            .setDrifted(drifted)
                            .build());
        }
        return DriftReport.newBuilder()
                .setReportId("r" + w)
                .setModelName("demo-classifier")
                .setModelVersion("1")
                .setWindow(
                        new TimeWindow(
                                Instant.ofEpochMilli(w * MINUTE),
                                Instant.ofEpochMilli((w + 1) * MINUTE)))
                .setProfileId("p")
                .setSampleCount(1000)
                .setFeatures(features)
                .setOverall(List.of())
                .setCorrection("benjamini-hochberg")
                .setDrifted(driftedJs.length > 0)
                .build();
    }

    private static List<Alert> run(DriftModels models, DriftReport... reports) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, DriftReport, Alert> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new DriftAlerting(models)),
                        r -> KEY,
                        Types.STRING);
        harness.open();
        for (DriftReport r : reports) {
            harness.processElement(r, r.getWindow().getEnd().toEpochMilli());
        }
        List<Alert> out = harness.extractOutputValues();
        harness.close();
        return out;
    }

    @Test
    void shouldRaiseOneAlertPerDriftAndOneRecovery() throws Exception {
        List<Alert> alerts =
                run(
                        models(1, 2),
                        report(0),
                        report(1, 0.3, 0.5),
                        report(2, 0.4),
                        report(3, 0.2),
                        report(4),
                        report(5),
                        report(6));

        assertThat(alerts).hasSize(2);
        Alert drift = alerts.get(0);
        assertThat(drift.getKind()).isEqualTo(AlertKind.DRIFT);
        assertThat(drift.getSubject().getType()).isEqualTo(SubjectType.MODEL);
        assertThat(drift.getSubject().getId()).isEqualTo(KEY);
        assertThat(drift.getWindow().getStart().toEpochMilli()).isEqualTo(MINUTE);
        // Ranked by effect size: f1 (0.5) before f0 (0.3).
        assertThat(drift.getEvidence().getFeatureNames()).containsExactly("f1", "f0");
        Alert recovery = alerts.get(1);
        assertThat(recovery.getSeverity()).isEqualTo(Severity.INFO);
        assertThat(recovery.getEvidence().getDetails())
                .containsEntry("state", "recovered")
                .containsEntry("drift_alert_id", drift.getAlertId());
        assertThat(recovery.getWindow().getEnd().toEpochMilli()).isEqualTo(6 * MINUTE);
    }

    @Test
    void shouldNotRecoverOnASingleCleanWindowInsideADrift() throws Exception {
        List<Alert> alerts =
                run(
                        models(1, 2),
                        report(0, 0.3),
                        report(1),
                        report(2, 0.3),
                        report(3),
                        report(4, 0.2));

        assertThat(alerts)
                .singleElement()
                .satisfies(a -> assertThat(a.getSeverity()).isNotEqualTo(Severity.INFO));
    }

    @Test
    void shouldWaitForConsecutiveDriftedWindowsAndDateTheDriftFromTheFirst() throws Exception {
        List<Alert> alerts =
                run(
                        models(2, 1),
                        report(0, 0.3),
                        report(1),
                        report(2, 0.3),
                        report(3, 0.3),
                        report(4));

        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(0).getWindow().getStart().toEpochMilli()).isEqualTo(2 * MINUTE);
        assertThat(alerts.get(0).getWindow().getEnd().toEpochMilli()).isEqualTo(4 * MINUTE);
    }

    @Test
    void shouldGiveTheSameIdsOnAReplay() throws Exception {
        DriftModels models = models(1, 1);
        DriftReport[] reports = {report(0, 0.3), report(1), report(2, 0.4), report(3)};

        assertThat(run(models, reports))
                .extracting(Alert::getAlertId)
                .hasSize(4)
                .doesNotHaveDuplicates()
                .isEqualTo(run(models, reports).stream().map(Alert::getAlertId).toList());
    }
}
