package io.warden.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.confidence.Confidence;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.demo.Demo;
import io.warden.jobs.demo.DemoModel;
import io.warden.jobs.monitor.ModelCatalog;
import io.warden.schemas.DriftReport;
import io.warden.schemas.FeatureDrift;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A window's counts into a drift report, without Flink: the demo model against its profile. */
class DriftEvaluatorTest {
    @TempDir Path work;

    private DriftModels models;
    private DriftAggregate aggregate;

    @BeforeEach
    void setUp() throws Exception {
        WardenConfig config = Demo.demoConfig(work, "localhost:9092");
        models = ModelCatalog.from(config).drift();
        aggregate = new DriftAggregate(models);
    }

    /** A window of {@code rows} typical rows with {@code shift} added to feature f2. */
    private DriftReport window(int rows, double shift, long seed) {
        DemoModel model = DemoModel.standard();
        Random r = new Random(seed);
        DriftAccumulator acc = aggregate.createAccumulator();
        for (int i = 0; i < rows; i++) {
            double[] x = model.sample(r.nextInt(model.classes()), r);
            x[2] += shift;
            Confidence c = Confidence.ofProbabilities(model.predict(x));
            Observation o = new Observation();
            o.modelName = DemoModel.NAME;
            o.modelVersion = DemoModel.VERSION;
            o.modelKey = Observation.modelKey(o.modelName, o.modelVersion);
            o.requestId = "r" + i;
            o.eventTime = i;
            o.features = x;
            o.predictedClass = c.predictedClass();
            o.msp = c.msp();
            o.entropy = c.entropy();
            o.margin = c.margin();
            acc = aggregate.add(o, acc);
        }
        return DriftEvaluator.evaluate(
                models.find(DemoModel.NAME, DemoModel.VERSION),
                acc,
                DemoModel.NAME,
                DemoModel.VERSION,
                0,
                60_000);
    }

    @Test
    void shouldFindNoDriftInTrafficLikeTheReference() {
        for (long seed = 1; seed <= 5; seed++) {
            DriftReport r = window(3_000, 0, seed);
            assertThat(r.getDrifted()).as("seed %d: %s", seed, r).isFalse();
            assertThat(r.getFeatures()).hasSize(8).noneMatch(FeatureDrift::getDrifted);
            assertThat(r.getCorrection()).isEqualTo("benjamini-hochberg");
        }
    }

    @Test
    void shouldFindTheShiftedFeatureAndOnlyIt() {
        DriftReport r = window(3_000, 0.5, 6);

        assertThat(r.getDrifted()).isTrue();
        assertThat(
                        r.getFeatures().stream()
                                .filter(FeatureDrift::getDrifted)
                                .map(FeatureDrift::getFeature))
                .containsExactly("f2");
        assertThat(r.getSampleCount()).isEqualTo(3_000);
        assertThat(r.getReportId())
                .isEqualTo(DriftEvaluator.reportId(DemoModel.NAME, DemoModel.VERSION, 0, 60_000));
    }

    @Test
    void shouldJudgeSmallWindowsByTheTestAndTinyOnesNotAtAll() {
        // 500 rows: the KS test (with the correction) decides; a 0.5 sd shift is still found.
        assertThat(window(500, 0.5, 7).getFeatures().get(2).getDrifted()).isTrue();
        // Below min-samples (100): reported, never drifted, and says why.
        DriftReport tiny = window(50, 3.0, 8);
        assertThat(tiny.getDrifted()).isFalse();
        assertThat(tiny.getFeatures()).noneMatch(FeatureDrift::getDrifted);
        assertThat(tiny.getOverall())
                .anySatisfy(s -> assertThat(s.getName()).isEqualTo(DriftEvaluator.MIN_SAMPLES));
    }

    @Test
    void shouldGiveTheSameReportForTheSameRowsInAnotherOrderOrSplitAndMerged() {
        DemoModel model = DemoModel.standard();
        Random r = new Random(9);
        Observation[] rows = new Observation[2_000];
        for (int i = 0; i < rows.length; i++) {
            double[] x = model.sample(r.nextInt(model.classes()), r);
            Confidence c = Confidence.ofProbabilities(model.predict(x));
            Observation o = new Observation();
            o.modelName = DemoModel.NAME;
            o.modelVersion = DemoModel.VERSION;
            o.modelKey = Observation.modelKey(o.modelName, o.modelVersion);
            o.features = x;
            o.predictedClass = c.predictedClass();
            o.msp = c.msp();
            rows[i] = o;
        }
        DriftAccumulator forward = aggregate.createAccumulator();
        for (Observation o : rows) {
            forward = aggregate.add(o, forward);
        }
        DriftAccumulator first = aggregate.createAccumulator();
        DriftAccumulator second = aggregate.createAccumulator();
        for (int i = rows.length - 1; i >= 0; i--) {
            if (i % 2 == 0) {
                first = aggregate.add(rows[i], first);
            } else {
                second = aggregate.add(rows[i], second);
            }
        }
        DriftAccumulator merged = aggregate.merge(first, second);
        DriftModel m = models.find(DemoModel.NAME, DemoModel.VERSION);

        assertThat(DriftEvaluator.evaluate(m, merged, DemoModel.NAME, DemoModel.VERSION, 0, 1))
                .isEqualTo(
                        DriftEvaluator.evaluate(
                                m, forward, DemoModel.NAME, DemoModel.VERSION, 0, 1));
    }
}
