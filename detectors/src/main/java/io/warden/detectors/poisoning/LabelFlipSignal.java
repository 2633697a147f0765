package io.warden.detectors.poisoning;

/** The per-contributor label-flip signals of a {@link ContributorAssessment}, with detector ids. */
public enum LabelFlipSignal {
    /**
     * The contributor disagrees with the model's predicted class more often than the population
     * does: value the contributor's windowed disagreement rate, fires when the one-sided binomial
     * p-value is at most alpha.
     */
    MODEL_DISAGREEMENT("poisoning.model_disagreement"),
    /**
     * The contributor disagrees with the other contributors' consensus label more often than the
     * population does: value its windowed rate, fires when the binomial p-value is at most alpha.
     */
    CONSENSUS_DISAGREEMENT("poisoning.consensus_disagreement"),
    /**
     * The contributor's disagreements with the model fall on one (given, predicted) class pair:
     * value that pair's share of its disagreements, fires at or above the threshold.
     */
    PAIR_CONCENTRATION("poisoning.pair_concentration");

    private final String id;

    LabelFlipSignal(String id) {
        this.id = id;
    }

    /** The detector id used in results and alerts. */
    public String id() {
        return id;
    }
}
