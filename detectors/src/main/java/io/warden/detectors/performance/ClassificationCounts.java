package io.warden.detectors.performance;

import java.util.Arrays;

/**
 * Counts of a classifier's predictions and the labels given for them: per class, how many labelled
 * rows have that class as their label (support), as their prediction, and both (true positives);
 * and per equal-width confidence bin, how many labelled rows fall in it, how many of those were
 * right and the sum of their confidences. From these follow accuracy, per-class recall and
 * precision and the expected calibration error (Guo, Pleiss, Sun &amp; Weinberger, "On Calibration
 * of Modern Neural Networks", ICML 2017):
 *
 * <pre>
 *   ECE = sum over bins b of (n_b / n) |accuracy_b - mean confidence_b|
 *       = sum over bins b of |correct_b - confidence sum_b| / n
 * </pre>
 *
 * where bin b of M holds the confidences c with min(floor(c M), M - 1) = b.
 *
 * <p>Every quantity is an integer count, and confidences are summed in fixed point (units of
 * 10<sup>-9</sup>), so the result does not depend on the order rows are added in, bit for bit, and
 * counts of shards {@link #merge(ClassificationCounts) merge} into the counts of the whole.
 *
 * <p>The class is a plain bean (public no-argument constructor, getters and setters for every
 * field) so that stream processors can keep it as state without a generic serializer; use {@link
 * #ClassificationCounts(int, int)} otherwise.
 *
 * <pre>{@code
 * ClassificationCounts counts = new ClassificationCounts(3, 10);
 * counts.add(predicted, label, maxSoftmaxProbability);
 * double accuracy = counts.accuracy();
 * double ece = counts.expectedCalibrationError();
 * }</pre>
 */
public final class ClassificationCounts {
    /** Confidences are summed in units of {@code 1 / CONFIDENCE_UNITS}. */
    public static final long CONFIDENCE_UNITS = 1_000_000_000L;

    /** The default number of confidence bins for the calibration error. */
    public static final int DEFAULT_BINS = 10;

    private long predictions;
    private long[] support;
    private long[] predicted;
    private long[] truePositives;
    private long[] binRows;
    private long[] binCorrect;
    private long[] binConfidence;

    /** For serializers; the arrays are null until set. */
    public ClassificationCounts() {}

    /**
     * @param classes number of classes, at least 2
     * @param bins number of equal-width confidence bins on [0, 1], at least 1
     */
    public ClassificationCounts(int classes, int bins) {
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be at least 2, got " + classes);
        }
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be at least 1, got " + bins);
        }
        support = new long[classes];
        predicted = new long[classes];
        truePositives = new long[classes];
        binRows = new long[bins];
        binCorrect = new long[bins];
        binConfidence = new long[bins];
    }

    /** Counts a prediction that has no label (yet): it adds to {@link #predictions()} only. */
    public void addUnlabelled() {
        predictions++;
    }

    /**
     * Counts a labelled prediction.
     *
     * @param predictedClass index of the predicted class
     * @param actualClass index of the label
     * @param confidence the prediction's confidence in [0, 1] (its max softmax probability)
     */
    public void add(int predictedClass, int actualClass, double confidence) {
        int classes = classes();
        if (predictedClass < 0 || predictedClass >= classes) {
            throw new IllegalArgumentException(
                    "predicted class " + predictedClass + " is not in [0, " + classes + ")");
        }
        if (actualClass < 0 || actualClass >= classes) {
            throw new IllegalArgumentException(
                    "actual class " + actualClass + " is not in [0, " + classes + ")");
        }
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be in [0, 1], got " + confidence);
        }
        predictions++;
        support[actualClass]++;
        predicted[predictedClass]++;
        boolean right = predictedClass == actualClass;
        if (right) {
            truePositives[actualClass]++;
        }
        int b = binOf(confidence, binRows.length);
        binRows[b]++;
        if (right) {
            binCorrect[b]++;
        }
        binConfidence[b] += Math.round(confidence * CONFIDENCE_UNITS);
    }

    /** The bin of {@code confidence} among {@code bins} equal-width bins on [0, 1]. */
    static int binOf(double confidence, int bins) {
        return Math.min((int) Math.floor(confidence * bins), bins - 1);
    }

    /** Adds {@code other}'s counts to these; both must have the same classes and bins. */
    public void merge(ClassificationCounts other) {
        if (other.classes() != classes() || other.bins() != bins()) {
            throw new IllegalArgumentException(
                    "cannot merge counts of "
                            + other.classes()
                            + " classes / "
                            + other.bins()
                            + " bins into counts of "
                            + classes()
                            + " classes / "
                            + bins()
                            + " bins");
        }
        predictions += other.predictions;
        add(support, other.support);
        add(predicted, other.predicted);
        add(truePositives, other.truePositives);
        add(binRows, other.binRows);
        add(binCorrect, other.binCorrect);
        add(binConfidence, other.binConfidence);
    }

    private static void add(long[] into, long[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }

    public int classes() {
        return support.length;
    }

    public int bins() {
        return binRows.length;
    }

    /** All predictions counted, labelled or not. */
    public long predictions() {
        return predictions;
    }

    /** Predictions with a label. */
    public long labelled() {
        long n = 0;
        for (long s : support) {
            n += s;
        }
        return n;
    }

    /** Labelled predictions that were right. */
    public long correct() {
        long n = 0;
        for (long t : truePositives) {
            n += t;
        }
        return n;
    }

    /** Share of predictions that have a label; NaN without predictions. */
    public double labelCoverage() {
        return predictions == 0 ? Double.NaN : (double) labelled() / predictions;
    }

    /** Share of labelled predictions that were right; NaN without labels. */
    public double accuracy() {
        long n = labelled();
        return n == 0 ? Double.NaN : (double) correct() / n;
    }

    /** Labelled rows whose label is {@code c}. */
    public long support(int c) {
        return support[c];
    }

    /** Labelled rows predicted as {@code c}. */
    public long predictedAs(int c) {
        return predicted[c];
    }

    /** Labelled rows with label and prediction {@code c}. */
    public long truePositives(int c) {
        return truePositives[c];
    }

    /** Recall of class {@code c}: true positives / support; NaN when no label is {@code c}. */
    public double recall(int c) {
        return support[c] == 0 ? Double.NaN : (double) truePositives[c] / support[c];
    }

    /** Precision of class {@code c}; NaN when no labelled row was predicted as {@code c}. */
    public double precision(int c) {
        return predicted[c] == 0 ? Double.NaN : (double) truePositives[c] / predicted[c];
    }

    /** Mean confidence of the labelled predictions; NaN without labels. */
    public double meanConfidence() {
        long n = labelled();
        if (n == 0) {
            return Double.NaN;
        }
        long sum = 0;
        for (long c : binConfidence) {
            sum += c;
        }
        return (double) sum / CONFIDENCE_UNITS / n;
    }

    /** Expected calibration error over the confidence bins; NaN without labels. */
    public double expectedCalibrationError() {
        long n = labelled();
        if (n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int b = 0; b < binRows.length; b++) {
            long gap = binCorrect[b] * CONFIDENCE_UNITS - binConfidence[b];
            sum += Math.abs((double) gap) / CONFIDENCE_UNITS;
        }
        return sum / n;
    }

    // Bean accessors for serializers. The arrays are the state itself, not copies.

    public long getPredictions() {
        return predictions;
    }

    public void setPredictions(long predictions) {
        this.predictions = predictions;
    }

    public long[] getSupport() {
        return support;
    }

    public void setSupport(long[] support) {
        this.support = support;
    }

    public long[] getPredicted() {
        return predicted;
    }

    public void setPredicted(long[] predicted) {
        this.predicted = predicted;
    }

    public long[] getTruePositives() {
        return truePositives;
    }

    public void setTruePositives(long[] truePositives) {
        this.truePositives = truePositives;
    }

    public long[] getBinRows() {
        return binRows;
    }

    public void setBinRows(long[] binRows) {
        this.binRows = binRows;
    }

    public long[] getBinCorrect() {
        return binCorrect;
    }

    public void setBinCorrect(long[] binCorrect) {
        this.binCorrect = binCorrect;
    }

    public long[] getBinConfidence() {
        return binConfidence;
    }

    public void setBinConfidence(long[] binConfidence) {
        this.binConfidence = binConfidence;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassificationCounts c
                && predictions == c.predictions
                && Arrays.equals(support, c.support)
                && Arrays.equals(predicted, c.predicted)
                && Arrays.equals(truePositives, c.truePositives)
                && Arrays.equals(binRows, c.binRows)
                && Arrays.equals(binCorrect, c.binCorrect)
                && Arrays.equals(binConfidence, c.binConfidence);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(predictions) * 31 + Arrays.hashCode(support);
    }

    @Override
    public String toString() {
        return "ClassificationCounts[predictions="
                + predictions
                + ", labelled="
                + labelled()
                + ", correct="
                + correct()
                + "]";
    }
}
