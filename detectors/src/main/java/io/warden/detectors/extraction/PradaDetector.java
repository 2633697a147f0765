package io.warden.detectors.extraction;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * PRADA, the model-extraction detector of Juuti, Szyller, Marchal &amp; Asokan, "PRADA: Protecting
 * against DNN Model Stealing Attacks", IEEE European Symposium on Security and Privacy
 * (EuroS&amp;P) 2019 (arXiv:1805.02628), Section V and Algorithm 1. Benign clients query points
 * drawn from a natural distribution, and the distance from each new query to the nearest earlier
 * query fits a normal distribution well; extraction attacks synthesise queries by small steps from
 * a few seeds (Papernot et al.'s Jacobian-based augmentation, Juuti et al.'s own T-RND, line
 * searches towards a decision boundary), and their minimum distances cluster at a few step sizes.
 * PRADA tests those distances with the Shapiro-Wilk test ({@link ShapiroWilk}) and flags the client
 * when W &lt; &delta;.
 *
 * <p><b>Algorithm</b> (per client; the state is a {@link PradaState}). For a query x with predicted
 * class c:
 *
 * <ol>
 *   <li>If the growing set G<sub>c</sub> is empty, x joins it, and 0 joins the distances
 *       D<sub>G<sub>c</sub></sub> that admitted members of G<sub>c</sub> (as in the authors'
 *       reference implementation); T<sub>c</sub> = 0.
 *   <li>Otherwise d<sub>min</sub> = min<sub>y &isin; G<sub>c</sub></sub> &#8214;x &minus;
 *       y&#8214;<sub>2</sub> joins D. If d<sub>min</sub> &gt; T<sub>c</sub>, x joins G<sub>c</sub>,
 *       d<sub>min</sub> joins D<sub>G<sub>c</sub></sub>, and T<sub>c</sub> = max(T<sub>c</sub>,
 *       mean(D<sub>G<sub>c</sub></sub>) &minus; std(D<sub>G<sub>c</sub></sub>)) (population
 *       standard deviation).
 *   <li>Once |D| &ge; {@code minDistances}: D' = the values of D within {@code outlierSigmas}
 *       standard deviations of D's mean (the paper's outlier removal, 3 by default); if W(D') &lt;
 *       &delta; the client is flagged.
 * </ol>
 *
 * <p><b>Where this deviates from the paper</b>, to keep per-client memory bounded and the cost per
 * query constant:
 *
 * <ul>
 *   <li>G<sub>c</sub> holds at most {@code maxGrowingSetPerClass} queries; a query admitted to a
 *       full set replaces the oldest member (first in, first out). The paper's sets grow without
 *       bound. D<sub>G<sub>c</sub></sub> is kept as running moments of all admitted distances, not
 *       as values, so T<sub>c</sub> is exactly the paper's.
 *   <li>D holds the most recent {@code distanceWindow} distances (a ring); the paper tests all of a
 *       client's distances. A window also lets a verdict recover when a client's traffic changes.
 *   <li>The test runs every {@code testInterval} distances (default 1, every query, as in the
 *       paper; the authors' code tests every 10th query). Between tests the last verdict stands.
 *   <li>If D' has fewer than 3 values or all are equal (a client repeating one query), W is taken
 *       as 0 and the client flagged: a single repeated distance is as far from normal as a
 *       distribution gets.
 * </ul>
 *
 * <p><b>Distance.</b> L2 (kept to 16 significant bits, as finer differences of float-stored queries
 * are rounding noise) between queries scaled feature by feature: x<sub>i</sub> / s<sub>i</sub> with
 * {@code featureScales} s (e.g. the reference profile's standard deviations), so that no feature
 * dominates by its units; without scales, raw L2 as in the paper (images in [0, 1]). Stored queries
 * are scaled {@code float}s.
 *
 * <p><b>Parameters</b>
 *
 * <ul>
 *   <li>{@code featureCount}, {@code classCount}: the width of the feature vector and the number of
 *       classes the model predicts. Required.
 *   <li>{@code delta} &delta; in (0, 1), default {@value #DEFAULT_DELTA}: flag when W &lt; &delta;.
 *       The paper sets &delta; per model from benign query streams, as the largest value that
 *       raises no false alarm on them; higher is more sensitive. Tune it on your benign traffic.
 *   <li>{@code minDistances}, default {@value #DEFAULT_MIN_DISTANCES} (the paper's): no test before
 *       D holds this many distances.
 *   <li>{@code distanceWindow}, default {@value #DEFAULT_DISTANCE_WINDOW}, at most {@value
 *       ShapiroWilk#MAX_SIZE}: the cap on |D|.
 *   <li>{@code maxGrowingSetPerClass}, default {@value #DEFAULT_MAX_GROWING_SET_PER_CLASS}: the cap
 *       on |G<sub>c</sub>|; each query costs O(cap &middot; featureCount).
 *   <li>{@code outlierSigmas} &gt; 0, default {@value #DEFAULT_OUTLIER_SIGMAS}; infinity keeps all
 *       of D.
 *   <li>{@code testInterval} &ge; 1, default {@value #DEFAULT_TEST_INTERVAL}.
 * </ul>
 *
 * <p><b>Memory per client</b> is bounded by 4 &middot; featureCount &middot; classCount &middot;
 * maxGrowingSetPerClass + 8 &middot; distanceWindow bytes of arrays plus a few numbers per class:
 * with the defaults, 64 features and 10 classes, at most 256 kB + 8 kB; a client that only ever
 * hits 2 classes needs a fifth of that. Lower the caps for millions of concurrent clients.
 *
 * <p>The detector is immutable and holds no per-client data: one instance serves every client, each
 * with its own {@link #newState() state}. Neither is thread-safe for concurrent updates of one
 * state.
 *
 * <pre>{@code
 * PradaDetector prada = PradaDetector.builder(64, 10).featureScales(referenceStd).delta(0.9).build();
 * PradaState state = prada.newState();          // per client, in keyed state
 * PradaVerdict v = prada.update(state, features, predictedClass);
 * if (v.flagged()) alert("extraction by client after " + v.firstFlaggedAtQuery() + " queries");
 * }</pre>
 */
public final class PradaDetector implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The detector id in results: {@value}. */
    public static final String ID = "extraction.prada";

    /** Default Shapiro-Wilk threshold &delta;: {@value}. */
    public static final double DEFAULT_DELTA = 0.9;

    /** Default number of distances before the first test (the paper's): {@value}. */
    public static final int DEFAULT_MIN_DISTANCES = 100;

    /** Default cap on the number of distances kept: {@value}. */
    public static final int DEFAULT_DISTANCE_WINDOW = 1000;

    /** Default cap on the queries kept per class: {@value}. */
    public static final int DEFAULT_MAX_GROWING_SET_PER_CLASS = 100;

    /** Default outlier cut, in standard deviations from D's mean (the paper's): {@value}. */
    public static final double DEFAULT_OUTLIER_SIGMAS = 3.0;

    /** Default number of new distances between two tests: {@value}. */
    public static final int DEFAULT_TEST_INTERVAL = 1;

    private final int featureCount;
    private final int classCount;
    private final double[] inverseScales;
    private final double delta;
    private final int minDistances;
    private final int distanceWindow;
    private final int maxGrowingSetPerClass;
    private final double outlierSigmas;
    private final int testInterval;

    private PradaDetector(Builder b) {
        if (b.featureCount < 1) {
            throw new IllegalArgumentException(
                    "featureCount must be at least 1, but is " + b.featureCount);
        }
        if (b.classCount < 1) {
            throw new IllegalArgumentException(
                    "classCount must be at least 1, but is " + b.classCount);
        }
        if (!(b.delta > 0.0 && b.delta < 1.0)) {
            throw new IllegalArgumentException("delta must be in (0, 1), but is " + b.delta);
        }
        if (b.minDistances < ShapiroWilk.MIN_SIZE) {
            throw new IllegalArgumentException(
                    "minDistances must be at least "
                            + ShapiroWilk.MIN_SIZE
                            + ", but is "
                            + b.minDistances);
        }
        if (b.distanceWindow < b.minDistances || b.distanceWindow > ShapiroWilk.MAX_SIZE) {
            throw new IllegalArgumentException(
                    "distanceWindow must be in [minDistances = "
                            + b.minDistances
                            + ", "
                            + ShapiroWilk.MAX_SIZE
                            + "], but is "
                            + b.distanceWindow);
        }
        if (b.maxGrowingSetPerClass < 1) {
            throw new IllegalArgumentException(
                    "maxGrowingSetPerClass must be at least 1, but is " + b.maxGrowingSetPerClass);
        }
        if (!(b.outlierSigmas > 0.0)) {
            throw new IllegalArgumentException(
                    "outlierSigmas must be > 0 (infinity for no cut), but is " + b.outlierSigmas);
        }
        if (b.testInterval < 1) {
            throw new IllegalArgumentException(
                    "testInterval must be at least 1, but is " + b.testInterval);
        }
        this.featureCount = b.featureCount;
        this.classCount = b.classCount;
        this.inverseScales = inverseScales(b.featureScales, b.featureCount);
        this.delta = b.delta;
        this.minDistances = b.minDistances;
        this.distanceWindow = b.distanceWindow;
        this.maxGrowingSetPerClass = b.maxGrowingSetPerClass;
        this.outlierSigmas = b.outlierSigmas;
        this.testInterval = b.testInterval;
    }

    private static double[] inverseScales(double[] scales, int featureCount) {
        double[] inverse = new double[featureCount];
        if (scales == null) {
            Arrays.fill(inverse, 1.0);
            return inverse;
        }
        if (scales.length != featureCount) {
            throw new IllegalArgumentException(
                    "featureScales has "
                            + scales.length
                            + " values for "
                            + featureCount
                            + " features");
        }
        for (int i = 0; i < featureCount; i++) {
            if (!(scales[i] > 0.0 && scales[i] < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException(
                        "feature scale " + i + " must be finite and > 0, but is " + scales[i]);
            }
            inverse[i] = 1.0 / scales[i];
        }
        return inverse;
    }

    /**
     * A builder for a model with {@code featureCount} features and {@code classCount} classes;
     * every other parameter starts at its default.
     */
    public static Builder builder(int featureCount, int classCount) {
        return new Builder(featureCount, classCount);
    }

    /** A fresh state for a new client. */
    public PradaState newState() {
        return new PradaState(featureCount, classCount);
    }

    /**
     * Reads one query of a client and returns the verdict after it.
     *
     * @param state the client's state, updated in place
     * @param features the query's features, {@code featureCount} finite values
     * @param predictedClass the class the model predicted for it, in [0, classCount)
     * @throws IllegalArgumentException if the features or class do not fit this detector, or the
     *     state was made for a different shape
     */
    public PradaVerdict update(PradaState state, double[] features, int predictedClass) {
        Objects.requireNonNull(features, "features");
        checkQuery(state, features.length, predictedClass);
        float[] scaled = new float[featureCount];
        for (int i = 0; i < featureCount; i++) {
            scaled[i] = scale(features[i], i);
        }
        return updateScaled(state, scaled, predictedClass);
    }

    /** As {@link #update(PradaState, double[], int)}, for {@code float} features. */
    public PradaVerdict update(PradaState state, float[] features, int predictedClass) {
        Objects.requireNonNull(features, "features");
        checkQuery(state, features.length, predictedClass);
        float[] scaled = new float[featureCount];
        for (int i = 0; i < featureCount; i++) {
            scaled[i] = scale(features[i], i);
        }
        return updateScaled(state, scaled, predictedClass);
    }

    private float scale(double value, int feature) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("feature " + feature + " is not finite: " + value);
        }
        return (float) (value * inverseScales[feature]);
    }

    private void checkQuery(PradaState state, int width, int predictedClass) {
        Objects.requireNonNull(state, "state");
        if (state.featureCount != featureCount || state.classCount() != classCount) {
            throw new IllegalArgumentException(
                    "state was made for "
                            + state.featureCount
                            + " features and "
                            + state.classCount()
                            + " classes, this detector has "
                            + featureCount
                            + " and "
                            + classCount);
        }
        if (width != featureCount) {
            throw new IllegalArgumentException(
                    "query has " + width + " features, expected " + featureCount);
        }
        if (predictedClass < 0 || predictedClass >= classCount) {
            throw new IllegalArgumentException(
                    "predicted class must be in [0, " + classCount + "), but is " + predictedClass);
        }
    }

    private PradaVerdict updateScaled(PradaState state, float[] query, int c) {
        state.queries++;
        double minDistance = Double.NaN;
        if (state.growingSizes[c] == 0) {
            admit(state, query, c, 0.0);
        } else {
            minDistance = quantize(nearestDistance(state, query, c));
            addDistance(state, minDistance);
            if (minDistance > state.thresholds[c]) {
                admit(state, query, c, minDistance);
            }
            if (state.distanceCount >= minDistances && ++state.distancesSinceTest >= testInterval) {
                state.distancesSinceTest = 0;
                test(state);
            }
        }
        return verdict(state, minDistance);
    }

    private double nearestDistance(PradaState state, float[] query, int c) {
        float[] set = state.growingSets[c];
        double best = Double.POSITIVE_INFINITY;
        for (int member = 0, offset = 0; member < state.growingSizes[c]; member++) {
            double sum = 0.0;
            for (int i = 0; i < featureCount; i++, offset++) {
                double d = (double) query[i] - set[offset];
                sum += d * d;
            }
            best = Math.min(best, sum);
        }
        return Math.sqrt(best);
    }

    /**
     * The distance to 16 significant bits (relative resolution 2<sup>&minus;16</sup>, about 1.5
     * &middot; 10<sup>&minus;5</sup>). Queries are stored as floats, so finer differences are
     * rounding noise; left in, they would turn a spike of identical step sizes (an attacker's fixed
     * perturbation) into a smooth sample of rounding errors that can look normal.
     */
    static double quantize(double distance) {
        return Float.intBitsToFloat(Float.floatToIntBits((float) distance) & ~0x7F);
    }

    private void admit(PradaState state, float[] query, int c, double distance) {
        int size = state.growingSizes[c];
        float[] set = state.growingSets[c];
        int capacity = set == null ? 0 : set.length / featureCount;
        int slot;
        if (size < capacity) {
            slot = size;
            state.growingSizes[c] = size + 1;
        } else if (capacity < maxGrowingSetPerClass) {
            int grown = Math.min(maxGrowingSetPerClass, Math.max(4, 2 * capacity));
            state.growingSets[c] =
                    set == null
                            ? new float[grown * featureCount]
                            : Arrays.copyOf(set, grown * featureCount);
            slot = size;
            state.growingSizes[c] = size + 1;
        } else {
            slot = state.growingNext[c];
            state.growingNext[c] = (slot + 1) % capacity;
        }
        System.arraycopy(query, 0, state.growingSets[c], slot * featureCount, featureCount);

        // Welford's update of D_Gc's moments, then the paper's threshold rule.
        long n = ++state.admittedCounts[c];
        double deviation = distance - state.admittedMeans[c];
        state.admittedMeans[c] += deviation / n;
        state.admittedSquaredDeviations[c] += deviation * (distance - state.admittedMeans[c]);
        double std = Math.sqrt(Math.max(0.0, state.admittedSquaredDeviations[c] / n));
        state.thresholds[c] = Math.max(state.thresholds[c], state.admittedMeans[c] - std);
    }

    private void addDistance(PradaState state, double distance) {
        int capacity = state.distances.length;
        if (state.distanceCount < capacity) {
            state.distances[state.distanceCount++] = distance;
        } else if (capacity < distanceWindow) {
            int grown = Math.min(distanceWindow, Math.max(16, 2 * capacity));
            state.distances = Arrays.copyOf(state.distances, grown);
            state.distances[state.distanceCount++] = distance;
        } else {
            state.distances[state.distanceNext] = distance;
            state.distanceNext = (state.distanceNext + 1) % capacity;
        }
    }

    private void test(PradaState state) {
        int n = state.distanceCount;
        double[] d = state.distances;
        double mean = 0.0;
        for (int i = 0; i < n; i++) {
            mean += d[i];
        }
        mean /= n;
        double squares = 0.0;
        for (int i = 0; i < n; i++) {
            squares += (d[i] - mean) * (d[i] - mean);
        }
        double cut = outlierSigmas * Math.sqrt(squares / n);
        double[] kept = new double[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(d[i] - mean) < cut || cut == Double.POSITIVE_INFINITY) {
                kept[k++] = d[i];
            }
        }
        Arrays.sort(kept, 0, k);
        if (k < ShapiroWilk.MIN_SIZE || kept[k - 1] == kept[0]) {
            state.lastW = 0.0;
            state.lastPValue = 0.0;
        } else {
            ShapiroWilk.Result result = ShapiroWilk.testSorted(kept, k);
            state.lastW = result.w();
            state.lastPValue = result.pValue();
        }
        state.lastTestedDistances = k;
        state.flagged = state.lastW < delta;
        if (state.flagged && state.firstFlaggedAtQuery == 0) {
            state.firstFlaggedAtQuery = state.queries;
        }
    }

    private PradaVerdict verdict(PradaState state, double minDistance) {
        return new PradaVerdict(
                state.queries,
                minDistance,
                state.distanceCount,
                state.lastTestedDistances,
                state.lastW,
                state.lastPValue,
                delta,
                state.flagged,
                state.firstFlaggedAtQuery);
    }

    /** Width of the feature vector. */
    public int featureCount() {
        return featureCount;
    }

    /** Number of classes. */
    public int classCount() {
        return classCount;
    }

    /** The Shapiro-Wilk threshold &delta;. */
    public double delta() {
        return delta;
    }

    /** Distances needed before the first test. */
    public int minDistances() {
        return minDistances;
    }

    /** The cap on |D|. */
    public int distanceWindow() {
        return distanceWindow;
    }

    /** The cap on |G<sub>c</sub>|. */
    public int maxGrowingSetPerClass() {
        return maxGrowingSetPerClass;
    }

    /** The outlier cut in standard deviations. */
    public double outlierSigmas() {
        return outlierSigmas;
    }

    /** New distances between two tests. */
    public int testInterval() {
        return testInterval;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "PradaDetector[features=%d, classes=%d, delta=%s, minDistances=%d,"
                        + " distanceWindow=%d, maxGrowingSetPerClass=%d, outlierSigmas=%s,"
                        + " testInterval=%d]",
                featureCount,
                classCount,
                delta,
                minDistances,
                distanceWindow,
                maxGrowingSetPerClass,
                outlierSigmas,
                testInterval);
    }

    /**
     * Builds a {@link PradaDetector}; {@link #build()} validates.
     *
     * <pre>{@code
     * PradaDetector prada = PradaDetector.builder(32, 10).delta(0.95).maxGrowingSetPerClass(50).build();
     * }</pre>
     */
    public static final class Builder {
        private final int featureCount;
        private final int classCount;
        private double[] featureScales;
        private double delta = DEFAULT_DELTA;
        private int minDistances = DEFAULT_MIN_DISTANCES;
        private int distanceWindow = DEFAULT_DISTANCE_WINDOW;
        private int maxGrowingSetPerClass = DEFAULT_MAX_GROWING_SET_PER_CLASS;
        private double outlierSigmas = DEFAULT_OUTLIER_SIGMAS;
        private int testInterval = DEFAULT_TEST_INTERVAL;

        private Builder(int featureCount, int classCount) {
            this.featureCount = featureCount;
            this.classCount = classCount;
        }

        /** Per-feature scales s &gt; 0 (queries are compared as x / s); null for none. */
        public Builder featureScales(double[] featureScales) {
            this.featureScales = featureScales == null ? null : featureScales.clone();
            return this;
        }

        /** Flag when W &lt; delta; in (0, 1). */
        public Builder delta(double delta) {
            this.delta = delta;
            return this;
        }

        /** Distances needed before the first test; at least 3. */
        public Builder minDistances(int minDistances) {
            this.minDistances = minDistances;
            return this;
        }

        /** The cap on |D|, in [minDistances, 5000]. */
        public Builder distanceWindow(int distanceWindow) {
            this.distanceWindow = distanceWindow;
            return this;
        }

        /** The cap on the queries kept per class; at least 1. */
        public Builder maxGrowingSetPerClass(int maxGrowingSetPerClass) {
            this.maxGrowingSetPerClass = maxGrowingSetPerClass;
            return this;
        }

        /** Distances further than this many standard deviations from D's mean are not tested. */
        public Builder outlierSigmas(double outlierSigmas) {
            this.outlierSigmas = outlierSigmas;
            return this;
        }

        /** New distances between two tests; at least 1. */
        public Builder testInterval(int testInterval) {
            this.testInterval = testInterval;
            return this;
        }

        /**
         * A new detector with these parameters.
         *
         * @throws IllegalArgumentException naming the first invalid parameter
         */
        public PradaDetector build() {
            return new PradaDetector(this);
        }
    }
}
