package io.warden.bench;

import io.warden.detectors.confidence.Confidence;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.demo.DemoModel;
import io.warden.jobs.demo.DemoProfile;
import io.warden.jobs.drift.DriftAccumulator;
import io.warden.jobs.drift.DriftAggregate;
import io.warden.jobs.drift.DriftEvaluator;
import io.warden.jobs.drift.DriftModel;
import io.warden.jobs.drift.DriftModels;
import io.warden.jobs.drift.Observation;
import io.warden.schemas.DriftReport;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The drift windows' hot paths for a 64-feature model: adding one row to a window (64 fine-bin
 * lookups and fixed-point tail sums, the predicted class, the MSP bin, one 64-dimensional PCA
 * reconstruction error) and closing a window of 10,000 rows into a {@link DriftReport} (64
 * features' PSI, JS, Wasserstein, KS with the correction, prediction, confidence and PCA drift).
 * The model and its profile are {@link DemoModel} with 64 features and {@link DemoProfile}'s 20,000
 * rows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class DriftWindowBenchmark {
    private static final int FEATURES = 64;
    private static final int ROWS = 4_096;
    private static final int WINDOW_ROWS = 10_000;

    private DriftModel model;
    private DriftAggregate aggregate;
    private Observation[] rows;
    private DriftAccumulator window;
    private DriftAccumulator full;
    private int next;

    @Setup
    public void setUp() {
        DemoModel demo = new DemoModel(64, FEATURES);
        ReferenceProfile profile = DemoProfile.build(demo);
        ModelSpec spec =
                new ModelSpec(
                        DemoModel.NAME,
                        null,
                        "in-memory",
                        null,
                        new ModelSpec.FeatureSpec("input", demo.featureNames(), null),
                        new ModelSpec.OutputSpec("probabilities", null, DemoModel.CLASSES),
                        new ModelSpec.DetectorSettings(
                                null,
                                new ModelSpec.DriftSettings(
                                        null, null, null, null, null, null, null, null, null, null,
                                        null, null, null, null, null),
                                null));
        model = DriftModel.of(spec, profile);
        aggregate =
                new DriftAggregate(
                        new DriftModels(Map.of(Observation.modelKey(DemoModel.NAME, null), model)));
        Random r = new Random(1);
        rows = new Observation[ROWS];
        for (int i = 0; i < ROWS; i++) {
            double[] x = demo.sample(r.nextInt(demo.classes()), r);
            Confidence c = Confidence.ofProbabilities(demo.predict(x));
            Observation o = new Observation();
            o.modelName = DemoModel.NAME;
            o.modelVersion = DemoModel.VERSION;
            o.modelKey = Observation.modelKey(o.modelName, o.modelVersion);
            o.features = x;
            o.predictedClass = c.predictedClass();
            o.msp = c.msp();
            o.entropy = c.entropy();
            o.margin = c.margin();
            rows[i] = o;
        }
        full = aggregate.createAccumulator();
        for (int i = 0; i < WINDOW_ROWS; i++) {
            full = aggregate.add(rows[i % ROWS], full);
        }
    }

    @Setup(Level.Iteration)
    public void newWindow() {
        window = aggregate.createAccumulator();
    }

    @Benchmark
    public DriftAccumulator addRow() {
        Observation o = rows[next];
        next = (next + 1) & (ROWS - 1);
        return aggregate.add(o, window);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public DriftReport closeWindow() {
        return DriftEvaluator.evaluate(model, full, DemoModel.NAME, DemoModel.VERSION, 0, 60_000);
    }
}
