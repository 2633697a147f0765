package io.warden.jobs.drift;

import io.warden.detectors.drift.NumericReference;
import io.warden.detectors.drift.WindowBins;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Adds rows to a drift window: counts each feature's value in that feature's fine reference bins,
 * the predicted class, the max softmax probability's bin, and the row's PCA reconstruction error.
 * All additions, so windows are independent of arrival order and merge exactly.
 */
public final class DriftAggregate
        implements AggregateFunction<Observation, DriftAccumulator, DriftAccumulator> {
    private static final long serialVersionUID = 1L;

    private final DriftModels models;

    public DriftAggregate(DriftModels models) {
        this.models = models;
    }

    @Override
    public DriftAccumulator createAccumulator() {
        return new DriftAccumulator();
    }

    @Override
    public DriftAccumulator add(Observation o, DriftAccumulator acc) {
        DriftModel model = models.find(o.modelName, o.modelVersion);
        if (acc.featureCounts == null) {
            acc.modelName = o.modelName;
            acc.modelVersion = o.modelVersion;
            model.initialise(acc);
        }
        acc.rows++;
        for (int i = 0; i < model.features.length; i++) {
            WindowBins bins = model.features[i].windowBins();
            double x = o.features[i];
            acc.featureCounts[i][bins.binOf(x)]++;
            double scale = model.scale(i);
            acc.featureLowerExcess[i] += FixedPoint.units(bins.lowerExcess(x), scale);
            acc.featureUpperExcess[i] += FixedPoint.units(bins.upperExcess(x), scale);
        }
        acc.classCounts[o.predictedClass]++;
        NumericReference msp = model.msp;
        if (msp != null) {
            WindowBins bins = msp.windowBins();
            acc.mspCounts[bins.binOf(o.msp)]++;
            acc.mspLowerExcess += FixedPoint.units(bins.lowerExcess(o.msp), model.mspScale());
            acc.mspUpperExcess += FixedPoint.units(bins.upperExcess(o.msp), model.mspScale());
        }
        if (model.pca != null) {
            acc.pcaErrorSum += FixedPoint.units(model.pca.error(model.pcaRow(o.features)), 1.0);
            acc.pcaRows++;
        }
        return acc;
    }

    @Override
    public DriftAccumulator getResult(DriftAccumulator acc) {
        return acc;
    }

    @Override
    public DriftAccumulator merge(DriftAccumulator a, DriftAccumulator b) {
        if (a.featureCounts == null) {
            return b;
        }
        if (b.featureCounts == null) {
            return a;
        }
        a.rows += b.rows;
        for (int i = 0; i < a.featureCounts.length; i++) {
            add(a.featureCounts[i], b.featureCounts[i]);
        }
        add(a.featureLowerExcess, b.featureLowerExcess);
        add(a.featureUpperExcess, b.featureUpperExcess);
        add(a.classCounts, b.classCounts);
        add(a.mspCounts, b.mspCounts);
        a.mspLowerExcess += b.mspLowerExcess;
        a.mspUpperExcess += b.mspUpperExcess;
        a.pcaErrorSum += b.pcaErrorSum;
        a.pcaRows += b.pcaRows;
        return a;
    }

    private static void add(long[] into, long[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }
}
