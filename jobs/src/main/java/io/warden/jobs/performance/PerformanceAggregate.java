package io.warden.jobs.performance;

import io.warden.detectors.performance.ClassificationCounts;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.WardenConfig;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Counts a window's predictions and their labels. */
public final class PerformanceAggregate
        implements AggregateFunction<
                LabelledPrediction, PerformanceAccumulator, PerformanceAccumulator> {
    private static final long serialVersionUID = 1L;

    private final WardenConfig config;

    public PerformanceAggregate(WardenConfig config) {
        this.config = config;
    }

    @Override
    public PerformanceAccumulator createAccumulator() {
        return new PerformanceAccumulator();
    }

    @Override
    public PerformanceAccumulator add(LabelledPrediction p, PerformanceAccumulator acc) {
        if (acc.counts == null) {
            ModelSpec spec = config.model(p.modelName, p.modelVersion).orElseThrow();
            acc.modelName = p.modelName;
            acc.modelVersion = p.modelVersion;
            acc.counts =
                    new ClassificationCounts(
                            spec.output().classes().size(),
                            spec.detectors().performance().calibrationBins());
        }
        if (p.labelClass == LabelledPrediction.UNLABELLED) {
            acc.counts.addUnlabelled();
        } else {
            acc.counts.add(p.predictedClass, p.labelClass, p.msp);
        }
        return acc;
    }

    @Override
    public PerformanceAccumulator getResult(PerformanceAccumulator acc) {
        return acc;
    }

    @Override
    public PerformanceAccumulator merge(PerformanceAccumulator a, PerformanceAccumulator b) {
        if (a.counts == null) {
            return b;
        }
        if (b.counts != null) {
            a.counts.merge(b.counts);
        }
        return a;
    }
}
