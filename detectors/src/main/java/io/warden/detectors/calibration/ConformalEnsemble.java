package io.warden.detectors.calibration;

import io.warden.detectors.core.Direction;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Several per-input detectors combined so that one threshold means one false-positive rate.
 *
 * <p><b>Method.</b> Split-conformal calibration in two stages on clean reference data that none of
 * the detectors was fitted on (Vovk, Gammerman &amp; Shafer 2005; Angelopoulos &amp; Bates,
 * arXiv:2107.07511, 2021), with the p-values combined in between (Bates, Cand&egrave;s, Lei, Romano
 * &amp; Sesia, "Testing for outliers with conformal p-values", Annals of Statistics 51(1), 2023,
 * discusses the combination of conformal p-values):
 *
 * <ol>
 *   <li>each detector's score is turned into a conformal p-value against that detector's scores on
 *       the first calibration split ({@link EmpiricalReference}), so scores on different scales
 *       become comparable;
 *   <li>the detectors' p-values are combined by a {@link PValueCombination} (Bonferroni's minimum
 *       or Fisher's method) into one statistic;
 *   <li>that statistic is ranked, once more conformally, against the same statistic computed on the
 *       second, held-out calibration split. This final p-value is the ensemble's: if a new input is
 *       exchangeable with the reference, P(p &le; &alpha;) &le; &alpha; for every &alpha;, whatever
 *       the dependence between the detectors. Fisher's nominal level alone would not give that:
 *       detectors looking at the same input are positively dependent, and Fisher's method then
 *       flags more than &alpha;.
 * </ol>
 *
 * A detector that cannot score an input (a NaN score) gives it p-value 0: it cannot vouch for it.
 *
 * <p>Instances are immutable, thread-safe and serializable (the references are sorted arrays).
 *
 * <pre>{@code
 * ConformalEnsemble ensemble =
 *     ConformalEnsemble.calibrate(names, directions, firstSplitScores, heldOutScores,
 *         PValueCombination.FISHER);
 * ConformalEnsemble.Assessment a = ensemble.assess(scoresOfOneInput);
 * boolean evasion = a.pValue() <= 0.001;
 * }</pre>
 */
public final class ConformalEnsemble implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> detectors;
    private final Direction[] directions;
    private final EmpiricalReference[] detectorReferences;
    private final PValueCombination combination;
    private final EmpiricalReference combinedReference;

    private ConformalEnsemble(
            List<String> detectors,
            Direction[] directions,
            EmpiricalReference[] detectorReferences,
            PValueCombination combination,
            EmpiricalReference combinedReference) {
        this.detectors = detectors;
        this.directions = directions;
        this.detectorReferences = detectorReferences;
        this.combination = combination;
        this.combinedReference = combinedReference;
    }

    /**
     * Calibrates an ensemble.
     *
     * @param detectors the detectors' names, in the order of the score arrays
     * @param directions which end of each detector's score is anomalous
     * @param calibrationScores {@code [detector][row]}: each detector's scores on the first split
     *     (NaN scores are left out of that detector's reference)
     * @param heldOutScores {@code [detector][row]}: the scores on the second, held-out split, row
     *     for row the same inputs across detectors
     * @param combination how the per-detector p-values are combined
     * @throws IllegalArgumentException if the arrays do not match the detectors, a split is empty,
     *     or a detector scores every row of the first split NaN
     */
    public static ConformalEnsemble calibrate(
            List<String> detectors,
            Direction[] directions,
            double[][] calibrationScores,
            double[][] heldOutScores,
            PValueCombination combination) {
        List<String> names = List.copyOf(detectors);
        int k = names.size();
        Objects.requireNonNull(combination, "combination");
        if (k == 0) {
            throw new IllegalArgumentException("an ensemble needs at least one detector");
        }
        if (directions.length != k || calibrationScores.length != k || heldOutScores.length != k) {
            throw new IllegalArgumentException(
                    "one direction, calibration row set and held-out row set per detector");
        }
        int heldOut = heldOutScores[0].length;
        if (heldOut == 0) {
            throw new IllegalArgumentException("the held-out split is empty");
        }
        EmpiricalReference[] references = new EmpiricalReference[k];
        for (int d = 0; d < k; d++) {
            if (heldOutScores[d].length != heldOut) {
                throw new IllegalArgumentException(
                        "detector " + names.get(d) + " has a different number of held-out rows");
            }
            EmpiricalReference.Builder b = EmpiricalReference.builder();
            for (double s : calibrationScores[d]) {
                if (!Double.isNaN(s)) {
                    b.add(s);
                }
            }
            if (b.offered() == 0) {
                throw new IllegalArgumentException(
                        "detector "
                                + names.get(d)
                                + " scores every calibration row NaN; it cannot be calibrated");
            }
            references[d] = b.build();
        }
        ConformalEnsemble firstStage =
                new ConformalEnsemble(names, directions.clone(), references, combination, null);
        double[] combined = new double[heldOut];
        double[] scores = new double[k];
        double[] p = new double[k];
        for (int r = 0; r < heldOut; r++) {
            for (int d = 0; d < k; d++) {
                scores[d] = heldOutScores[d][r];
            }
            combined[r] = firstStage.combined(scores, p);
        }
        return new ConformalEnsemble(
                names,
                directions.clone(),
                references,
                combination,
                EmpiricalReference.of(combined));
    }

    /** The detectors' names, in score order. */
    public List<String> detectors() {
        return detectors;
    }

    /** How the per-detector p-values are combined. */
    public PValueCombination combination() {
        return combination;
    }

    /** The smallest ensemble p-value attainable: 1 / (held-out rows + 1). */
    public double smallestPValue() {
        return combinedReference.smallestPValue();
    }

    /** Rows of the held-out split the final p-value is ranked against. */
    public int heldOutSize() {
        return combinedReference.size();
    }

    /**
     * One detector's conformal p-value for a score, against its first calibration split (0 for
     * NaN), as {@link #assess} computes it.
     */
    public double detectorPValue(int detector, double score) {
        return Double.isNaN(score)
                ? 0.0
                : detectorReferences[detector].pValue(score, directions[detector]);
    }

    /**
     * Assesses one input from its detectors' scores.
     *
     * @param scores one per detector, in {@link #detectors()} order; NaN where a detector could not
     *     score the input
     */
    public Assessment assess(double[] scores) {
        if (scores.length != detectors.size()) {
            throw new IllegalArgumentException(
                    "need " + detectors.size() + " scores, got " + scores.length);
        }
        double[] p = new double[scores.length];
        double combined = combined(scores, p);
        double pValue = combinedReference.pValue(combined, Direction.LOW_IS_ANOMALOUS);
        return new Assessment(detectors, scores.clone(), p, combined, pValue);
    }

    /** Fills the per-detector p-values and returns their combination. */
    private double combined(double[] scores, double[] p) {
        for (int d = 0; d < p.length; d++) {
            p[d] = detectorPValue(d, scores[d]);
        }
        return combination.combine(p, p.length);
    }

    /**
     * The ensemble's judgment of one input.
     *
     * @param detectors the detectors' names
     * @param scores their scores
     * @param detectorPValues each detector's conformal p-value (0 for a NaN score)
     * @param combined the combined statistic, before the second calibration stage
     * @param pValue the ensemble's p-value: compare it with the false-positive rate
     */
    public record Assessment(
            List<String> detectors,
            double[] scores,
            double[] detectorPValues,
            double combined,
            double pValue) {

        /** Whether the input is flagged at false-positive rate {@code alpha}. */
        public boolean flagged(double alpha) {
            return pValue <= alpha;
        }

        /**
         * The detectors that fired on their own at level {@code alpha} (p-value at most alpha),
         * most significant first; an input can be flagged by the ensemble with none of them.
         */
        public List<Integer> firing(double alpha) {
            List<Integer> out = new ArrayList<>();
            for (int d = 0; d < detectorPValues.length; d++) {
                if (detectorPValues[d] <= alpha) {
                    out.add(d);
                }
            }
            out.sort(Comparator.comparingDouble(d -> detectorPValues[d]));
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Assessment a
                    && detectors.equals(a.detectors)
                    && Arrays.equals(scores, a.scores)
                    && Arrays.equals(detectorPValues, a.detectorPValues)
                    && Double.compare(combined, a.combined) == 0
                    && Double.compare(pValue, a.pValue) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(
                    detectors,
                    Arrays.hashCode(scores),
                    Arrays.hashCode(detectorPValues),
                    combined,
                    pValue);
        }

        @Override
        public String toString() {
            return "Assessment[p="
                    + pValue
                    + ", combined="
                    + combined
                    + ", detectorP="
                    + Arrays.toString(detectorPValues)
                    + "]";
        }
    }
}
