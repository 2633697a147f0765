package io.warden.detectors.drift;

/**
 * Which statistic decides whether a feature drifted. Every statistic always carries its own verdict
 * ({@link DriftStatistic#drifted()}); the rule picks the one that becomes the feature's.
 *
 * <p>The default, {@link #AUTO}, follows Evidently's default choice of test: a test with a p-value
 * for small data, a distance for large data, because with thousands of values a p-value test flags
 * shifts too small to matter while a distance with a fixed threshold measures how far the data
 * moved. Evidently decides by the reference's size; warden decides by the window's, because here
 * the reference is a large profile and it is the window size that varies and that drives a test's
 * power.
 */
public enum VerdictRule {
    /**
     * Windows of at most {@link DriftThresholds#smallSampleLimit()} values: the test (KS for
     * numeric, chi-squared for categorical features); larger windows: the distance (normalised
     * Wasserstein for numeric, Jensen-Shannon for categorical features).
     */
    AUTO,
    /** Always the test: KS for numeric, chi-squared for categorical features. */
    TEST,
    /** Always the distance: normalised Wasserstein for numeric, Jensen-Shannon for categorical. */
    DISTANCE,
    /** Drifted if any statistic is drifted (the most sensitive, with the most false alarms). */
    ANY
}
