package io.warden.detectors.confidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.warden.detectors.calibration.EmpiricalReference;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfidenceReferenceTest {

    @Test
    void holdsTheSignalsOfEveryReferenceVector() {
        List<double[]> vectors =
                List.of(
                        new double[] {0.7, 0.2, 0.1},
                        new double[] {0.5, 0.5, 0.0},
                        new double[] {1.0, 0.0, 0.0});
        ConfidenceReference reference = ConfidenceReference.fromProbabilities(vectors);

        assertThat(reference.msp().toArray()).containsExactly(0.5, 0.7, 1.0);
        assertThat(reference.margin().toArray())
                .containsExactly(new double[] {0.0, 0.5, 1.0}, within(1e-15));
        double h = -(0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1));
        assertThat(reference.entropy().toArray())
                .containsExactly(new double[] {0.0, Math.log(2), h}, within(1e-15));
    }

    @Test
    void logitsAndTheirSoftmaxGiveTheSameReference() {
        SyntheticClassifierOutputs outputs = new SyntheticClassifierOutputs(11);
        List<double[]> logits = outputs.inDistributionLogits(500);
        List<double[]> probabilities = logits.stream().map(Confidence::softmax).toList();

        ConfidenceReference fromLogits = ConfidenceReference.fromLogits(logits);
        ConfidenceReference fromProbabilities =
                ConfidenceReference.fromProbabilities(probabilities);

        assertThat(fromLogits.msp().toArray())
                .containsExactly(fromProbabilities.msp().toArray(), within(1e-12));
        assertThat(fromLogits.entropy().toArray())
                .containsExactly(fromProbabilities.entropy().toArray(), within(1e-12));
        assertThat(fromLogits.margin().toArray())
                .containsExactly(fromProbabilities.margin().toArray(), within(1e-12));
    }

    @Test
    void subsamplingKeepsTheSameVectorsForAllThreeSignals() {
        SyntheticClassifierOutputs outputs = new SyntheticClassifierOutputs(12);
        List<double[]> vectors = outputs.inDistributionProbabilities(5_000);
        ConfidenceReference reference = ConfidenceReference.fromProbabilities(vectors, 300);

        assertThat(reference.msp().size()).isEqualTo(300);
        assertThat(reference.msp().sampledFrom()).isEqualTo(5_000);
        // Same reservoir slots for all three: the kept entropies are those of the kept MSPs'
        // vectors.
        double[] keptMsp = reference.msp().toArray();
        double[] entropiesOfKeptVectors =
                vectors.stream()
                        .map(Confidence::ofProbabilities)
                        .filter(c -> Arrays.binarySearch(keptMsp, c.msp()) >= 0)
                        .mapToDouble(Confidence::entropy)
                        .sorted()
                        .toArray();
        assertThat(reference.entropy().toArray()).containsExactly(entropiesOfKeptVectors);
    }

    @Test
    void threeRawSamplesMakeAReference() {
        ConfidenceReference reference =
                ConfidenceReference.of(
                        new double[] {0.9, 0.8}, new double[] {0.1}, new double[] {0.7});
        assertThat(reference.msp()).isEqualTo(EmpiricalReference.of(new double[] {0.8, 0.9}));
        assertThat(reference.entropy().size()).isEqualTo(1);
    }

    @Test
    void rejectsAnInvalidReferenceVectorNamingItsPosition() {
        List<double[]> vectors = List.of(new double[] {0.5, 0.5}, new double[] {0.5, 0.6});
        assertThatThrownBy(() -> ConfidenceReference.fromProbabilities(vectors))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("reference vector #1: probabilities must sum to 1");
    }

    @Test
    void rejectsAnEmptyReference() {
        assertThatThrownBy(() -> ConfidenceReference.fromProbabilities(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one vector");
        assertThatThrownBy(
                        () ->
                                ConfidenceReference.of(
                                        new double[0], new double[] {1}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be empty");
    }
}
