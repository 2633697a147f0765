package io.warden.detectors.poisoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.warden.detectors.core.DetectorResult;
import io.warden.detectors.poisoning.ClassConditionalOutliers.PValueMethod;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ClassConditionalOutliersTest {

    private static final Logger LOG = LoggerFactory.getLogger(ClassConditionalOutliersTest.class);

    private static final int CLASSES = 4;
    private static final int DIMS = 8;
    private static final int REFERENCE_PER_CLASS = 4000;

    private static double[][] means;
    private static double[][][] mixings;
    private static double[][] referenceRows;
    private static int[] referenceLabels;

    @BeforeAll
    static void referenceData() {
        Random random = new Random(2001);
        means = new double[CLASSES][DIMS];
        mixings = new double[CLASSES][][];
        for (int c = 0; c < CLASSES; c++) {
            for (int j = 0; j < DIMS; j++) {
                means[c][j] = 2.0 * random.nextGaussian();
            }
            mixings[c] = PoisoningTestData.mixing(random, DIMS);
        }
        referenceRows = new double[CLASSES * REFERENCE_PER_CLASS][];
        referenceLabels = new int[referenceRows.length];
        for (int i = 0; i < referenceRows.length; i++) {
            int c = i % CLASSES;
            referenceRows[i] = sample(random, c);
            referenceLabels[i] = c;
        }
    }

    private static double[] sample(Random random, int c) {
        return PoisoningTestData.gaussian(random, means[c], mixings[c]);
    }

    private static ClassConditionalOutliers fit(PValueMethod method, double alpha) {
        return ClassConditionalOutliers.builder(CLASSES)
                .method(method)
                .alpha(alpha)
                .fit(referenceRows, referenceLabels);
    }

    /** Share of honest samples flagged, and the largest gap between their p-values' CDF and t. */
    private static double[] honestFlagRateAndUniformityGap(
            ClassConditionalOutliers model, long seed, int samples) {
        Random random = new Random(seed);
        double[] p = new double[samples];
        int flagged = 0;
        for (int i = 0; i < samples; i++) {
            int c = random.nextInt(CLASSES);
            DetectorResult result = model.assess(sample(random, c), c);
            p[i] = result.pValue();
            flagged += result.flagged() ? 1 : 0;
        }
        Arrays.sort(p);
        double gap = 0.0;
        for (int i = 0; i < samples; i++) {
            gap = Math.max(gap, Math.abs((i + 1.0) / samples - p[i]));
        }
        return new double[] {(double) flagged / samples, gap};
    }

    @ParameterizedTest
    @CsvSource({"CONFORMAL, 2002, 0.01, 0.03", "CHI_SQUARED, 2003, 0.02, 0.05"})
    void honestSamplesHaveUniformPValuesAndTheNominalFalsePositiveRate(
            PValueMethod method, long seed, double rateTolerance, double maxDistance) {
        double[] measured = honestFlagRateAndUniformityGap(fit(method, 0.05), seed, 8000);
        LOG.info(
                "{}, alpha 0.05: honest flag rate {}, Kolmogorov distance to uniform {}",
                method,
                measured[0],
                measured[1]);
        assertThat(measured[0]).isCloseTo(0.05, within(rateTolerance));
        assertThat(measured[1]).isLessThan(maxDistance);
    }

    @Test
    void flippedLabelsAndTriggeredSamplesGetSmallPValues() {
        ClassConditionalOutliers model = fit(PValueMethod.CONFORMAL, 0.01);
        Random random = new Random(2004);
        int n = 2000;
        double[] trigger = new double[DIMS];
        trigger[0] = 3.0;
        trigger[1] = -3.0;
        int[] flagged = new int[3]; // flipped labels, triggered samples, honest samples
        for (int i = 0; i < n; i++) {
            int truth = random.nextInt(CLASSES);
            int flipped = (truth + 1) % CLASSES;
            // A sample of the labelled class itself, carrying a trigger patch.
            double[] triggered = sample(random, flipped);
            for (int j = 0; j < DIMS; j++) {
                triggered[j] += trigger[j];
            }
            DetectorResult[] results = {
                model.assess(sample(random, truth), flipped),
                model.assess(triggered, flipped),
                model.assess(sample(random, truth), truth)
            };
            for (int k = 0; k < results.length; k++) {
                flagged[k] += results[k].flagged() ? 1 : 0;
            }
        }
        int flipsFlagged = flagged[0];
        int triggersFlagged = flagged[1];
        int honestFlagged = flagged[2];
        LOG.info(
                "alpha 0.01: flipped labels flagged {}/{}, triggered samples {}/{}, honest {}/{}",
                flipsFlagged,
                n,
                triggersFlagged,
                n,
                honestFlagged,
                n);
        assertThat(flipsFlagged).isGreaterThan((int) (0.95 * n));
        assertThat(triggersFlagged).isGreaterThan((int) (0.8 * n));
        assertThat(honestFlagged).isLessThan((int) (0.02 * n));
    }

    @Test
    void theResultExplainsItselfAndAClassWithoutReferenceRowsIsNotJudged() {
        double[][] rows = Arrays.copyOf(referenceRows, 400);
        int[] labels = Arrays.copyOf(referenceLabels, 400);
        for (int i = 0; i < labels.length; i++) {
            labels[i] = labels[i] == 3 ? 2 : labels[i];
        }
        ClassConditionalOutliers model =
                ClassConditionalOutliers.builder(CLASSES).fit(rows, labels);
        assertThat(model.isModelled(3)).isFalse();
        DetectorResult unknown = model.assess(referenceRows[3], 3);
        assertThat(unknown.flagged()).isFalse();
        assertThat(unknown.hasPValue()).isFalse();

        DetectorResult far = model.assess(new double[DIMS], 0);
        assertThat(far.detector()).isEqualTo(ClassConditionalOutliers.ID);
        assertThat(far.score()).isEqualTo(model.distanceSquared(new double[DIMS], 0));
        assertThat(far.explanation()).contains("class 0");
        assertThatThrownBy(() -> model.assess(new double[DIMS - 1], 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.distanceSquared(new double[DIMS], 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDeserializedModelGivesTheSameResults() throws Exception {
        ClassConditionalOutliers model = fit(PValueMethod.CONFORMAL, 0.01);
        ClassConditionalOutliers copy = PoisoningTestData.copied(model);
        Random random = new Random(2005);
        for (int i = 0; i < 200; i++) {
            double[] x = sample(random, i % CLASSES);
            int label = random.nextInt(CLASSES);
            assertThat(copy.assess(x, label)).isEqualTo(model.assess(x, label));
        }
    }
}
