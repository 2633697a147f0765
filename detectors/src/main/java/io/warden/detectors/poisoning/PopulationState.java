package io.warden.detectors.poisoning;

import java.io.Serializable;
import java.util.Objects;

/**
 * The population's disagreement counts, the baseline the per-contributor tests compare with when
 * the caller maintains one: windowed rates of (given label &ne; predicted class) and (given label
 * &ne; consensus label) over all contributors' records, fed with {@link
 * ContributorMonitor#observe}. Six numbers; parallel instances' partial states combine with {@link
 * #merge}. The population includes any attacker, so an attacker that is a large share of the
 * feedback raises its own baseline; the fixed expected rates of {@link ContributorMonitor} have no
 * such blind spot.
 */
public final class PopulationState implements Serializable {

    private static final long serialVersionUID = 1L;

    final WindowedRate model = new WindowedRate();
    final WindowedRate consensus = new WindowedRate();

    /** An empty population; see {@link ContributorMonitor#newPopulation()}. */
    PopulationState() {}

    /** Adds another partial population's counts to this one; the other is left unchanged. */
    public PopulationState merge(PopulationState other) {
        Objects.requireNonNull(other, "other");
        model.merge(other.model);
        consensus.merge(other.consensus);
        return this;
    }

    /**
     * The windowed rate of disagreement with the model, NaN before any record with a prediction.
     */
    public double modelDisagreementRate() {
        return model.rate();
    }

    /** The windowed rate of disagreement with the consensus, NaN before any such record. */
    public double consensusDisagreementRate() {
        return consensus.rate();
    }

    /** Records observed with a known predicted class. */
    public long recordsWithPrediction() {
        return model.observations();
    }

    /** Records observed with a known consensus label. */
    public long recordsWithConsensus() {
        return consensus.observations();
    }
}
