package io.warden.jobs.drift;

/**
 * What a drift window keeps of its rows: exact counts over the reference's fine bins per feature
 * and for the max softmax probability, tail excesses for the Wasserstein distance, predicted-class
 * counts and the sum of PCA reconstruction errors. Counts and fixed-point sums, so the result does
 * not depend on the order rows arrive in, bit for bit, and windows merge by addition. Arrays are
 * sized at the first row, when the model is known. A Flink POJO of primitive arrays (no Kryo).
 */
public class DriftAccumulator {
    public String modelName;
    public String modelVersion;
    public long rows;

    /** Per feature: counts over {@code WindowBins} of that feature's reference. */
    public long[][] featureCounts;

    /** Sums of tail excesses, in {@link FixedPoint} units of the feature's scale. */
    public long[] featureLowerExcess;

    public long[] featureUpperExcess;
    public long[] classCounts;
    public long[] mspCounts;
    public long mspLowerExcess;
    public long mspUpperExcess;

    /** Sum of PCA reconstruction errors, in {@link FixedPoint} units of 1. */
    public long pcaErrorSum;

    public long pcaRows;

    public DriftAccumulator() {}

    boolean isEmpty() {
        return rows == 0;
    }
}
