package io.warden.simulator.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A labelled classification data set held in memory: rows of numeric features, one class index per
 * row, the features' names and the classes' names.
 *
 * <p>Feature values are floats widened to double: the vendored files are read with {@link
 * Float#parseFloat}, so a row is exactly what a served model with a float input sees, and a Java
 * forward pass in double and ONNX Runtime in float start from the same numbers. Instances are
 * immutable; accessors return copies.
 */
public final class Dataset {

    private final String name;
    private final double[][] features;
    private final int[] labels;
    private final List<String> featureNames;
    private final List<String> classNames;

    /**
     * Checks that every row has one value per feature name and every label names a class.
     *
     * @throws IllegalArgumentException naming the data set and the row otherwise
     */
    public Dataset(
            String name,
            double[][] features,
            int[] labels,
            List<String> featureNames,
            List<String> classNames) {
        this.name = Objects.requireNonNull(name, "name");
        this.featureNames = List.copyOf(featureNames);
        this.classNames = List.copyOf(classNames);
        if (features.length != labels.length) {
            throw new IllegalArgumentException(
                    name + ": " + features.length + " rows but " + labels.length + " labels");
        }
        this.features = new double[features.length][];
        for (int r = 0; r < features.length; r++) {
            if (features[r].length != this.featureNames.size()) {
                throw new IllegalArgumentException(
                        name
                                + ": row "
                                + r
                                + " has "
                                + features[r].length
                                + " values for "
                                + this.featureNames.size()
                                + " features");
            }
            if (labels[r] < 0 || labels[r] >= this.classNames.size()) {
                throw new IllegalArgumentException(
                        name
                                + ": row "
                                + r
                                + " has label "
                                + labels[r]
                                + ", not one of the "
                                + this.classNames.size()
                                + " classes");
            }
            this.features[r] = features[r].clone();
        }
        this.labels = labels.clone();
    }

    /** The data set's name, e.g. {@code digits}. */
    public String name() {
        return name;
    }

    /** Number of rows. */
    public int size() {
        return labels.length;
    }

    /** Values per row. */
    public int featureCount() {
        return featureNames.size();
    }

    /** Number of classes; labels are {@code 0 .. classCount() - 1}. */
    public int classCount() {
        return classNames.size();
    }

    /** A copy of row {@code r}. */
    public double[] row(int r) {
        return features[r].clone();
    }

    /** The class index of row {@code r}. */
    public int label(int r) {
        return labels[r];
    }

    /** A copy of all rows. */
    public double[][] features() {
        double[][] copy = new double[features.length][];
        for (int r = 0; r < features.length; r++) {
            copy[r] = features[r].clone();
        }
        return copy;
    }

    /** A copy of all rows as floats, the served models' input type (exact: see the class doc). */
    public float[][] featuresAsFloats() {
        float[][] rows = new float[features.length][];
        for (int r = 0; r < features.length; r++) {
            rows[r] = new float[features[r].length];
            for (int i = 0; i < features[r].length; i++) {
                rows[r][i] = (float) features[r][i];
            }
        }
        return rows;
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** The features' names, in column order. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** The classes' names, indexed by label. */
    public List<String> classNames() {
        return classNames;
    }

    /** Rows per class, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[classCount()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** The rows at the given indices, in that order, as a data set of the given name. */
    public Dataset subset(String subsetName, int[] indices) {
        double[][] rows = new double[indices.length][];
        int[] subsetLabels = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            rows[k] = features[indices[k]];
            subsetLabels[k] = labels[indices[k]];
        }
        return new Dataset(subsetName, rows, subsetLabels, featureNames, classNames);
    }

    /**
     * A training and a test part of a data set.
     *
     * @param train the rows to fit on
     * @param test the held-out rows
     */
    public record Split(Dataset train, Dataset test) {

        /** Requires both parts. */
        public Split {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(test, "test");
        }
    }

    @Override
    public String toString() {
        return "Dataset["
                + name
                + ", "
                + size()
                + " rows, "
                + featureCount()
                + " features, classes "
                + classNames
                + " "
                + Arrays.toString(classCounts())
                + "]";
    }
}
