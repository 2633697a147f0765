package io.warden.jobs.performance;

import io.warden.detectors.performance.ClassificationCounts;

/**
 * What a performance window keeps: the model version and the {@link ClassificationCounts} of its
 * predictions and labels (exact counts, so windows do not depend on arrival order and merge by
 * addition). A Flink POJO; {@code counts} is null until the first row.
 */
public class PerformanceAccumulator {
    public String modelName;
    public String modelVersion;
    public ClassificationCounts counts;

    public PerformanceAccumulator() {}
}
