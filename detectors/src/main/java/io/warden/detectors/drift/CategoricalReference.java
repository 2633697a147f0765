package io.warden.detectors.drift;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The reference side of a categorical feature's (or of the predicted class's) drift statistics: the
 * known categories and their reference proportions, plus one shared cell for categories the
 * reference never saw.
 *
 * <p><b>Unseen categories.</b> A window may hold categories that do not occur in the reference (a
 * new product code, a new country). They are all counted in one extra "unseen" cell, whose expected
 * proportion is {@code unseenProportion} (default {@value #DEFAULT_UNSEEN_PROPORTION}, the same as
 * {@link Psi#DEFAULT_EPSILON}); the known categories share the remaining 1 &minus; unseenProportion
 * in their reference ratios. So the expected distribution is a proper distribution over k + 1
 * cells, and every statistic sees new categories the same way: as mass where almost none was
 * expected. For chi-squared, the unseen cell's expected count is below 5 for any window under
 * 50,000 values, so {@link ChiSquared}'s pooling merges it with the rarest reference categories.
 *
 * <p>Immutable and thread-safe; Serializable through a compact form (names and frequencies as
 * given).
 */
public final class CategoricalReference implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default expected proportion of the shared cell of unseen categories: 1e-4. */
    public static final double DEFAULT_UNSEEN_PROPORTION = 1e-4;

    private final String[] categories;

    /** The frequencies as given (kept so that serialization round-trips exactly). */
    private final double[] weights;

    private final double unseenProportion;

    private final transient double[] proportions;

    /** Expected proportions of the k categories and, last, the unseen cell; sums to 1. */
    private final transient double[] expected;

    private final transient Map<String, Integer> index;

    private CategoricalReference(String[] categories, double[] weights, double unseenProportion) {
        if (!(unseenProportion > 0.0 && unseenProportion < 1.0)) {
            throw new IllegalArgumentException(
                    "unseen-category proportion must be in (0, 1), but is " + unseenProportion);
        }
        if (categories.length != weights.length) {
            throw new IllegalArgumentException(
                    "one frequency per category is needed, but there are "
                            + weights.length
                            + " frequencies for "
                            + categories.length
                            + " categories");
        }
        double total = Counts.positiveTotal(weights, "reference frequencies");
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < categories.length; i++) {
            Objects.requireNonNull(categories[i], "category");
            if (byName.put(categories[i], i) != null) {
                throw new IllegalArgumentException("duplicate category '" + categories[i] + "'");
            }
        }
        this.categories = categories.clone();
        this.weights = weights.clone();
        this.proportions = new double[weights.length];
        this.expected = new double[weights.length + 1];
        for (int i = 0; i < weights.length; i++) {
            proportions[i] = weights[i] / total;
            expected[i] = proportions[i] * (1.0 - unseenProportion);
        }
        expected[weights.length] = unseenProportion;
        this.unseenProportion = unseenProportion;
        this.index = byName;
    }

    /**
     * A reference from category frequencies (counts or proportions; normalised), categories in
     * ascending name order so that the result never depends on a map's iteration order.
     *
     * @throws IllegalArgumentException if there are no categories, a frequency is negative, NaN or
     *     infinite, or all are 0
     */
    public static CategoricalReference of(Map<String, ? extends Number> frequencies) {
        return of(frequencies, DEFAULT_UNSEEN_PROPORTION);
    }

    /**
     * As {@link #of(Map)}, with the given expected proportion of unseen categories.
     *
     * @throws IllegalArgumentException as {@link #of(Map)}, or if unseenProportion is not in (0, 1)
     */
    public static CategoricalReference of(
            Map<String, ? extends Number> frequencies, double unseenProportion) {
        Objects.requireNonNull(frequencies, "frequencies");
        TreeMap<String, Number> sorted = new TreeMap<>();
        for (Map.Entry<String, ? extends Number> e : frequencies.entrySet()) {
            sorted.put(
                    Objects.requireNonNull(e.getKey(), "category"),
                    Objects.requireNonNull(e.getValue(), "frequency of " + e.getKey()));
        }
        String[] names = sorted.keySet().toArray(new String[0]);
        double[] weights = new double[names.length];
        int i = 0;
        for (Number n : sorted.values()) {
            weights[i++] = n.doubleValue();
        }
        return new CategoricalReference(names, weights, unseenProportion);
    }

    /**
     * A reference with categories in the given order, e.g. class labels with their reference
     * priors: the order of {@link #indexOf(String)} and of the count arrays passed to {@link
     * UnivariateDrift#categorical(CategoricalReference, long[], long)}.
     *
     * @throws IllegalArgumentException if the lengths differ, a category repeats, or as {@link
     *     #of(Map)}
     */
    public static CategoricalReference of(List<String> categories, double[] frequencies) {
        Objects.requireNonNull(categories, "categories");
        Objects.requireNonNull(frequencies, "frequencies");
        return new CategoricalReference(
                categories.toArray(new String[0]), frequencies, DEFAULT_UNSEEN_PROPORTION);
    }

    /** Number of known categories k. */
    public int size() {
        return categories.length;
    }

    /** The known categories, in index order. */
    public List<String> categories() {
        return List.of(categories);
    }

    /** Index of a known category, or -1 if the reference never saw it. */
    public int indexOf(String category) {
        Integer i = index.get(category);
        return i == null ? -1 : i;
    }

    /** The reference proportion of category i (without the unseen cell; they sum to 1). */
    public double proportion(int i) {
        return proportions[i];
    }

    /** The expected proportion of the shared cell of unseen categories. */
    public double unseenProportion() {
        return unseenProportion;
    }

    /**
     * A copy of the expected proportions the statistics compare with: the k categories scaled by 1
     * &minus; unseenProportion, then the unseen cell.
     */
    public double[] expectedProportions() {
        return expected.clone();
    }

    double[] expectedUnsafe() {
        return expected;
    }

    /**
     * Aligns window counts by category name with this reference: counts of known categories in
     * index order, then the total of unseen ones.
     *
     * @throws IllegalArgumentException if a count is negative or null
     */
    long[] align(Map<String, Long> windowCounts) {
        Objects.requireNonNull(windowCounts, "windowCounts");
        long[] counts = new long[categories.length + 1];
        for (Map.Entry<String, Long> e : windowCounts.entrySet()) {
            Long value = e.getValue();
            if (value == null || value.longValue() < 0) {
                throw new IllegalArgumentException(
                        "window count of '"
                                + e.getKey()
                                + "' must be non-negative, but is "
                                + value);
            }
            int i = indexOf(e.getKey());
            int cell = i < 0 ? categories.length : i;
            counts[cell] = Math.addExact(counts[cell], value.longValue());
        }
        return counts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CategoricalReference other
                && Arrays.equals(categories, other.categories)
                && Arrays.equals(weights, other.weights)
                && Double.compare(unseenProportion, other.unseenProportion) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                Arrays.hashCode(categories), Arrays.hashCode(weights), unseenProportion);
    }

    @Override
    public String toString() {
        return "CategoricalReference[k=" + categories.length + ", unseen=" + unseenProportion + "]";
    }

    private Object writeReplace() {
        return new SerializedForm(categories, weights, unseenProportion);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException(
                "CategoricalReference is read through its serialized form");
    }

    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String[] categories;
        private final double[] weights;
        private final double unseenProportion;

        SerializedForm(String[] categories, double[] weights, double unseenProportion) {
            this.categories = categories;
            this.weights = weights;
            this.unseenProportion = unseenProportion;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                return new CategoricalReference(categories, weights, unseenProportion);
            } catch (RuntimeException e) {
                InvalidObjectException invalid =
                        new InvalidObjectException(
                                "invalid CategoricalReference: " + e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }
}
