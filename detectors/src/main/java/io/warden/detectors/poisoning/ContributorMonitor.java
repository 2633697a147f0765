package io.warden.detectors.poisoning;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.special.Beta;

/**
 * Label-flip detection per contributor of the feedback stream. A label-flipping attacker (Biggio,
 * Nelson &amp; Laskov, "Poisoning attacks against support vector machines", ICML 2012; Xiao, Xiao
 * &amp; Eckert, "Adversarial label flips attack on support vector machines", ECAI 2012) relabels
 * training samples, usually from one source class to one target class; label sanitization (Paudice,
 * Mu&ntilde;oz-Gonz&aacute;lez &amp; Lupu, "Label sanitization against label flipping poisoning
 * attacks", ECML PKDD Workshops 2018) flags samples whose label disagrees with what the rest of the
 * data says. Per contributor, this monitor reads three signals ({@link LabelFlipSignal}):
 *
 * <ol>
 *   <li><b>Disagreement with the model.</b> Over the contributor's window of records joined to a
 *       model answer, k disagreements (given label &ne; predicted class) out of a weight n; the
 *       one-sided binomial p-value P(X &ge; k) for X ~ Bin(n, p<sub>0</sub>) = I<sub>p0</sub>(k, n
 *       &minus; k + 1) (the regularized incomplete beta function, which also serves the non-integer
 *       counts of the halving window). p<sub>0</sub> is the baseline: the population's rate when a
 *       {@link PopulationState} with at least {@code minPopulationRecords} records is passed, the
 *       fixed expected rate otherwise (1 &minus; the model's reference accuracy, plus the honest
 *       label noise if known). Fires when p &le; alpha after at least {@code minRecords} records.
 *   <li><b>Disagreement with the consensus</b> of other contributors who labelled the same request
 *       (the caller passes their majority label when known): the same test against the population's
 *       (or the expected) consensus-disagreement rate.
 *   <li><b>Concentration on a class pair.</b> The share of the contributor's windowed disagreements
 *       that fall on its single most frequent (given, predicted) pair (a Space-Saving lower bound,
 *       {@code pairCounters} counters). Targeted flipping puts its disagreements on one pair (7
 *       relabelled as 1); honest noise and the model's own errors spread over many. Fires when the
 *       share is at least {@code concentrationThreshold} with at least {@code minDisagreements}
 *       windowed disagreements. Set the threshold above the population's top-pair share: a model
 *       whose errors concentrate on one confusable pair gives honest contributors a high share too.
 * </ol>
 *
 * <p><b>Window.</b> Counts are halved whenever a contributor's weight reaches {@code window}
 * (default {@value #DEFAULT_WINDOW}), so a verdict reflects roughly the last {@code window} records
 * and a contributor who turns malicious late is still found. The p-values are recomputed after each
 * record, which is repeated testing: the chance that an honest contributor ever fires over a long
 * history exceeds alpha, hence the small default alpha ({@value #DEFAULT_ALPHA}); the tests measure
 * the false-flag count.
 *
 * <p><b>Records without a prediction</b> (feedback carrying its own features) or without a
 * consensus pass {@link #UNKNOWN}; the signals that need the missing value skip the record.
 *
 * <p>Immutable, serializable and shared by all contributors; each contributor has a {@link
 * ContributorState} (one keyed-state entry, under 1 kB serialized).
 *
 * <pre>{@code
 * ContributorMonitor monitor = ContributorMonitor.builder(10)
 *         .referenceAccuracy(0.92)
 *         .alpha(1e-4)
 *         .build();
 * ContributorState state = monitor.newState();          // per contributor, in keyed state
 * ContributorAssessment a = monitor.assess(state, givenLabel, predictedClass, consensusLabel);
 * if (a.flagged()) { ... REVIEW the contributor ... }
 * }</pre>
 */
public final class ContributorMonitor implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A predicted class or consensus label that is not known. */
    public static final int UNKNOWN = -1;

    /** Default significance of the disagreement tests: {@value}. */
    public static final double DEFAULT_ALPHA = 1e-4;

    /** Default records a disagreement test needs before it can fire: {@value}. */
    public static final int DEFAULT_MIN_RECORDS = 50;

    /** Default window, in records, after which counts are halved: {@value}. */
    public static final int DEFAULT_WINDOW = 1000;

    /** Default expected rate of disagreement with the consensus of others: {@value}. */
    public static final double DEFAULT_CONSENSUS_DISAGREEMENT_RATE = 0.05;

    /** Default share of disagreements on one pair at which the concentration fires: {@value}. */
    public static final double DEFAULT_CONCENTRATION_THRESHOLD = 0.3;

    /** Default windowed disagreements the concentration needs before it can fire: {@value}. */
    public static final int DEFAULT_MIN_DISAGREEMENTS = 30;

    /** Default Space-Saving counters of class pairs per contributor: {@value}. */
    public static final int DEFAULT_PAIR_COUNTERS = 8;

    /** Default population records before its rates replace the expected ones: {@value}. */
    public static final int DEFAULT_MIN_POPULATION_RECORDS = 1000;

    /** Default window of the population's counts: {@value}. */
    public static final int DEFAULT_POPULATION_WINDOW = 100_000;

    private final int classCount;
    private final double expectedModelDisagreementRate;
    private final double expectedConsensusDisagreementRate;
    private final double alpha;
    private final int minRecords;
    private final int window;
    private final double concentrationThreshold;
    private final int minDisagreements;
    private final int pairCounters;
    private final int minPopulationRecords;
    private final int populationWindow;

    private ContributorMonitor(Builder b) {
        if (b.classCount < 2) {
            throw new IllegalArgumentException(
                    "classCount must be at least 2, but is " + b.classCount);
        }
        requireRate("expectedModelDisagreementRate", b.expectedModelDisagreementRate);
        requireRate("expectedConsensusDisagreementRate", b.expectedConsensusDisagreementRate);
        requireRate("alpha", b.alpha);
        if (b.window < 2 || b.minRecords < 1 || b.minRecords > b.window / 2) {
            throw new IllegalArgumentException(
                    "need 1 <= minRecords <= window / 2, but minRecords is "
                            + b.minRecords
                            + " and window "
                            + b.window);
        }
        if (!(b.concentrationThreshold > 0.0) || b.minDisagreements < 1 || b.pairCounters < 1) {
            throw new IllegalArgumentException(
                    "concentrationThreshold must be > 0 (above 1 never fires), minDisagreements"
                            + " and pairCounters >= 1");
        }
        if (b.minPopulationRecords < 1 || b.populationWindow < 2) {
            throw new IllegalArgumentException(
                    "minPopulationRecords must be >= 1 and populationWindow >= 2");
        }
        if ((long) b.classCount * b.classCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many classes: " + b.classCount);
        }
        this.classCount = b.classCount;
        this.expectedModelDisagreementRate = b.expectedModelDisagreementRate;
        this.expectedConsensusDisagreementRate = b.expectedConsensusDisagreementRate;
        this.alpha = b.alpha;
        this.minRecords = b.minRecords;
        this.window = b.window;
        this.concentrationThreshold = b.concentrationThreshold;
        this.minDisagreements = b.minDisagreements;
        this.pairCounters = b.pairCounters;
        this.minPopulationRecords = b.minPopulationRecords;
        this.populationWindow = b.populationWindow;
    }

    private static void requireRate(String name, double value) {
        if (!(value > 0.0 && value < 1.0)) {
            throw new IllegalArgumentException(name + " must be in (0, 1), but is " + value);
        }
    }

    /**
     * A builder for a model of {@code classCount} classes; set the expected disagreement rate with
     * {@link Builder#referenceAccuracy} or {@link Builder#expectedModelDisagreementRate}.
     */
    public static Builder builder(int classCount) {
        return new Builder(classCount);
    }

    /** A fresh state for a new contributor. */
    public ContributorState newState() {
        return new ContributorState(classCount, pairCounters);
    }

    /** An empty population baseline, fed by {@link #observe}. */
    public PopulationState newPopulation() {
        return new PopulationState();
    }

    /**
     * Adds one record of any contributor to the population baseline.
     *
     * @param population the population, updated in place
     * @param givenLabel the label the contributor gave
     * @param predictedClass the model's predicted class, or {@link #UNKNOWN}
     * @param consensusLabel the other contributors' majority label, or {@link #UNKNOWN}
     */
    public void observe(
            PopulationState population, int givenLabel, int predictedClass, int consensusLabel) {
        Objects.requireNonNull(population, "population");
        checkLabels(givenLabel, predictedClass, consensusLabel);
        if (predictedClass != UNKNOWN) {
            population.model.add(givenLabel != predictedClass, populationWindow);
        }
        if (consensusLabel != UNKNOWN) {
            population.consensus.add(givenLabel != consensusLabel, populationWindow);
        }
    }

    /**
     * Reads one record against the fixed expected rates; see {@link #assess(ContributorState, int,
     * int, int, PopulationState)}.
     */
    public ContributorAssessment assess(
            ContributorState state, int givenLabel, int predictedClass, int consensusLabel) {
        return assess(state, givenLabel, predictedClass, consensusLabel, null);
    }

    /**
     * Reads one feedback record of a contributor.
     *
     * @param state the contributor's state, updated in place
     * @param givenLabel the label the contributor gave, in [0, classCount)
     * @param predictedClass the model's predicted class for the labelled request, or {@link
     *     #UNKNOWN}
     * @param consensusLabel the majority label of the other contributors who labelled the same
     *     request, or {@link #UNKNOWN}
     * @param population the population baseline, or null to use the fixed expected rates; its rates
     *     are used once it holds {@code minPopulationRecords} records of the kind
     * @throws IllegalArgumentException if a label is out of range or the state belongs to a monitor
     *     of another class count
     */
    public ContributorAssessment assess(
            ContributorState state,
            int givenLabel,
            int predictedClass,
            int consensusLabel,
            PopulationState population) {
        Objects.requireNonNull(state, "state");
        checkLabels(givenLabel, predictedClass, consensusLabel);
        if (state.classCount != classCount || state.pairs.capacity() != pairCounters) {
            throw new IllegalArgumentException("state was made by another monitor");
        }
        state.records++;
        if (predictedClass != UNKNOWN) {
            boolean disagrees = givenLabel != predictedClass;
            if (state.model.add(disagrees, window)) {
                state.pairs.halve();
            }
            if (disagrees) {
                state.pairs.add(givenLabel * classCount + predictedClass);
            }
        }
        if (consensusLabel != UNKNOWN) {
            state.consensus.add(givenLabel != consensusLabel, window);
        }
        double modelBaseline =
                population != null && population.model.observations() >= minPopulationRecords
                        ? population.model.rate()
                        : expectedModelDisagreementRate;
        double consensusBaseline =
                population != null && population.consensus.observations() >= minPopulationRecords
                        ? population.consensus.rate()
                        : expectedConsensusDisagreementRate;
        int topKey = state.pairs.topKey();
        return new ContributorAssessment(
                state.records,
                List.of(
                        rateReading(
                                state,
                                LabelFlipSignal.MODEL_DISAGREEMENT,
                                state.model,
                                modelBaseline),
                        rateReading(
                                state,
                                LabelFlipSignal.CONSENSUS_DISAGREEMENT,
                                state.consensus,
                                consensusBaseline),
                        concentrationReading(state)),
                topKey < 0 ? -1 : topKey / classCount,
                topKey < 0 ? -1 : topKey % classCount);
    }

    private LabelFlipReading rateReading(
            ContributorState state, LabelFlipSignal signal, WindowedRate rate, double baseline) {
        boolean testable = rate.observations() >= minRecords;
        double p = testable ? upperTail(rate.hits(), rate.weight(), baseline) : Double.NaN;
        boolean firing = p <= alpha;
        return new LabelFlipReading(
                signal,
                rate.rate(),
                baseline,
                p,
                alpha,
                rate.weight(),
                firing,
                firstFired(state, signal, firing));
    }

    private LabelFlipReading concentrationReading(ContributorState state) {
        double disagreements = state.model.hits();
        double share =
                disagreements > 0.0 ? state.pairs.topLowerBound() / disagreements : Double.NaN;
        boolean firing = disagreements >= minDisagreements && share >= concentrationThreshold;
        LabelFlipSignal signal = LabelFlipSignal.PAIR_CONCENTRATION;
        return new LabelFlipReading(
                signal,
                share,
                concentrationThreshold,
                Double.NaN,
                concentrationThreshold,
                disagreements,
                firing,
                firstFired(state, signal, firing));
    }

    /** Records the first firing of a signal and returns the record count it happened at. */
    private static long firstFired(ContributorState state, LabelFlipSignal signal, boolean firing) {
        int i = signal.ordinal();
        if (firing && state.firstFiredAtRecord[i] == 0) {
            state.firstFiredAtRecord[i] = state.records;
        }
        return state.firstFiredAtRecord[i];
    }

    /**
     * P(X &ge; k) for X ~ Bin(n, p), continued to real k and n as I<sub>p</sub>(k, n &minus; k +
     * 1).
     */
    static double upperTail(double k, double n, double p) {
        if (k <= 0.0) {
            return 1.0;
        }
        return Math.min(1.0, Math.max(0.0, Beta.regularizedBeta(p, k, n - k + 1.0)));
    }

    private void checkLabels(int givenLabel, int predictedClass, int consensusLabel) {
        if (givenLabel < 0 || givenLabel >= classCount) {
            throw new IllegalArgumentException(
                    "given label must be in [0, " + classCount + "), but is " + givenLabel);
        }
        if (predictedClass < UNKNOWN || predictedClass >= classCount) {
            throw new IllegalArgumentException(
                    "predicted class must be UNKNOWN or in [0, "
                            + classCount
                            + "), but is "
                            + predictedClass);
        }
        if (consensusLabel < UNKNOWN || consensusLabel >= classCount) {
            throw new IllegalArgumentException(
                    "consensus label must be UNKNOWN or in [0, "
                            + classCount
                            + "), but is "
                            + consensusLabel);
        }
    }

    /** Number of classes. */
    public int classCount() {
        return classCount;
    }

    /** Significance of the disagreement tests. */
    public double alpha() {
        return alpha;
    }

    /** The fixed expected rate of disagreement with the model. */
    public double expectedModelDisagreementRate() {
        return expectedModelDisagreementRate;
    }

    /** Builds a {@link ContributorMonitor}; every setting has a documented default but the rate. */
    public static final class Builder {
        private final int classCount;
        // Rates and thresholds.
        private double expectedModelDisagreementRate = Double.NaN;
        private double expectedConsensusDisagreementRate = DEFAULT_CONSENSUS_DISAGREEMENT_RATE;
        private double alpha = DEFAULT_ALPHA;
        private double concentrationThreshold = DEFAULT_CONCENTRATION_THRESHOLD;
        // Counts and sizes.
        private int minRecords = DEFAULT_MIN_RECORDS;
        private int window = DEFAULT_WINDOW;
        private int minDisagreements = DEFAULT_MIN_DISAGREEMENTS;
        private int pairCounters = DEFAULT_PAIR_COUNTERS;
        private int minPopulationRecords = DEFAULT_MIN_POPULATION_RECORDS;
        private int populationWindow = DEFAULT_POPULATION_WINDOW;

        private Builder(int classCount) {
            this.classCount = classCount;
        }

        /** Sets the expected disagreement rate to 1 &minus; accuracy; accuracy in (0, 1). */
        public Builder referenceAccuracy(double accuracy) {
            this.expectedModelDisagreementRate = 1.0 - accuracy;
            return this;
        }

        /** The rate at which an honest contributor disagrees with the model; in (0, 1). */
        public Builder expectedModelDisagreementRate(double rate) {
            this.expectedModelDisagreementRate = rate;
            return this;
        }

        /** The rate at which an honest contributor disagrees with the consensus; in (0, 1). */
        public Builder expectedConsensusDisagreementRate(double rate) {
            this.expectedConsensusDisagreementRate = rate;
            return this;
        }

        /** Significance of the disagreement tests; in (0, 1). */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Records of the kind a disagreement test needs before it can fire; &ge; 1. */
        public Builder minRecords(int minRecords) {
            this.minRecords = minRecords;
            return this;
        }

        /** Weight at which a contributor's counts are halved; at least 2 &middot; minRecords. */
        public Builder window(int window) {
            this.window = window;
            return this;
        }

        /** Top-pair share of disagreements at which the concentration fires; above 1 never. */
        public Builder concentrationThreshold(double threshold) {
            this.concentrationThreshold = threshold;
            return this;
        }

        /** Windowed disagreements the concentration needs before it can fire; &ge; 1. */
        public Builder minDisagreements(int minDisagreements) {
            this.minDisagreements = minDisagreements;
            return this;
        }

        /** Space-Saving counters of class pairs per contributor; &ge; 1. */
        public Builder pairCounters(int pairCounters) {
            this.pairCounters = pairCounters;
            return this;
        }

        /** Population records of a kind before its rate replaces the expected one; &ge; 1. */
        public Builder minPopulationRecords(int minPopulationRecords) {
            this.minPopulationRecords = minPopulationRecords;
            return this;
        }

        /** Weight at which the population's counts are halved; &ge; 2. */
        public Builder populationWindow(int populationWindow) {
            this.populationWindow = populationWindow;
            return this;
        }

        /**
         * The monitor.
         *
         * @throws IllegalArgumentException if a setting is out of range or no expected model
         *     disagreement rate was set
         */
        public ContributorMonitor build() {
            return new ContributorMonitor(this);
        }
    }
}
