package io.warden.detectors.drift;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The drift of one feature in one window against its reference: every statistic with its own
 * threshold and verdict, the feature's verdict, and an effect size to rank drifted features by.
 * Maps to the {@code FeatureDrift} record of the {@code DriftReport} contract ({@code kind,
 * sample_count, statistics, drifted}).
 *
 * <p><b>Effect size.</b> {@link #effectSize()} is the Jensen-Shannon distance (base 2) between the
 * reference and window distributions over the feature's bins or categories. It is chosen for
 * ranking because it is the one statistic computed the same way for numeric and categorical
 * features and bounded to [0, 1], so features of both kinds can be ranked in one list; it does not
 * grow with the window size as a test statistic or p-value does; and unlike the normalised
 * Wasserstein distance it does not depend on a reference standard deviation that heavy tails or a
 * near-constant feature can make meaningless.
 *
 * @param kind numeric or categorical
 * @param referenceCount values behind the reference (a sketch's n; 0 if unknown, e.g. a categorical
 *     reference given as proportions)
 * @param windowCount values in the window
 * @param statistics the statistics computed, in a fixed order per kind (numeric: psi, js_distance,
 *     wasserstein_norm, ks; categorical: chi2, js_distance, psi)
 * @param verdictBasis the name of the statistic whose verdict is the feature's, or {@code "any"}
 * @param drifted the feature's verdict
 * @param effectSize the Jensen-Shannon distance, in [0, 1]
 * @param unseenCount window values in categories the reference never saw (0 for numeric features)
 */
public record UnivariateDriftResult(
        Kind kind,
        long referenceCount,
        long windowCount,
        List<DriftStatistic> statistics,
        String verdictBasis,
        boolean drifted,
        double effectSize,
        long unseenCount)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The {@link #verdictBasis()} of {@link VerdictRule#ANY}. */
    public static final String ANY = "any";

    /** The kind of feature, as the contract's {@code FeatureKind}. */
    public enum Kind {
        NUMERIC,
        CATEGORICAL
    }

    /** Validates the fields and makes the statistics list immutable. */
    public UnivariateDriftResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(verdictBasis, "verdictBasis");
        statistics = List.copyOf(statistics);
        if (referenceCount < 0 || windowCount < 1 || unseenCount < 0) {
            throw new IllegalArgumentException(
                    "counts must be non-negative and the window non-empty: reference "
                            + referenceCount
                            + ", window "
                            + windowCount
                            + ", unseen "
                            + unseenCount);
        }
        if (!(effectSize >= 0.0 && effectSize <= 1.0)) {
            throw new IllegalArgumentException("effect size must be in [0, 1]: " + effectSize);
        }
    }

    /** The statistic with the given name, if it was computed. */
    public Optional<DriftStatistic> statistic(String name) {
        for (DriftStatistic s : statistics) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
