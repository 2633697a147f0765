package io.warden.detectors.query;

import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Detects a client running a query-based black-box attack by how close its queries lie to each
 * other, after Chen, Carlini &amp; Wagner, "Stateful Detection of Black-Box Adversarial Attacks",
 * ACM Workshop on Security and Privacy on Artificial Intelligence (SPAI) 2020 (arXiv:1907.05587,
 * 2019). An attack estimating gradients or walking the decision boundary queries points a tiny
 * distance apart; a benign client's queries are as far apart as the data.
 *
 * <p><b>Method.</b> Per client, a buffer of its last {@code bufferSize} queries. For a new query,
 * the mean L2 distance to its k ({@code neighbours}) nearest queries in the buffer is computed, the
 * query is flagged when that mean is below {@code threshold}, and then it joins the buffer (the
 * oldest query leaves a full one). Until the buffer holds k queries nothing is scored. After a
 * detection the buffer is emptied (as in the paper, so that every further detection rests on fresh
 * queries and the number of detections measures the attack's persistence); {@code
 * clearOnDetection(false)} keeps it. The client's query count at its first detection is its
 * queries-to-detection ({@link QueryHistory#queriesToDetection()}).
 *
 * <p><b>Distance.</b> Each feature is divided by its scale (for example its reference standard
 * deviation or range), and the normalised query is stored in single precision: distances are
 * computed in double precision between those single-precision values, summed over features in
 * order; the k smallest distances are summed in ascending order and divided by k.
 *
 * <p><b>Threshold.</b> {@link #calibrateThreshold(NearestNeighbourQueryDetector, List, double)}
 * sets it from benign traffic to a target false-positive rate, as the paper does (0.1%).
 *
 * <p><b>Parameters.</b>
 *
 * <ul>
 *   <li>{@code scales}: one positive, finite scale per feature; required.
 *   <li>{@code neighbours} k, default {@value #DEFAULT_NEIGHBOURS}: the paper uses k = 50 for
 *       CIFAR-10; a smaller k reacts sooner (k + 1 queries are needed before the first score).
 *   <li>{@code bufferSize}, default {@value #DEFAULT_BUFFER_SIZE}, at least k: the paper keeps
 *       10,000 queries per client; a small buffer keeps per-client state small at the price of a
 *       shorter memory (an attacker interleaving more than {@code bufferSize} unrelated queries
 *       between similar ones escapes).
 *   <li>{@code threshold}, default 0 (flags nothing until calibrated): finite, not negative.
 *   <li>{@code clearOnDetection}, default true.
 * </ul>
 *
 * <p><b>Deviations from the paper.</b> The paper computes distances on a learned similarity
 * encoding of images; here on features normalised by given scales (an encoding can be applied
 * before calling this). The buffer is far smaller by default (see above).
 *
 * <p><b>State.</b> The detector is immutable, thread-safe and {@link Serializable}; each client's
 * state is a {@link QueryHistory}, kept by the caller (in Flink, keyed state). A query costs
 * O(bufferSize &middot; width) arithmetic and sorts at most {@code bufferSize} distances.
 *
 * <pre>{@code
 * NearestNeighbourQueryDetector parameters = NearestNeighbourQueryDetector.builder(scales).build();
 * double threshold = NearestNeighbourQueryDetector.calibrateThreshold(parameters, benign, 0.001);
 * NearestNeighbourQueryDetector detector =
 *         NearestNeighbourQueryDetector.builder(scales).threshold(threshold).build();
 * QueryHistory history = detector.newHistory(); // one per client, in keyed state
 * NearestNeighbourVerdict verdict = detector.observe(history, eventTimeMillis, features);
 * }</pre>
 */
public final class NearestNeighbourQueryDetector implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The detector id in {@link io.warden.detectors.core.DetectorResult}s: {@value}. */
    public static final String DETECTOR = "query.knn";

    /** Default number of nearest neighbours k: {@value}. */
    public static final int DEFAULT_NEIGHBOURS = 10;

    /** Default number of queries kept per client: {@value}. */
    public static final int DEFAULT_BUFFER_SIZE = 200;

    private final double[] scales;
    private final int neighbours;
    private final int bufferSize;
    private final double threshold;
    private final boolean clearOnDetection;

    private NearestNeighbourQueryDetector(
            double[] scales,
            int neighbours,
            int bufferSize,
            double threshold,
            boolean clearOnDetection) {
        Objects.requireNonNull(scales, "scales");
        if (scales.length == 0) {
            throw new IllegalArgumentException("need at least one feature scale");
        }
        for (int i = 0; i < scales.length; i++) {
            if (!(scales[i] > 0.0) || Double.isInfinite(scales[i])) {
                throw new IllegalArgumentException(
                        "scale of feature "
                                + i
                                + " must be finite and positive, but is "
                                + scales[i]);
            }
        }
        if (neighbours < 1) {
            throw new IllegalArgumentException(
                    "neighbours must be at least 1, but is " + neighbours);
        }
        if (bufferSize < neighbours) {
            throw new IllegalArgumentException(
                    "bufferSize must be at least neighbours ("
                            + neighbours
                            + "), but is "
                            + bufferSize);
        }
        if (!(threshold >= 0.0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException(
                    "threshold must be finite and not negative, but is " + threshold);
        }
        this.scales = scales.clone();
        this.neighbours = neighbours;
        this.bufferSize = bufferSize;
        this.threshold = threshold;
        this.clearOnDetection = clearOnDetection;
    }

    /** A builder with the default parameters and these per-feature scales (copied). */
    public static Builder builder(double[] scales) {
        return new Builder(scales);
    }

    /** Number of features per query. */
    public int width() {
        return scales.length;
    }

    /** k. */
    public int neighbours() {
        return neighbours;
    }

    /** Queries kept per client. */
    public int bufferSize() {
        return bufferSize;
    }

    /** The distance below which a query is flagged. */
    public double threshold() {
        return threshold;
    }

    /** An empty state for a new client. */
    public QueryHistory newHistory() {
        return new QueryHistory(scales.length, bufferSize);
    }

    // ---- queries ----

    /**
     * Reads one query of the client whose state {@code history} is: scores it against the buffer,
     * then adds it.
     *
     * @param history the client's state, from {@link #newHistory()} of a detector with the same
     *     width and buffer size
     * @param eventTimeMillis the query's event time, recorded for the first detection
     * @param features the input; not kept
     * @throws IllegalArgumentException if the history or the input does not fit this detector or a
     *     value is not finite; the history is then unchanged
     */
    public NearestNeighbourVerdict observe(
            QueryHistory history, long eventTimeMillis, double[] features) {
        checkHistory(history);
        return observeNormalised(history, eventTimeMillis, normalised(features));
    }

    /** As {@link #observe(QueryHistory, long, double[])}, for single-precision inputs. */
    public NearestNeighbourVerdict observe(
            QueryHistory history, long eventTimeMillis, float[] features) {
        return observe(history, eventTimeMillis, Features.widened(features));
    }

    private NearestNeighbourVerdict observeNormalised(
            QueryHistory history, long eventTime, float[] query) {
        double distance = meanNeighbourDistance(history, query);
        boolean scored = distance != Double.POSITIVE_INFINITY;
        boolean flagged = scored && distance < threshold;
        history.append(query);
        history.count(flagged, eventTime);
        if (flagged && clearOnDetection) {
            history.clear();
        }
        return new NearestNeighbourVerdict(
                history.queries(),
                scored,
                distance,
                threshold,
                neighbours,
                flagged,
                history.queriesToDetection().orElse(0));
    }

    /** Mean distance to the k nearest buffered queries, or +infinity with fewer than k. */
    private double meanNeighbourDistance(QueryHistory history, float[] query) {
        int size = history.size();
        if (size < neighbours) {
            return Double.POSITIVE_INFINITY;
        }
        float[] rows = history.rows();
        int width = query.length;
        double[] distances = new double[size];
        for (int r = 0; r < size; r++) {
            double sum = 0.0;
            int offset = r * width;
            for (int i = 0; i < width; i++) {
                double difference = (double) query[i] - (double) rows[offset + i];
                sum += difference * difference;
            }
            distances[r] = Math.sqrt(sum);
        }
        Arrays.sort(distances);
        double total = 0.0;
        for (int j = 0; j < neighbours; j++) {
            total += distances[j];
        }
        return total / neighbours;
    }

    private float[] normalised(double[] features) {
        checkWidth(features.length);
        float[] query = new float[features.length];
        for (int i = 0; i < features.length; i++) {
            query[i] = normalise(i, features[i]);
        }
        return query;
    }

    private float normalise(int feature, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("feature " + feature + " is " + value);
        }
        return (float) (value / scales[feature]);
    }

    private void checkWidth(int width) {
        if (width != scales.length) {
            throw new IllegalArgumentException(
                    "input has " + width + " features, expected " + scales.length);
        }
    }

    private void checkHistory(QueryHistory history) {
        Objects.requireNonNull(history, "history");
        if (history.width() != scales.length || history.capacity() != bufferSize) {
            throw new IllegalArgumentException(
                    "history of width "
                            + history.width()
                            + " and capacity "
                            + history.capacity()
                            + " does not fit a detector of width "
                            + scales.length
                            + " and buffer size "
                            + bufferSize);
        }
    }

    // ---- calibration ----

    /**
     * The mean k-nearest-neighbour distances of one client's query sequence, in order, for each
     * query that was scored (all but the first k), as this detector computes them, never clearing
     * the buffer.
     *
     * @param sequence the queries, each of the detector's width
     */
    public double[] meanNeighbourDistances(double[][] sequence) {
        QueryHistory history = newHistory();
        double[] distances = new double[Math.max(0, sequence.length - neighbours)];
        int scored = 0;
        for (double[] features : sequence) {
            float[] query = normalised(features);
            double distance = meanNeighbourDistance(history, query);
            if (distance != Double.POSITIVE_INFINITY) {
                distances[scored++] = distance;
            }
            history.append(query);
        }
        return distances;
    }

    /**
     * The detection threshold that flags at most a fraction {@code alpha} of benign queries: the
     * &lfloor;&alpha; n&rfloor;-th smallest (0-based) of the n mean distances that {@code
     * parameters} computes over the benign sequences (each one client's queries, in order; see
     * {@link #meanNeighbourDistances(double[][])}). Since a query is flagged when its distance is
     * strictly below the threshold, at most &lfloor;&alpha; n&rfloor; of those n distances are
     * flagged. The paper calibrates to a 0.1% false-positive rate ({@code alpha} = 0.001); with
     * fewer than 1/&alpha; distances the threshold is the smallest one and flags none of them.
     *
     * <p>The buffer is never cleared during calibration: a benign client's rare false detection
     * would clear its buffer and slightly raise its next distances, so the realised rate can only
     * be lower.
     *
     * @param parameters a detector with the width, k and buffer size to calibrate for; its own
     *     threshold is ignored
     * @param benignSequences benign clients' query sequences
     * @param alpha the target false-positive rate per scored query, in (0, 1)
     * @throws IllegalArgumentException if alpha is not in (0, 1), or the sequences give no scored
     *     query (none is longer than k)
     */
    public static double calibrateThreshold(
            NearestNeighbourQueryDetector parameters,
            List<double[][]> benignSequences,
            double alpha) {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(benignSequences, "benignSequences");
        if (!(alpha > 0.0 && alpha < 1.0)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), but is " + alpha);
        }
        double[][] perSequence = new double[benignSequences.size()][];
        int total = 0;
        for (int s = 0; s < perSequence.length; s++) {
            perSequence[s] = parameters.meanNeighbourDistances(benignSequences.get(s));
            total += perSequence[s].length;
        }
        if (total == 0) {
            throw new IllegalArgumentException(
                    "no benign sequence is longer than k = "
                            + parameters.neighbours
                            + ", so there is no distance to calibrate on");
        }
        double[] distances = new double[total];
        int at = 0;
        for (double[] sequence : perSequence) {
            System.arraycopy(sequence, 0, distances, at, sequence.length);
            at += sequence.length;
        }
        Arrays.sort(distances);
        return distances[(int) Math.floor(alpha * total)];
    }

    /** Deserialised fields go through the constructor's validation. */
    private Object readResolve() throws ObjectStreamException {
        try {
            return new NearestNeighbourQueryDetector(
                    scales, neighbours, bufferSize, threshold, clearOnDetection);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw InvalidState.of("NearestNeighbourQueryDetector", e);
        }
    }

    /**
     * Builds a {@link NearestNeighbourQueryDetector}; every parameter but the scales starts at its
     * default. {@link #build()} validates.
     */
    public static final class Builder {
        private final double[] scales;
        private int neighbours = DEFAULT_NEIGHBOURS;
        private int bufferSize = DEFAULT_BUFFER_SIZE;
        private double threshold;
        private boolean clearOnDetection = true;

        private Builder(double[] scales) {
            this.scales = Objects.requireNonNull(scales, "scales").clone();
        }

        /** k, at least 1. */
        public Builder neighbours(int neighbours) {
            this.neighbours = neighbours;
            return this;
        }

        /** Queries kept per client, at least k. */
        public Builder bufferSize(int bufferSize) {
            this.bufferSize = bufferSize;
            return this;
        }

        /** The distance below which a query is flagged; finite, not negative. */
        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        /** Whether a detection empties the client's buffer (the paper's behaviour, default). */
        public Builder clearOnDetection(boolean clearOnDetection) {
            this.clearOnDetection = clearOnDetection;
            return this;
        }

        /**
         * A new detector with these parameters.
         *
         * @throws IllegalArgumentException naming the first invalid parameter
         */
        public NearestNeighbourQueryDetector build() {
            return new NearestNeighbourQueryDetector(
                    scales, neighbours, bufferSize, threshold, clearOnDetection);
        }
    }
}
