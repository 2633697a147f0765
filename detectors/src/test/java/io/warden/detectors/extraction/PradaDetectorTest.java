package io.warden.detectors.extraction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class PradaDetectorTest {

    private static final Logger LOG = LoggerFactory.getLogger(PradaDetectorTest.class);

    private static final int DIMS = 32;
    private static final int CLASSES = 10;
    private static final SyntheticTraffic TRAFFIC = new SyntheticTraffic(DIMS, CLASSES, 1.0, 7L);
    private static final PradaDetector PRADA = PradaDetector.builder(DIMS, CLASSES).build();

    private static PradaVerdict feed(
            PradaDetector prada, PradaState state, List<double[]> queries) {
        PradaVerdict last = null;
        for (double[] x : queries) {
            last = prada.update(state, x, TRAFFIC.predict(x));
        }
        return last;
    }

    /** 200 benign clients of 500 i.i.d. queries each; measured: none flagged, lowest W 0.922. */
    @Test
    void benignClientsAreAlmostNeverFlagged() {
        Random random = new Random(11);
        int flaggedClients = 0;
        int testedClients = 0;
        for (int client = 0; client < 200; client++) {
            PradaState state = PRADA.newState();
            double[] weights = TRAFFIC.focusedWeights(random, 3);
            for (int q = 0; q < 500; q++) {
                double[] x = TRAFFIC.natural(random, weights);
                PRADA.update(state, x, TRAFFIC.predict(x));
            }
            testedClients += state.distanceCount() >= PRADA.minDistances() ? 1 : 0;
            flaggedClients += state.firstFlaggedAtQuery() > 0 ? 1 : 0;
        }
        LOG.info("PRADA false flags: {} of 200 benign clients", flaggedClients);

        assertThat(testedClients).isEqualTo(200);
        assertThat(flaggedClients).isLessThanOrEqualTo(2);
    }

    @Test
    void jacobianAugmentationIsFlaggedSoonAfterTheFirstTest() {
        Random random = new Random(12);
        PradaState state = PRADA.newState();

        PradaVerdict last = feed(PRADA, state, TRAFFIC.jacobianAugmentation(random, 10, 0.1, 1000));

        LOG.info("Jacobian augmentation flagged after {} queries", last.firstFlaggedAtQuery());
        assertThat(last.flagged()).isTrue();
        assertThat(last.w()).isLessThan(PRADA.delta());
        assertThat(last.firstFlaggedAtQuery()).isBetween(100L, 150L);
    }

    @Test
    void randomPerturbationsOfAFewSeedsAreFlagged() {
        Random random = new Random(13);
        PradaState state = PRADA.newState();

        PradaVerdict last = feed(PRADA, state, TRAFFIC.randomPerturbations(random, 10, 0.1, 1000));

        LOG.info("random perturbations flagged after {} queries", last.firstFlaggedAtQuery());
        assertThat(last.firstFlaggedAtQuery()).isBetween(100L, 150L);
    }

    @Test
    void boundaryLineSearchesAreFlagged() {
        Random random = new Random(14);
        PradaState state = PRADA.newState();

        PradaVerdict last = feed(PRADA, state, TRAFFIC.lineSearches(random, 8, 1000));

        LOG.info("line searches flagged after {} queries", last.firstFlaggedAtQuery());
        assertThat(last.firstFlaggedAtQuery()).isBetween(100L, 150L);
    }

    /** The threshold rule of Algorithm 1, computed by hand on one-dimensional queries. */
    @Test
    void growingSetAdmitsOnlyQueriesBeyondTheClassThreshold() {
        PradaDetector prada = PradaDetector.builder(1, 2).build();
        PradaState state = prada.newState();

        assertThat(prada.update(state, new double[] {0.0}, 0).minDistance()).isNaN();
        assertThat(prada.update(state, new double[] {10.0}, 0).minDistance()).isEqualTo(10.0);
        // D_G = {0, 10}: mean 5 - std 5 = 0.
        assertThat(state.threshold(0)).isZero();
        assertThat(prada.update(state, new double[] {4.0}, 0).minDistance()).isEqualTo(4.0);
        // D_G = {0, 10, 4}: mean 14/3, population std sqrt(456/27).
        double expected = 14.0 / 3.0 - Math.sqrt(456.0 / 27.0);
        assertThat(state.threshold(0)).isCloseTo(expected, within(1e-12));
        assertThat(state.growingSetSize(0)).isEqualTo(3);
        // 4.5 is 0.5 from 4, below the threshold 0.561: measured, not admitted.
        assertThat(prada.update(state, new double[] {4.5}, 0).minDistance()).isEqualTo(0.5);
        assertThat(state.growingSetSize(0)).isEqualTo(3);
        // Another class has its own set: its first query has no distance.
        assertThat(prada.update(state, new double[] {4.5}, 1).minDistance()).isNaN();
        assertThat(state.distances()).containsExactly(10.0, 4.0, 0.5);
    }

    @Test
    void featureScalesMakeDistancesUnitFree() {
        double[] scales = new double[DIMS];
        java.util.Arrays.fill(scales, 1.0);
        scales[0] = 1000.0;
        PradaDetector scaled = PradaDetector.builder(DIMS, CLASSES).featureScales(scales).build();
        PradaState plainState = PRADA.newState();
        PradaState scaledState = scaled.newState();
        Random random = new Random(15);
        for (double[] x : TRAFFIC.jacobianAugmentation(random, 10, 0.1, 300)) {
            double[] inThousands = x.clone();
            inThousands[0] *= 1000.0;
            int c = TRAFFIC.predict(x);
            PradaVerdict plain = PRADA.update(plainState, x, c);
            PradaVerdict fromScaled = scaled.update(scaledState, inThousands, c);
            if (Double.isNaN(plain.minDistance())) {
                assertThat(fromScaled.minDistance()).isNaN();
            } else {
                assertThat(fromScaled.minDistance())
                        .isCloseTo(plain.minDistance(), within(1e-4 * plain.minDistance() + 1e-9));
            }
        }
        assertThat(scaledState.firstFlaggedAtQuery()).isEqualTo(plainState.firstFlaggedAtQuery());
    }

    @Test
    void stateSurvivesSerializationAndGivesTheSameVerdictsAfterwards() throws Exception {
        Random random = new Random(16);
        List<double[]> queries = TRAFFIC.jacobianAugmentation(random, 10, 0.1, 400);
        PradaState original = PRADA.newState();
        feed(PRADA, original, queries.subList(0, 150));

        PradaState copy = roundTrip(original);
        byte[] bytes = serialize(original);
        LOG.info("PRADA state after 150 queries: {} bytes serialized", bytes.length);

        assertThat(copy.queries()).isEqualTo(150);
        assertThat(copy.distances()).containsExactly(original.distances());
        for (double[] x : queries.subList(150, 400)) {
            int c = TRAFFIC.predict(x);
            assertThat(PRADA.update(copy, x, c)).isEqualTo(PRADA.update(original, x, c));
        }
        assertThat(copy.firstFlaggedAtQuery()).isPositive();
    }

    @Test
    void stateStaysWithinItsCapsAfter100kQueries() throws Exception {
        int cap = 20;
        int window = 300;
        PradaDetector prada =
                PradaDetector.builder(DIMS, CLASSES)
                        .maxGrowingSetPerClass(cap)
                        .distanceWindow(window)
                        .testInterval(50)
                        .build();
        PradaState state = prada.newState();
        Random random = new Random(17);
        double[] weights = TRAFFIC.uniformWeights();
        for (int q = 0; q < 100_000; q++) {
            double[] x = TRAFFIC.natural(random, weights);
            prada.update(state, x, TRAFFIC.predict(x));
        }

        assertThat(state.queries()).isEqualTo(100_000);
        for (int c = 0; c < CLASSES; c++) {
            assertThat(state.growingSetSize(c)).isLessThanOrEqualTo(cap);
        }
        assertThat(state.storedFloatCapacity()).isLessThanOrEqualTo((long) CLASSES * cap * DIMS);
        assertThat(state.distanceCount()).isEqualTo(window);
        assertThat(state.distanceCapacity()).isEqualTo(window);
        int bytes = serialize(state).length;
        LOG.info("PRADA state after 100k queries: {} bytes serialized", bytes);
        assertThat(bytes).isLessThan(4 * CLASSES * cap * DIMS + 8 * window + 2_000);
    }

    @Test
    void rejectsQueriesAndStatesThatDoNotFit() {
        PradaState state = PRADA.newState();
        PradaState otherShape = PradaDetector.builder(DIMS, 3).build().newState();

        assertThatThrownBy(() -> PRADA.update(state, new double[DIMS - 1], 0))
                .hasMessageContaining("features");
        assertThatThrownBy(() -> PRADA.update(state, new double[DIMS], CLASSES))
                .hasMessageContaining("predicted class");
        double[] withNaN = new double[DIMS];
        withNaN[3] = Double.NaN;
        assertThatThrownBy(() -> PRADA.update(state, withNaN, 0)).hasMessageContaining("finite");
        assertThatThrownBy(() -> PRADA.update(otherShape, new double[DIMS], 0))
                .hasMessageContaining("state was made for");
        assertThatThrownBy(() -> PradaDetector.builder(DIMS, CLASSES).delta(1.0).build())
                .hasMessageContaining("delta");
        assertThatThrownBy(() -> PradaDetector.builder(DIMS, CLASSES).distanceWindow(50).build())
                .hasMessageContaining("distanceWindow");
    }

    @Test
    void aClientRepeatingOneQueryIsFlagged() {
        PradaState state = PRADA.newState();
        double[] x = TRAFFIC.natural(new Random(18), TRAFFIC.uniformWeights());
        PradaVerdict last = null;
        for (int q = 0; q < 101; q++) {
            last = PRADA.update(state, x, 0);
        }

        assertThat(last.tested()).isTrue();
        assertThat(last.w()).isZero();
        assertThat(last.firstFlaggedAtQuery()).isEqualTo(101);
        assertThat(last.toResult().flagged()).isTrue();
    }

    static byte[] serialize(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(serialize(value)))) {
            return (T) in.readObject();
        }
    }
}
