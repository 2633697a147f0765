package io.warden.detectors.confidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.detectors.core.DetectorResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConfidenceAnomalyDetectorTest {

    private static final int REFERENCE_SIZE = 20_000;
    private static final int TRAFFIC_SIZE = 20_000;
    private static final double ALPHA = ConfidenceAnomalyDetector.DEFAULT_ALPHA;

    private static List<double[]> referenceProbabilities;
    private static ConfidenceAnomalyDetector probabilityDetector;
    private static ConfidenceAnomalyDetector logitDetector;

    @BeforeAll
    static void fitOnReferenceTraffic() {
        SyntheticClassifierOutputs reference = new SyntheticClassifierOutputs(42);
        referenceProbabilities = reference.inDistributionProbabilities(REFERENCE_SIZE);
        probabilityDetector =
                new ConfidenceAnomalyDetector(
                        ConfidenceReference.fromProbabilities(referenceProbabilities), ALPHA);
        logitDetector =
                new ConfidenceAnomalyDetector(
                        ConfidenceReference.fromLogits(
                                new SyntheticClassifierOutputs(43)
                                        .inDistributionLogits(REFERENCE_SIZE)),
                        ALPHA);
    }

    /** alpha plus four binomial standard deviations of a rate observed on TRAFFIC_SIZE trials. */
    private static double falsePositiveBound() {
        return ALPHA + 4 * Math.sqrt(ALPHA * (1 - ALPHA) / TRAFFIC_SIZE);
    }

    private static double flaggedRate(
            Supplier<double[]> traffic, Function<double[], ConfidenceAssessment> assess) {
        int flagged = 0;
        for (int i = 0; i < TRAFFIC_SIZE; i++) {
            if (assess.apply(traffic.get()).flagged()) {
                flagged++;
            }
        }
        return (double) flagged / TRAFFIC_SIZE;
    }

    @Test
    void falsePositiveRateOnFreshInDistributionProbabilitiesIsAtMostAlpha() {
        SyntheticClassifierOutputs fresh = new SyntheticClassifierOutputs(1001);
        double rate = flaggedRate(fresh::inDistributionProbabilities, probabilityDetector::assess);
        assertThat(rate).isLessThanOrEqualTo(falsePositiveBound());
    }

    @Test
    void falsePositiveRateOnFreshInDistributionLogitsIsAtMostAlpha() {
        SyntheticClassifierOutputs fresh = new SyntheticClassifierOutputs(1002);
        double rate = flaggedRate(fresh::inDistributionLogits, logitDetector::assessLogits);
        assertThat(rate).isLessThanOrEqualTo(falsePositiveBound());
    }

    @Test
    void nearUniformProbabilitiesAreDetected() {
        SyntheticClassifierOutputs ood = new SyntheticClassifierOutputs(2001);
        double rate = flaggedRate(ood::nearUniformProbabilities, probabilityDetector::assess);
        assertThat(rate).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void nearUniformLogitsAreDetected() {
        SyntheticClassifierOutputs ood = new SyntheticClassifierOutputs(2002);
        double rate = flaggedRate(ood::nearUniformLogits, logitDetector::assessLogits);
        assertThat(rate).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void pValuesAreConformalRanksAgainstTheReferenceSample() {
        double[] msps = new double[REFERENCE_SIZE];
        double[] entropies = new double[REFERENCE_SIZE];
        double[] margins = new double[REFERENCE_SIZE];
        for (int i = 0; i < REFERENCE_SIZE; i++) {
            Confidence c = Confidence.ofProbabilities(referenceProbabilities.get(i));
            msps[i] = c.msp();
            entropies[i] = c.entropy();
            margins[i] = c.margin();
        }
        double[] probabilities = {0.3, 0.25, 0.2, 0.1, 0.05, 0.04, 0.03, 0.02, 0.01, 0.0};
        Confidence c = Confidence.ofProbabilities(probabilities);

        ConfidenceAssessment assessment = probabilityDetector.assess(probabilities);

        double n1 = REFERENCE_SIZE + 1.0;
        assertThat(assessment.confidence()).isEqualTo(c);
        assertThat(assessment.msp().pValue())
                .isEqualTo((1 + Arrays.stream(msps).filter(r -> r <= c.msp()).count()) / n1);
        assertThat(assessment.entropy().pValue())
                .isEqualTo(
                        (1 + Arrays.stream(entropies).filter(r -> r >= c.entropy()).count()) / n1);
        assertThat(assessment.margin().pValue())
                .isEqualTo((1 + Arrays.stream(margins).filter(r -> r <= c.margin()).count()) / n1);
    }

    @Test
    void resultsCarryTheRawStatisticAndTheBonferroniThreshold() {
        ConfidenceAssessment assessment =
                probabilityDetector.assess(new double[] {0.55, 0.45, 0, 0, 0, 0, 0, 0, 0, 0});
        double threshold = ALPHA / 3;

        assertThat(assessment.results())
                .extracting(DetectorResult::detector)
                .containsExactly("confidence.msp", "confidence.entropy", "confidence.margin");
        assertThat(assessment.results())
                .allSatisfy(r -> assertThat(r.threshold()).isEqualTo(threshold))
                .allSatisfy(r -> assertThat(r.flagged()).isEqualTo(r.pValue() <= threshold));
        assertThat(assessment.msp().score()).isEqualTo(0.55);
        assertThat(assessment.margin().score()).isEqualTo(assessment.confidence().margin());
        assertThat(assessment.entropy().score()).isEqualTo(assessment.confidence().entropy());
        assertThat(probabilityDetector.pValueThreshold()).isEqualTo(threshold);
    }

    @Test
    void flaggedWhenTheSmallestPValueIsAtMostAlphaOverThree() {
        SyntheticClassifierOutputs mixed = new SyntheticClassifierOutputs(3001);
        for (int i = 0; i < 2_000; i++) {
            double[] p =
                    i % 2 == 0
                            ? mixed.inDistributionProbabilities()
                            : mixed.nearUniformProbabilities();
            ConfidenceAssessment a = probabilityDetector.assess(p);
            double smallest =
                    Math.min(a.msp().pValue(), Math.min(a.entropy().pValue(), a.margin().pValue()));
            assertThat(a.smallestPValue()).isEqualTo(smallest);
            assertThat(a.flagged()).isEqualTo(smallest <= ALPHA / 3);
        }
    }

    @Test
    void explainsAFlaggedPredictionByItsMostSignificantSignal() {
        double[] uniform = new double[10];
        Arrays.fill(uniform, 0.1);

        ConfidenceAssessment assessment = probabilityDetector.assess(uniform);

        assertThat(assessment.flagged()).isTrue();
        assertThat(assessment.msp().explanation())
                .isEqualTo(
                        "max softmax probability 0.100 is below 100% of the reference"
                                + " (p=5.0e-05 ≤ 0.00033)");
        assertThat(assessment.entropy().explanation())
                .isEqualTo(
                        "entropy 2.30 nats is above 100% of the reference (p=5.0e-05 ≤ 0.00033)");
        assertThat(assessment.explanation())
                .isEqualTo(
                        assessment.msp().explanation()
                                + "; also anomalous: confidence.entropy and confidence.margin");
    }

    @Test
    void explanationsQuoteTheShareOfTheReferenceThatIsLessExtreme() {
        ConfidenceReference reference = probabilityDetector.reference();
        SyntheticClassifierOutputs outputs = new SyntheticClassifierOutputs(5001);
        for (int i = 0; i < 2_000; i++) {
            double[] p =
                    i % 10 == 0
                            ? outputs.nearUniformProbabilities()
                            : outputs.inDistributionProbabilities();
            ConfidenceAssessment a = probabilityDetector.assess(p);
            Confidence c = a.confidence();
            assertThat(a.msp().explanation())
                    .contains(
                            " is below "
                                    + ExplanationFormat.percent(
                                            reference.msp().fractionAbove(c.msp()))
                                    + " of the reference");
            assertThat(a.entropy().explanation())
                    .contains(
                            " is above "
                                    + ExplanationFormat.percent(
                                            reference.entropy().fractionBelow(c.entropy()))
                                    + " of the reference");
            assertThat(a.margin().explanation())
                    .contains(
                            " is below "
                                    + ExplanationFormat.percent(
                                            reference.margin().fractionAbove(c.margin()))
                                    + " of the reference");
        }
    }

    @Test
    void explainsAnUnflaggedPredictionByItsSmallestPValue() {
        double[] confident = {0.9, 0.1, 0, 0, 0, 0, 0, 0, 0, 0};

        ConfidenceAssessment assessment = probabilityDetector.assess(confident);

        assertThat(assessment.flagged()).isFalse();
        assertThat(assessment.explanation())
                .startsWith("confidence in line with the reference: smallest p=")
                .endsWith(") > 0.00033");
        assertThat(assessment.msp().explanation())
                .startsWith("max softmax probability 0.900 is below ")
                .contains("% of the reference (p=")
                .endsWith(" > 0.00033)");
    }

    @Test
    void logitsAndTheirSoftmaxGetTheSameAssessment() {
        SyntheticClassifierOutputs outputs = new SyntheticClassifierOutputs(4001);
        for (int i = 0; i < 200; i++) {
            double[] logits =
                    i % 2 == 0 ? outputs.inDistributionLogits() : outputs.nearUniformLogits();
            ConfidenceAssessment fromLogits = probabilityDetector.assessLogits(logits);
            ConfidenceAssessment fromProbabilities =
                    probabilityDetector.assess(Confidence.softmax(logits));
            assertThat(fromLogits.flagged()).isEqualTo(fromProbabilities.flagged());
            assertThat(fromLogits.confidence().predictedClass())
                    .isEqualTo(fromProbabilities.confidence().predictedClass());
        }
    }

    @Test
    void survivesJavaSerializationAndAssessesAlike() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(probabilityDetector);
        }
        ConfidenceAnomalyDetector copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ConfidenceAnomalyDetector) in.readObject();
        }
        double[] p = {0.4, 0.3, 0.3, 0, 0, 0, 0, 0, 0, 0};
        assertThat(copy.assess(p)).isEqualTo(probabilityDetector.assess(p));
        assertThat(copy.reference()).isEqualTo(probabilityDetector.reference());
        assertThat(copy.alpha()).isEqualTo(ALPHA);
    }

    // Invalid configuration and input.

    private static ConfidenceReference referenceOfSize(int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = (i + 0.5) / n;
        }
        return ConfidenceReference.of(values, values, values);
    }

    @Test
    void rejectsAlphaOutsideTheOpenUnitInterval() {
        ConfidenceReference reference = referenceOfSize(10_000);
        for (double alpha : new double[] {0, 1, -0.01, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> new ConfidenceAnomalyDetector(reference, alpha))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("alpha must be in (0, 1), but is " + alpha);
        }
    }

    @Test
    void rejectsAReferenceTooSmallForAnyPValueToReachTheThreshold() {
        assertThatThrownBy(() -> new ConfidenceAnomalyDetector(referenceOfSize(2_998)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the msp reference holds 2998 values")
                .hasMessageContaining("could never flag")
                .hasMessageContaining("use at least 2999 reference values");
        assertThat(new ConfidenceAnomalyDetector(referenceOfSize(2_999)).alpha()).isEqualTo(ALPHA);
        assertThatThrownBy(() -> new ConfidenceAnomalyDetector(referenceOfSize(100), 0.01))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use at least 299 reference values");
    }

    @Test
    void rejectsAMissingReference() {
        assertThatThrownBy(() -> new ConfidenceAnomalyDetector(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("reference");
    }

    @Test
    void rejectsInvalidOutputVectorsWithTheProblemNamed() {
        assertThatThrownBy(() -> probabilityDetector.assess(new double[] {0.5, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p[1] = NaN");
        assertThatThrownBy(() -> probabilityDetector.assess(new double[] {2.0, -1.0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-negative");
        assertThatThrownBy(
                        () ->
                                probabilityDetector.assessLogits(
                                        new double[] {1, Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logits[1] = Infinity");
    }
}
