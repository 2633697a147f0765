package io.warden.detectors.drift;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;

/**
 * Multiple-testing corrections for a family of p-values, e.g. one KS p-value per feature of a model
 * in one window: with 64 features tested at 0.05 each, about three would be flagged in every window
 * without any drift.
 *
 * <ul>
 *   <li>{@link Correction#BONFERRONI}: adjusted p = min(1, m p). Controls the family-wise error
 *       rate (the chance of any false alarm) at &alpha; under any dependence.
 *   <li>{@link Correction#HOLM}: step-down; the i-th smallest p gets max<sub>j&le;i</sub> min(1, (m
 *       &minus; j + 1) p<sub>(j)</sub>). Same guarantee as Bonferroni, never less powerful (Holm,
 *       "A simple sequentially rejective multiple test procedure", Scandinavian Journal of
 *       Statistics 6(2):65&ndash;70, 1979).
 *   <li>{@link Correction#BENJAMINI_HOCHBERG}: step-up; the i-th smallest p gets
 *       min<sub>j&ge;i</sub> min(1, m p<sub>(j)</sub> / j). Controls the false discovery rate (the
 *       expected share of false alarms among the flagged features) at &alpha; for independent or
 *       positively dependent tests (Benjamini &amp; Hochberg, "Controlling the false discovery
 *       rate: a practical and powerful approach to multiple testing", Journal of the Royal
 *       Statistical Society B 57(1):289&ndash;300, 1995). More powerful when many features drift
 *       together, which is the usual case.
 *   <li>{@link Correction#NONE}: the p-values unchanged.
 * </ul>
 *
 * A hypothesis is rejected when its adjusted p-value is &le; &alpha;, which is equivalent to each
 * procedure's original step-down or step-up rule. The adjusted values equal statsmodels' {@code
 * multipletests} ({@code bonferroni}, {@code holm}, {@code fdr_bh}); ties get equal adjusted
 * p-values whatever their order.
 *
 * <p>Stateless and thread-safe.
 */
public final class MultipleTesting {

    private MultipleTesting() {}

    /** A correction procedure, with the id used in configuration and in drift reports. */
    public enum Correction {
        /** No correction. */
        NONE("none"),
        /** Bonferroni: family-wise error rate. */
        BONFERRONI("bonferroni"),
        /** Holm's step-down: family-wise error rate, uniformly more powerful than Bonferroni. */
        HOLM("holm"),
        /** Benjamini-Hochberg step-up: false discovery rate. */
        BENJAMINI_HOCHBERG("benjamini-hochberg");

        private final String id;

        Correction(String id) {
            this.id = id;
        }

        /** The id: {@code none}, {@code bonferroni}, {@code holm}, {@code benjamini-hochberg}. */
        public String id() {
            return id;
        }

        /**
         * The correction with the given id (case-insensitive; {@code bh} and {@code fdr_bh} are
         * accepted for Benjamini-Hochberg).
         *
         * @throws IllegalArgumentException for an unknown id, listing the known ones
         */
        public static Correction fromId(String id) {
            Objects.requireNonNull(id, "id");
            String key = id.trim().toLowerCase(Locale.ROOT);
            if (key.equals("bh") || key.equals("fdr_bh")) {
                return BENJAMINI_HOCHBERG;
            }
            for (Correction c : values()) {
                if (c.id.equals(key)) {
                    return c;
                }
            }
            throw new IllegalArgumentException(
                    "unknown multiple-testing correction '"
                            + id
                            + "'; known: none, bonferroni, holm, benjamini-hochberg");
        }
    }

    /**
     * The adjusted p-values and decisions of one family, in the order of the input. Immutable;
     * accessors return copies.
     */
    public static final class Result implements Serializable {

        private static final long serialVersionUID = 1L;

        private final Correction correction;
        private final double alpha;
        private final double[] adjusted;
        private final boolean[] rejected;

        private Result(Correction correction, double alpha, double[] adjusted, boolean[] rejected) {
            this.correction = correction;
            this.alpha = alpha;
            this.adjusted = adjusted;
            this.rejected = rejected;
        }

        public Correction correction() {
            return correction;
        }

        /** The level the decisions were taken at. */
        public double alpha() {
            return alpha;
        }

        /** Number of hypotheses m. */
        public int size() {
            return adjusted.length;
        }

        /** The adjusted p-value of hypothesis i, in [0, 1]. */
        public double adjustedPValue(int i) {
            return adjusted[i];
        }

        /** Whether hypothesis i is rejected (its adjusted p-value is &le; alpha). */
        public boolean isRejected(int i) {
            return rejected[i];
        }

        /** How many hypotheses are rejected. */
        public int rejectedCount() {
            int count = 0;
            for (boolean r : rejected) {
                count += r ? 1 : 0;
            }
            return count;
        }

        /** A copy of the adjusted p-values. */
        public double[] adjustedPValues() {
            return adjusted.clone();
        }

        /** A copy of the decisions. */
        public boolean[] rejected() {
            return rejected.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r
                    && correction == r.correction
                    && Double.compare(alpha, r.alpha) == 0
                    && Arrays.equals(adjusted, r.adjusted)
                    && Arrays.equals(rejected, r.rejected);
        }

        @Override
        public int hashCode() {
            return Objects.hash(
                    correction, alpha, Arrays.hashCode(adjusted), Arrays.hashCode(rejected));
        }

        @Override
        public String toString() {
            return "MultipleTesting.Result["
                    + correction.id()
                    + ", alpha="
                    + alpha
                    + ", adjusted="
                    + Arrays.toString(adjusted)
                    + ", rejected="
                    + Arrays.toString(rejected)
                    + "]";
        }
    }

    /**
     * Adjusts a family of p-values and decides each at level alpha.
     *
     * @param pValues p-values in [0, 1], at least one
     * @param correction the procedure
     * @param alpha the family-wise error rate or false discovery rate to control, in (0, 1)
     * @throws IllegalArgumentException if there are no p-values, one is NaN or outside [0, 1], or
     *     alpha is not in (0, 1)
     */
    public static Result adjust(double[] pValues, Correction correction, double alpha) {
        Objects.requireNonNull(pValues, "pValues");
        Objects.requireNonNull(correction, "correction");
        if (!(alpha > 0.0 && alpha < 1.0)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), but is " + alpha);
        }
        int m = pValues.length;
        if (m == 0) {
            throw new IllegalArgumentException("a family of p-values must not be empty");
        }
        for (int i = 0; i < m; i++) {
            if (!(pValues[i] >= 0.0 && pValues[i] <= 1.0)) {
                throw new IllegalArgumentException(
                        "p-value " + i + " must be in [0, 1], but is " + pValues[i]);
            }
        }
        double[] adjusted =
                switch (correction) {
                    case NONE -> pValues.clone();
                    case BONFERRONI -> bonferroni(pValues);
                    case HOLM -> holm(pValues);
                    case BENJAMINI_HOCHBERG -> benjaminiHochberg(pValues);
                };
        boolean[] rejected = new boolean[m];
        for (int i = 0; i < m; i++) {
            rejected[i] = adjusted[i] <= alpha;
        }
        return new Result(correction, alpha, adjusted, rejected);
    }

    private static double[] bonferroni(double[] p) {
        double[] adjusted = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            adjusted[i] = Math.min(1.0, p.length * p[i]);
        }
        return adjusted;
    }

    private static double[] holm(double[] p) {
        int m = p.length;
        int[] order = ascendingOrder(p);
        double[] adjusted = new double[m];
        double running = 0.0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1.0, (m - rank) * p[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    private static double[] benjaminiHochberg(double[] p) {
        int m = p.length;
        int[] order = ascendingOrder(p);
        double[] adjusted = new double[m];
        double running = 1.0;
        for (int rank = m - 1; rank >= 0; rank--) {
            int i = order[rank];
            running = Math.min(running, Math.min(1.0, m * p[i] / (rank + 1)));
            adjusted[i] = running;
        }
        return adjusted;
    }

    /** Indices ordered by ascending p-value, ties by index (a stable sort). */
    private static int[] ascendingOrder(double[] p) {
        Integer[] boxed = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, Comparator.comparingDouble(i -> p[i])); // stable: ties keep index order
        int[] order = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = boxed[i];
        }
        return order;
    }
}
