package io.warden.detectors.poisoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.warden.detectors.core.DetectorResult;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class SpectralSignaturesTest {

    private static final Logger LOG = LoggerFactory.getLogger(SpectralSignaturesTest.class);

    private static final JsonNode NUMPY = PoisoningTestData.fixture("numpy_spectral.json");

    private static final int DIMS = 64;

    @Test
    void theTopSingularVectorAndScoresAgreeWithNumpy() {
        for (String window : new String[] {"backdoor", "clean"}) {
            JsonNode expected = NUMPY.get(window);
            SpectralSignaturesResult result =
                    SpectralSignatures.builder()
                            .build()
                            .analyse(PoisoningTestData.rows(expected.get("rows")));
            double[] v = PoisoningTestData.doubles(expected.get("topSingularVector"));
            double[] actual = result.topSingularVector();
            for (int i = 0; i < DIMS; i++) {
                assertThat(actual[i]).as("%s v[%d]", window, i).isCloseTo(v[i], within(1e-9));
            }
            assertThat(result.topSingularValue())
                    .isCloseTo(expected.get("topSingularValue").doubleValue(), within(1e-8));
            double[] scores = PoisoningTestData.doubles(expected.get("scores"));
            double[] mine = result.scores();
            for (int i = 0; i < scores.length; i++) {
                assertThat(mine[i]).isCloseTo(scores[i], within(1e-8 * (1 + scores[i])));
            }
        }
    }

    @Test
    void aTriggerPatchOnDigitsIsRecoveredInReferenceScaledPixelsAndCleanDigitsFlagNothing() {
        double[] scale = PoisoningTestData.doubles(NUMPY.get("referenceScale"));
        double[][] diagonal = new double[DIMS][DIMS];
        for (int i = 0; i < DIMS; i++) {
            diagonal[i][i] = 1.0 / scale[i];
        }
        SpectralSignatures scaled =
                SpectralSignatures.builder().epsilon(0.06).projection(diagonal).build();
        JsonNode backdoor = NUMPY.get("backdoor");
        double[][] rows = PoisoningTestData.rows(backdoor.get("rows"));
        SpectralSignaturesResult poisoned = scaled.analyse(rows);
        int[] truth = new int[backdoor.get("poisoned").size()];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = backdoor.get("poisoned").get(i).intValue();
        }
        int hits = (int) Arrays.stream(truth).filter(poisoned::isFlagged).count();
        LOG.info(
                "digits backdoor, scaled pixels: {} of {} trigger samples among {} flagged; {}",
                hits,
                truth.length,
                poisoned.flagged().length,
                poisoned);
        assertThat(poisoned.separated()).isTrue();
        assertThat(hits).isEqualTo(truth.length);
        assertThat(poisoned.flagged()).hasSize(poisoned.candidates());

        SpectralSignaturesResult clean =
                scaled.analyse(PoisoningTestData.rows(NUMPY.get("clean").get("rows")));
        LOG.info("clean digits, scaled pixels: {}", clean);
        assertThat(clean.separated()).isFalse();
        assertThat(clean.flagged()).isEmpty();
        assertThat(clean.toResult().flagged()).isFalse();

        // On raw pixels the ones' own variation dominates the top direction: the guard declines
        // to claim anything rather than flag the wrong rows.
        SpectralSignaturesResult raw =
                SpectralSignatures.builder().epsilon(0.06).build().analyse(rows);
        LOG.info("digits backdoor, raw pixels: {}", raw);
        assertThat(raw.separated()).isFalse();
        assertThat(raw.flagged()).isEmpty();
    }

    /**
     * A window of n Gaussian rows of one class, the first {@code poisoned} carrying the trigger.
     */
    private static double[][] gaussianWindow(Random random, int n, int poisoned, double[] trigger) {
        double[] mean = new double[DIMS];
        double[][] mixing = PoisoningTestData.mixing(new Random(3000), DIMS);
        double[] sourceMean = new double[DIMS];
        Arrays.fill(sourceMean, 0.3);
        double[][] window = new double[n][];
        for (int i = 0; i < n; i++) {
            if (i < poisoned) {
                window[i] = PoisoningTestData.gaussian(random, sourceMean, mixing);
                for (int j = 0; j < DIMS; j++) {
                    window[i][j] += trigger[j];
                }
            } else {
                window[i] = PoisoningTestData.gaussian(random, mean, mixing);
            }
        }
        return window;
    }

    private static double[] trigger(double strength) {
        double[] trigger = new double[DIMS];
        for (int j = 56; j < DIMS; j++) {
            trigger[j] = strength;
        }
        return trigger;
    }

    @Test
    void aSyntheticBackdoorIsRecoveredWithHighPrecisionAndRecall() {
        SpectralSignatures detector = SpectralSignatures.builder().epsilon(0.05).build();
        int windows = 30;
        int n = 200;
        int poisoned = 14; // 7%, under 1.5 epsilon n = 15 candidates
        int truePositives = 0;
        int flagged = 0;
        for (int w = 0; w < windows; w++) {
            Random random = new Random(3100 + w);
            SpectralSignaturesResult result =
                    detector.analyse(gaussianWindow(random, n, poisoned, trigger(3.0)));
            for (int i : result.flagged()) {
                truePositives += i < poisoned ? 1 : 0;
            }
            flagged += result.flagged().length;
        }
        double precision = (double) truePositives / flagged;
        double recall = (double) truePositives / (windows * poisoned);
        LOG.info(
                "64-d Gaussian, 7% triggered (8 features +3): precision {}, recall {} over {}"
                        + " windows",
                precision, recall, windows);
        assertThat(recall).isGreaterThan(0.95);
        assertThat(precision).isGreaterThan(0.85);
    }

    @Test
    void cleanWindowsFlagNothingAndAWeakTriggerIsNotClaimed() {
        SpectralSignatures detector = SpectralSignatures.builder().epsilon(0.05).build();
        int separatedClean = 0;
        double largest = 0.0;
        double required = 0.0;
        for (int w = 0; w < 100; w++) {
            SpectralSignaturesResult result =
                    detector.analyse(gaussianWindow(new Random(3200 + w), 200, 0, trigger(0)));
            separatedClean += result.separated() ? 1 : 0;
            largest = Math.max(largest, result.separation());
            required = result.requiredSeparation();
        }
        LOG.info(
                "clean Gaussian windows separated: {} of 100 (largest G {}, required {})",
                separatedClean,
                largest,
                required);
        assertThat(separatedClean).isZero();

        SpectralSignaturesResult weak =
                detector.analyse(gaussianWindow(new Random(3300), 200, 14, trigger(0.2)));
        assertThat(weak.separated()).isFalse();
        assertThat(weak.flagged()).isEmpty();
        assertThat(weak.candidates()).isEqualTo(15);
    }

    @Test
    void theGaussianSeparationMatchesSimulation() {
        Random random = new Random(3400);
        int n = 400_000;
        double[] squares = new double[n];
        for (int i = 0; i < n; i++) {
            double z = random.nextGaussian();
            squares[i] = z * z;
        }
        Arrays.sort(squares);
        int top = (int) (0.075 * n);
        double topMean = Arrays.stream(squares, n - top, n).average().orElseThrow();
        double simulated = topMean / squares[n / 2];
        assertThat(SpectralSignatures.gaussianSeparation(0.075))
                .isCloseTo(simulated, within(0.02 * simulated));
    }

    @Test
    void aProjectionIsAppliedBeforeTheDecompositionAndResultsSurviveSerialization()
            throws Exception {
        double[][] keepLast = new double[8][DIMS];
        for (int i = 0; i < 8; i++) {
            keepLast[i][56 + i] = 1.0;
        }
        SpectralSignatures projected = SpectralSignatures.builder().projection(keepLast).build();
        SpectralSignaturesResult result =
                projected.analyse(gaussianWindow(new Random(3500), 200, 14, trigger(2.0)));
        assertThat(result.topSingularVector()).hasSize(8);
        assertThat(result.separated()).isTrue();
        assertThat(Arrays.stream(result.flagged()).filter(i -> i < 14).count()).isEqualTo(14);

        SpectralSignaturesResult copy = PoisoningTestData.copied(result);
        assertThat(copy).isEqualTo(result);
        DetectorResult verdict = copy.toResult();
        assertThat(verdict.detector()).isEqualTo(SpectralSignatures.ID);
        assertThat(verdict.flagged()).isTrue();
        assertThat(
                        PoisoningTestData.copied(projected)
                                .analyse(gaussianWindow(new Random(3500), 200, 14, trigger(2.0))))
                .isEqualTo(result);
        assertThatThrownBy(() -> projected.analyse(new double[30][DIMS - 1]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> projected.analyse(new double[10][DIMS]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
