package io.warden.bench;

import io.warden.detectors.confidence.Confidence;
import io.warden.detectors.extraction.ClassCoverage;
import io.warden.detectors.extraction.ExtractionMonitor;
import io.warden.detectors.extraction.ExtractionState;
import io.warden.detectors.extraction.NearBoundaryShare;
import io.warden.detectors.extraction.PradaDetector;
import io.warden.detectors.extraction.PradaState;
import io.warden.detectors.extraction.QueryRate;
import io.warden.detectors.poisoning.ContributorMonitor;
import io.warden.detectors.poisoning.ContributorState;
import io.warden.detectors.query.BlacklightDetector;
import io.warden.detectors.query.NearestNeighbourQueryDetector;
import io.warden.detectors.query.Quantizer;
import io.warden.detectors.query.QueryHistory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The per-client detectors of {@code detectors} as the client benchmarks ({@link
 * ExtractionMonitorBenchmark}, {@link NearestNeighbourQueryBenchmark}, {@link BlacklightBenchmark},
 * {@link ContributorMonitorBenchmark}) and {@link ClientStateSizes} use them: a 64-feature,
 * 10-class model, the job's default parameters except the history sizes being measured, seeded
 * query streams, and states pre-filled to their caps with queries the measurement never repeats.
 *
 * <p>Queries are independent standard normal rows (the extraction and nearest-neighbour detectors,
 * whose cost does not depend on the values: every stored query is compared) or 8x8 "images" of
 * independent integer pixels 0..16 (Blacklight, so that every window of a query hashes to a new
 * value and a query never matches the store: the benign case). Predicted classes and margins come
 * from {@link SyntheticOutputs}: a random class per query, mostly confident.
 */
final class ClientTraffic {

    static final int FEATURES = 64;
    static final int CLASSES = SyntheticOutputs.CLASSES;

    /** Event time between two queries of the benchmarked client: one query a second. */
    static final long MILLIS_BETWEEN_QUERIES = 1000;

    private static final int MAX_FILL_QUERIES = 10_000_000;

    private ClientTraffic() {}

    // ---- detectors ----

    /**
     * The extraction monitor of the job ({@code ExtractionModel} with the default settings), with
     * these PRADA caps and no feature scales (the rows are already standard).
     */
    static ExtractionMonitor extractionMonitor(int maxGrowingSetPerClass, int distanceWindow) {
        return new ExtractionMonitor(
                PradaDetector.builder(FEATURES, CLASSES)
                        .maxGrowingSetPerClass(maxGrowingSetPerClass)
                        .distanceWindow(distanceWindow)
                        .build(),
                new QueryRate(60_000, 5.0),
                new ClassCoverage(CLASSES, 200, 0.95),
                new NearBoundaryShare(0.1, 500, 200, 0.3));
    }

    /**
     * The nearest-neighbour detector with k = 10, unit scales and threshold 0 (uncalibrated: it
     * flags nothing, so the buffer is never cleared and stays full).
     */
    static NearestNeighbourQueryDetector nearestNeighbour(int bufferSize) {
        double[] scales = new double[FEATURES];
        Arrays.fill(scales, 1.0);
        return NearestNeighbourQueryDetector.builder(scales)
                .neighbours(NearestNeighbourQueryDetector.DEFAULT_NEIGHBOURS)
                .bufferSize(bufferSize)
                .build();
    }

    /**
     * Blacklight over 17 levels of [0, 16] (one per pixel value), windows of 20 values sliding by 1
     * (45 per query, all of them in the fingerprint), otherwise the defaults, with this cap.
     */
    static BlacklightDetector blacklight(int maxEntries) {
        return BlacklightDetector.builder(Quantizer.uniform(FEATURES, 0, 16, 17))
                .windowSize(20)
                .maxEntries(maxEntries)
                .build();
    }

    /** The contributor monitor of the job with the defaults and a model 90% accurate. */
    static ContributorMonitor contributorMonitor() {
        return ContributorMonitor.builder(CLASSES).referenceAccuracy(0.9).build();
    }

    // ---- queries ----

    /** Standard normal rows of {@link #FEATURES} values. */
    static double[][] gaussianRows(SplittableRandom random, int count) {
        double[][] rows = new double[count][FEATURES];
        for (double[] row : rows) {
            for (int i = 0; i < FEATURES; i++) {
                // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
                double u = 1.0 - random.nextDouble();
                row[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
            }
        }
        return rows;
    }

    /** 8x8 images of independent integer pixels 0..16. */
    static double[][] pixelRows(SplittableRandom random, int count) {
        double[][] rows = new double[count][FEATURES];
        for (double[] row : rows) {
            for (int i = 0; i < FEATURES; i++) {
                row[i] = random.nextInt(17);
            }
        }
        return rows;
    }

    /** Client ids {@code client-0}, {@code client-1}, ... */
    static String[] clients(int count) {
        String[] clients = new String[count];
        for (int i = 0; i < count; i++) {
            clients[i] = "client-" + i;
        }
        return clients;
    }

    /** The predicted class and margin of each of {@code count} synthetic model outputs. */
    static Predictions predictions(long seed, int count) {
        SyntheticOutputs outputs = new SyntheticOutputs(seed);
        int[] classes = new int[count];
        double[] margins = new double[count];
        for (int i = 0; i < count; i++) {
            Confidence confidence = Confidence.ofProbabilities(outputs.probabilities());
            classes[i] = confidence.predictedClass();
            margins[i] = confidence.margin();
        }
        return new Predictions(classes, margins);
    }

    /** Predicted classes and margins, one per query. */
    record Predictions(int[] classes, double[] margins) {}

    // ---- states filled to their caps ----

    /**
     * A client state whose PRADA growing sets hold {@code maxGrowingSetPerClass} queries for every
     * class and whose distance window is full, filled with fresh queries (seed 11) one second
     * apart.
     */
    static ExtractionState filledExtractionState(ExtractionMonitor monitor) {
        PradaDetector prada = monitor.prada();
        ExtractionState state = monitor.newState();
        PradaState p = state.prada();
        SplittableRandom random = new SplittableRandom(11);
        SyntheticOutputs outputs = new SyntheticOutputs(12);
        int full = CLASSES * prada.maxGrowingSetPerClass();
        while (p.storedQueries() < full || p.distanceCount() < prada.distanceWindow()) {
            checkFillable(p.queries());
            Confidence confidence = Confidence.ofProbabilities(outputs.probabilities());
            monitor.assess(
                    state,
                    p.queries() * MILLIS_BETWEEN_QUERIES,
                    gaussianRows(random, 1)[0],
                    confidence.predictedClass(),
                    confidence.margin());
        }
        return state;
    }

    /** A client history whose ring holds {@code bufferSize} fresh queries (seed 21). */
    static QueryHistory filledHistory(NearestNeighbourQueryDetector detector) {
        QueryHistory history = detector.newHistory();
        SplittableRandom random = new SplittableRandom(21);
        while (history.size() < detector.bufferSize()) {
            detector.observe(
                    history,
                    history.queries() * MILLIS_BETWEEN_QUERIES,
                    gaussianRows(random, 1)[0]);
        }
        return history;
    }

    /**
     * Fills a Blacklight store to its cap with fresh images (seed 31) of {@code clients} clients in
     * turn, one millisecond apart, and returns the event time of the last.
     */
    static long fill(BlacklightDetector blacklight, int maxEntries, String[] clients) {
        SplittableRandom random = new SplittableRandom(31);
        long time = 0;
        while (blacklight.size() < maxEntries) {
            checkFillable(time);
            blacklight.observe(
                    clients[(int) (time % clients.length)], time, pixelRows(random, 1)[0]);
            time++;
        }
        return time - 1;
    }

    /**
     * A contributor state after {@code records} records (seed 41): labels of random classes, 10% of
     * them disagreeing with the model's prediction on a random other class.
     */
    static ContributorState filledContributorState(ContributorMonitor monitor, int records) {
        ContributorState state = monitor.newState();
        int[][] labels = labels(new SplittableRandom(41), records);
        for (int i = 0; i < records; i++) {
            monitor.assess(state, labels[0][i], labels[1][i], ContributorMonitor.UNKNOWN);
        }
        return state;
    }

    /** {@code [given labels, predicted classes]}, 10% disagreeing on a random other class. */
    static int[][] labels(SplittableRandom random, int count) {
        int[][] labels = new int[2][count];
        for (int i = 0; i < count; i++) {
            int predicted = random.nextInt(CLASSES);
            labels[1][i] = predicted;
            labels[0][i] =
                    random.nextDouble() < 0.1
                            ? (predicted + 1 + random.nextInt(CLASSES - 1)) % CLASSES
                            : predicted;
        }
        return labels;
    }

    private static void checkFillable(long queries) {
        if (queries >= MAX_FILL_QUERIES) {
            throw new IllegalStateException(
                    "the state did not reach its caps in " + MAX_FILL_QUERIES + " queries");
        }
    }

    // ---- state size ----

    /** Bytes of the object's Java serialization (stream header and class descriptors included). */
    static int serializedBytes(Serializable object) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.size();
    }
}
