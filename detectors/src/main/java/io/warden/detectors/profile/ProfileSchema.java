package io.warden.detectors.profile;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a profile describes: the model's numeric features, its categorical features and its class
 * labels, each by name and by position. A row given to {@link ProfileBuilder} lists the numeric
 * values in {@link #numericFeatures()} order, the categorical values in {@link
 * #categoricalFeatures()} order, and the probabilities in {@link #classLabels()} order.
 *
 * <p>Names are non-blank and unique across numeric and categorical features; class labels are
 * non-blank and unique. A model without a probability output has no class labels. Instances are
 * immutable and thread-safe; name lookups are hash lookups.
 */
public final class ProfileSchema implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<String> numericFeatures;
    private final List<String> categoricalFeatures;
    private final List<String> classLabels;
    private transient Map<String, Integer> numericIndex;
    private transient Map<String, Integer> categoricalIndex;

    private ProfileSchema(
            List<String> numericFeatures,
            List<String> categoricalFeatures,
            List<String> classLabels) {
        this.numericFeatures = numericFeatures;
        this.categoricalFeatures = categoricalFeatures;
        this.classLabels = classLabels;
        index();
    }

    /**
     * A schema of the given names, in order.
     *
     * @throws IllegalArgumentException if a name is blank or repeated
     */
    public static ProfileSchema of(
            List<String> numericFeatures,
            List<String> categoricalFeatures,
            List<String> classLabels) {
        List<String> numeric = List.copyOf(Objects.requireNonNull(numericFeatures, "numeric"));
        List<String> categorical =
                List.copyOf(Objects.requireNonNull(categoricalFeatures, "categorical"));
        List<String> classes = List.copyOf(Objects.requireNonNull(classLabels, "classLabels"));
        Set<String> features = new HashSet<>();
        for (String name : numeric) {
            requireName(name, "numeric feature", features);
        }
        for (String name : categorical) {
            requireName(name, "categorical feature", features);
        }
        Set<String> labels = new HashSet<>();
        for (String label : classes) {
            requireName(label, "class label", labels);
        }
        return new ProfileSchema(numeric, categorical, classes);
    }

    /** A schema of numeric features only, without class labels. */
    public static ProfileSchema numeric(List<String> numericFeatures) {
        return of(numericFeatures, List.of(), List.of());
    }

    private static void requireName(String name, String what, Set<String> seen) {
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " names must not be blank");
        }
        if (!seen.add(name)) {
            throw new IllegalArgumentException(what + " name '" + name + "' is used twice");
        }
    }

    private void index() {
        numericIndex = indexOf(numericFeatures);
        categoricalIndex = indexOf(categoricalFeatures);
    }

    private static Map<String, Integer> indexOf(List<String> names) {
        Map<String, Integer> index = new HashMap<>(names.size() * 2);
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        return index;
    }

    /** The numeric features' names, in row order. */
    public List<String> numericFeatures() {
        return numericFeatures;
    }

    /** The categorical features' names, in row order. */
    public List<String> categoricalFeatures() {
        return categoricalFeatures;
    }

    /** The class labels, in probability-vector order; empty without a probability output. */
    public List<String> classLabels() {
        return classLabels;
    }

    /** The position of a numeric feature, or -1 if there is none of that name. */
    public int numericIndex(String name) {
        return numericIndex.getOrDefault(name, -1);
    }

    /** The position of a categorical feature, or -1 if there is none of that name. */
    public int categoricalIndex(String name) {
        return categoricalIndex.getOrDefault(name, -1);
    }

    /** Whether the model has a probability output to profile. */
    public boolean hasPredictions() {
        return !classLabels.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProfileSchema other
                && numericFeatures.equals(other.numericFeatures)
                && categoricalFeatures.equals(other.categoricalFeatures)
                && classLabels.equals(other.classLabels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(numericFeatures, categoricalFeatures, classLabels);
    }

    @Override
    public String toString() {
        return "ProfileSchema[numeric="
                + numericFeatures
                + ", categorical="
                + categoricalFeatures
                + ", classes="
                + classLabels
                + "]";
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        try {
            of(numericFeatures, categoricalFeatures, classLabels);
        } catch (IllegalArgumentException | NullPointerException e) {
            InvalidObjectException invalid =
                    new InvalidObjectException("invalid ProfileSchema: " + e.getMessage());
            invalid.initCause(e);
            throw invalid;
        }
        index();
    }
}
