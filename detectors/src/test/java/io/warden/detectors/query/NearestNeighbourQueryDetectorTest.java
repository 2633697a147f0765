package io.warden.detectors.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.detectors.drift.SerializationRoundTrip;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NearestNeighbourQueryDetectorTest {

    private static final int K = 10;
    private static final double ALPHA = 0.001;

    /** One scale for every pixel: a quarter of the range. */
    private static double[] scales() {
        double[] scales = new double[SyntheticQueries.WIDTH];
        Arrays.fill(scales, 4.0);
        return scales;
    }

    /**
     * The brute-force reference: for query t, the L2 distances (in double, from the
     * single-precision normalised values) to each of the previous {@code buffer} queries, the k
     * smallest summed in ascending order, divided by k; +infinity with fewer than k previous
     * queries.
     */
    private static double[] bruteForceMeanDistances(
            double[][] queries, double[] scales, int k, int buffer) {
        double[] means = new double[queries.length];
        for (int t = 0; t < queries.length; t++) {
            int from = Math.max(0, t - buffer);
            if (t - from < k) {
                means[t] = Double.POSITIVE_INFINITY;
                continue;
            }
            double[] distances = new double[t - from];
            for (int j = from; j < t; j++) {
                double sum = 0.0;
                for (int i = 0; i < scales.length; i++) {
                    double a = (float) (queries[t][i] / scales[i]);
                    double b = (float) (queries[j][i] / scales[i]);
                    sum += (a - b) * (a - b);
                }
                distances[j - from] = Math.sqrt(sum);
            }
            Arrays.sort(distances);
            double total = 0.0;
            for (int j = 0; j < k; j++) {
                total += distances[j];
            }
            means[t] = total / k;
        }
        return means;
    }

    /** 100 benign clients' sequences of 100 queries. */
    private static List<double[][]> benignClients(SyntheticQueries data, Random random) {
        List<double[][]> clients = new ArrayList<>();
        for (int c = 0; c < 100; c++) {
            clients.add(data.benignSequence(random, 100));
        }
        return clients;
    }

    private static double[][] mixedSequence(long seed) {
        SyntheticQueries data = new SyntheticQueries(seed);
        Random random = new Random(seed + 1);
        List<double[]> queries = new ArrayList<>();
        queries.addAll(Arrays.asList(data.benignSequence(random, 120)));
        queries.addAll(Arrays.asList(data.boundaryWalk(random, 80)));
        queries.addAll(Arrays.asList(data.nesProbes(random, 80, 0.1)));
        queries.addAll(Arrays.asList(data.benignSequence(random, 60)));
        return queries.toArray(double[][]::new);
    }

    @Test
    void meanDistanceEqualsTheBruteForceReferenceExactly() {
        double[][] queries = mixedSequence(1);
        int buffer = 50;
        NearestNeighbourQueryDetector detector =
                NearestNeighbourQueryDetector.builder(scales())
                        .neighbours(K)
                        .bufferSize(buffer)
                        .build();
        double[] expected = bruteForceMeanDistances(queries, scales(), K, buffer);
        QueryHistory history = detector.newHistory();
        double[] actual = new double[queries.length];
        for (int t = 0; t < queries.length; t++) {
            NearestNeighbourVerdict verdict = detector.observe(history, t, queries[t]);
            actual[t] = verdict.meanDistance();
            assertThat(verdict.scored()).isEqualTo(t >= K);
            assertThat(verdict.flagged()).as("threshold 0 flags nothing").isFalse();
        }

        assertThat(actual).containsExactly(expected);
        assertThat(history.size()).isEqualTo(buffer);
        assertThat(history.queries()).isEqualTo(queries.length);
        assertThat(detector.meanNeighbourDistances(queries))
                .containsExactly(Arrays.copyOfRange(expected, K, expected.length));
    }

    @Test
    void singlePrecisionInputsGiveTheSameDistances() {
        double[][] queries = mixedSequence(2);
        NearestNeighbourQueryDetector detector =
                NearestNeighbourQueryDetector.builder(scales()).bufferSize(30).build();
        QueryHistory fromDoubles = detector.newHistory();
        QueryHistory fromFloats = detector.newHistory();
        for (int t = 0; t < queries.length; t++) {
            float[] single = new float[queries[t].length];
            for (int i = 0; i < single.length; i++) {
                single[i] = (float) queries[t][i];
            }
            assertThat(detector.observe(fromFloats, t, single))
                    .isEqualTo(detector.observe(fromDoubles, t, queries[t]));
        }
    }

    @Test
    void calibratedThresholdIsTheAlphaQuantileAndFlagsAtMostAlphaOfTheBenignDistances() {
        SyntheticQueries data = new SyntheticQueries(3);
        Random random = new Random(4);
        List<double[][]> benign = benignClients(data, random);
        NearestNeighbourQueryDetector parameters =
                NearestNeighbourQueryDetector.builder(scales()).neighbours(K).build();
        double threshold =
                NearestNeighbourQueryDetector.calibrateThreshold(parameters, benign, ALPHA);

        double[] reference =
                benign.stream()
                        .flatMapToDouble(
                                s ->
                                        Arrays.stream(
                                                bruteForceMeanDistances(
                                                        s, scales(), K, parameters.bufferSize())))
                        .filter(d -> d != Double.POSITIVE_INFINITY)
                        .sorted()
                        .toArray();
        assertThat(reference).hasSize(100 * (100 - K));
        assertThat(threshold).isEqualTo(reference[(int) (ALPHA * reference.length)]);
        long below = Arrays.stream(reference).filter(d -> d < threshold).count();
        assertThat(below).isEqualTo(9).isLessThanOrEqualTo((long) (ALPHA * reference.length));
    }

    /**
     * Calibrated at 0.1% on 100 benign clients, then run on 200 other benign clients of 100 queries
     * each and on attacks. Measured: 17 of the 17,868 scored benign queries flagged (0.095%), on 17
     * of the 200 clients (each false detection clears that client's buffer, so the next k queries
     * go unscored); every boundary walk and every NES run flagged at its 11th query, the first that
     * is scored (k + 1), with a mean distance under 0.6 against a threshold of about 4.7.
     */
    @Test
    void flagsAttacksAtTheFirstScoredQueryAndAboutAlphaOfBenignQueries() {
        SyntheticQueries data = new SyntheticQueries(7);
        Random random = new Random(8);
        List<double[][]> calibration = benignClients(data, random);
        double threshold =
                NearestNeighbourQueryDetector.calibrateThreshold(
                        NearestNeighbourQueryDetector.builder(scales()).neighbours(K).build(),
                        calibration,
                        ALPHA);
        NearestNeighbourQueryDetector detector =
                NearestNeighbourQueryDetector.builder(scales())
                        .neighbours(K)
                        .threshold(threshold)
                        .build();

        int benignFlagged = 0;
        int benignScored = 0;
        int benignClientsFlagged = 0;
        for (int c = 0; c < 200; c++) {
            QueryHistory history = detector.newHistory();
            for (int q = 0; q < 100; q++) {
                NearestNeighbourVerdict verdict = detector.observe(history, q, data.benign(random));
                benignScored += verdict.scored() ? 1 : 0;
                benignFlagged += verdict.flagged() ? 1 : 0;
            }
            benignClientsFlagged += history.detections() > 0 ? 1 : 0;
        }
        assertThat(benignScored)
                .as("all but the first k of each client, and up to k after each clearing")
                .isBetween(200 * (100 - K) - K * benignFlagged, 200 * (100 - K));
        assertThat(benignFlagged).as("benign queries flagged").isBetween(1, 36);
        assertThat(benignClientsFlagged).as("benign clients flagged").isLessThanOrEqualTo(36);

        for (int run = 0; run < 5; run++) {
            QueryHistory walk = detector.newHistory();
            for (double[] query : data.boundaryWalk(random, 300)) {
                detector.observe(walk, 1_000 + walk.queries(), query);
            }
            QueryHistory nes = detector.newHistory();
            for (double[] query : data.nesProbes(random, 300, 0.1)) {
                detector.observe(nes, 1_000 + nes.queries(), query);
            }
            assertThat(walk.queriesToDetection()).as("walk %d", run).hasValue(K + 1);
            assertThat(walk.firstDetectionTime()).hasValue(1_000 + K);
            assertThat(nes.queriesToDetection()).as("NES %d", run).hasValue(K + 1);
            assertThat(walk.detections())
                    .as("walk detections with clearing")
                    .isEqualTo(300 / (K + 1));
            assertThat(nes.detections())
                    .as("NES detections with clearing")
                    .isEqualTo(300 / (K + 1));
        }
    }

    @Test
    void aDetectionEmptiesTheBufferUnlessToldOtherwise() {
        double[][] probes = new SyntheticQueries(9).nesProbes(new Random(10), 40, 0.1);
        NearestNeighbourQueryDetector.Builder builder =
                NearestNeighbourQueryDetector.builder(scales()).neighbours(3).threshold(1.0);
        NearestNeighbourQueryDetector clearing = builder.build();
        NearestNeighbourQueryDetector keeping = builder.clearOnDetection(false).build();
        QueryHistory cleared = clearing.newHistory();
        QueryHistory kept = keeping.newHistory();
        List<Long> clearedFlags = new ArrayList<>();
        List<Long> keptFlags = new ArrayList<>();
        for (double[] probe : probes) {
            NearestNeighbourVerdict c = clearing.observe(cleared, 0, probe);
            NearestNeighbourVerdict k = keeping.observe(kept, 0, probe);
            if (c.flagged()) {
                clearedFlags.add(c.query());
                assertThat(cleared.size()).isZero();
            }
            if (k.flagged()) {
                keptFlags.add(k.query());
            }
        }
        assertThat(clearedFlags).containsExactly(4L, 8L, 12L, 16L, 20L, 24L, 28L, 32L, 36L, 40L);
        assertThat(keptFlags).hasSize(40 - 3);
        assertThat(kept.queriesToDetection()).hasValue(4);
        assertThat(cleared.queriesToDetection()).hasValue(4);
    }

    @Test
    void deserialisedDetectorAndHistoryContinueWithIdenticalVerdicts() {
        double[][] queries = mixedSequence(11);
        NearestNeighbourQueryDetector detector =
                NearestNeighbourQueryDetector.builder(scales())
                        .bufferSize(40)
                        .threshold(2.0)
                        .build();
        QueryHistory history = detector.newHistory();
        for (int t = 0; t < 150; t++) {
            detector.observe(history, t, queries[t]);
        }
        NearestNeighbourQueryDetector detectorCopy = SerializationRoundTrip.roundTrip(detector);
        QueryHistory historyCopy = SerializationRoundTrip.roundTrip(history);

        List<NearestNeighbourVerdict> expected = new ArrayList<>();
        List<NearestNeighbourVerdict> actual = new ArrayList<>();
        for (int t = 150; t < queries.length; t++) {
            expected.add(detector.observe(history, t, queries[t]));
            actual.add(detectorCopy.observe(historyCopy, t, queries[t]));
        }
        assertThat(expected).filteredOn(NearestNeighbourVerdict::flagged).isNotEmpty();
        assertThat(expected).filteredOn(v -> !v.flagged()).isNotEmpty();
        assertThat(actual).isEqualTo(expected);
        assertThat(historyCopy.detections()).isEqualTo(history.detections());
    }

    @Test
    void verdictExplainsItselfAsADetectorResult() {
        NearestNeighbourVerdict verdict =
                new NearestNeighbourVerdict(12, true, 0.25, 4.5, 10, true, 11);

        assertThat(verdict.toDetectorResult().explanation())
                .isEqualTo(
                        "query 12: mean distance to its 10 nearest earlier queries 0.2500 below"
                                + " threshold 4.500");
        assertThat(verdict.toDetectorResult().flagged()).isTrue();
        assertThat(verdict.queriesToDetection()).hasValue(11);
        assertThatThrownBy(() -> new NearestNeighbourVerdict(12, true, 5.0, 4.5, 10, true, 11))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesInvalidParametersAndInputsLeavingTheHistoryUnchanged() {
        assertThatThrownBy(() -> NearestNeighbourQueryDetector.builder(new double[] {1, 0}).build())
                .hasMessageContaining("scale of feature 1");
        assertThatThrownBy(
                        () ->
                                NearestNeighbourQueryDetector.builder(scales())
                                        .neighbours(20)
                                        .bufferSize(19)
                                        .build())
                .hasMessageContaining("bufferSize");
        assertThatThrownBy(
                        () -> NearestNeighbourQueryDetector.builder(scales()).threshold(-1).build())
                .hasMessageContaining("threshold");
        NearestNeighbourQueryDetector detector =
                NearestNeighbourQueryDetector.builder(scales()).build();
        assertThatThrownBy(
                        () ->
                                NearestNeighbourQueryDetector.calibrateThreshold(
                                        detector,
                                        List.<double[][]>of(new double[5][SyntheticQueries.WIDTH]),
                                        ALPHA))
                .hasMessageContaining("no benign sequence");

        QueryHistory history = detector.newHistory();
        double[] withInfinity = new double[SyntheticQueries.WIDTH];
        withInfinity[7] = Double.POSITIVE_INFINITY;
        assertThatThrownBy(() -> detector.observe(history, 0, withInfinity))
                .hasMessageContaining("feature 7");
        assertThatThrownBy(() -> detector.observe(history, 0, new double[2]))
                .hasMessageContaining("2 features");
        QueryHistory otherShape =
                NearestNeighbourQueryDetector.builder(scales())
                        .bufferSize(300)
                        .build()
                        .newHistory();
        assertThatThrownBy(
                        () -> detector.observe(otherShape, 0, new double[SyntheticQueries.WIDTH]))
                .hasMessageContaining("does not fit");
        assertThat(history.queries()).isZero();
        assertThat(history.size()).isZero();
    }
}
