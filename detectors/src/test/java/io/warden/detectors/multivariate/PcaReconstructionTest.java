package io.warden.detectors.multivariate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/** Checks the PCA model against scikit-learn (sklearn_pca.json, generate_sklearn_pca.py). */
class PcaReconstructionTest {

    private static final JsonNode FIXTURE = Fixtures.json("sklearn_pca.json");

    private static Covariance referenceCovariance() {
        Covariance.Accumulator accumulator = Covariance.accumulator(6);
        for (double[] row : Fixtures.matrix(FIXTURE.get("data"))) {
            accumulator.add(row);
        }
        return accumulator.snapshot();
    }

    @Test
    void standardizesLikeStandardScalerIncludingAConstantFeature() {
        PcaReconstruction pca = PcaReconstruction.fit(referenceCovariance(), 0.65);
        double[] mean = Fixtures.vector(FIXTURE.get("mean"));
        double[] scale = Fixtures.vector(FIXTURE.get("scale"));
        for (int i = 0; i < mean.length; i++) {
            assertThat(pca.center()[i]).isCloseTo(mean[i], within(1e-12 * (1 + Math.abs(mean[i]))));
            assertThat(pca.scale()[i]).isCloseTo(scale[i], within(1e-12 * scale[i]));
        }
        assertThat(pca.scale()[5]).as("zero variance gets scale 1").isEqualTo(1.0);
    }

    @Test
    void explainedVarianceRatiosEqualScikitLearns() {
        PcaReconstruction pca = PcaReconstruction.fit(referenceCovariance(), 0.65);
        double[] expected = Fixtures.vector(FIXTURE.get("explainedVarianceRatio"));
        double[] actual = pca.explainedVarianceRatio();
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("ratio %d", i).isCloseTo(expected[i], within(1e-12));
        }
    }

    @Test
    void keepsAsManyComponentsAndReconstructsRowsAsScikitLearn() {
        Covariance covariance = referenceCovariance();
        double[][] data = Fixtures.matrix(FIXTURE.get("data"));
        for (JsonNode c : FIXTURE.get("cases")) {
            double share = c.get("share").asDouble();
            PcaReconstruction pca = PcaReconstruction.fit(covariance, share);
            assertThat(pca.componentCount())
                    .as("components for %s", share)
                    .isEqualTo(c.get("components").asInt());
            double[] expected = Fixtures.vector(c.get("errors"));
            for (int i = 0; i < data.length; i++) {
                assertThat(pca.error(data[i]))
                        .as("error of row %d at share %s", i, share)
                        .isCloseTo(expected[i], within(1e-9));
            }
        }
    }

    @Test
    void componentsAreOrthonormalAndSignNormalized() {
        double[][] w = PcaReconstruction.fit(referenceCovariance(), 0.9).components();
        for (int a = 0; a < w.length; a++) {
            int largest = 0;
            for (int i = 0; i < w[a].length; i++) {
                if (Math.abs(w[a][i]) > Math.abs(w[a][largest])) {
                    largest = i;
                }
            }
            assertThat(w[a][largest]).isPositive();
            for (int b = 0; b < w.length; b++) {
                double dot = 0;
                for (int i = 0; i < w[a].length; i++) {
                    dot += w[a][i] * w[b][i];
                }
                assertThat(dot).isCloseTo(a == b ? 1.0 : 0.0, within(1e-12));
            }
        }
    }

    @Test
    void imputesMissingValuesWithTheReferenceMean() {
        PcaReconstruction pca = PcaReconstruction.fit(referenceCovariance(), 0.65);
        double[] row = Fixtures.matrix(FIXTURE.get("data"))[3];
        double[] imputed = row.clone();
        imputed[2] = pca.center()[2];
        double[] missing = row.clone();
        missing[2] = Double.NaN;
        assertThat(pca.error(missing)).isEqualTo(pca.error(imputed));
        missing[2] = Double.POSITIVE_INFINITY;
        assertThat(pca.error(missing)).isEqualTo(pca.error(imputed));
        assertThat(pca.error(pca.center())).isZero();
    }

    @Test
    void componentCountFollowsScikitLearnsRuleAtTheBoundary() {
        double[] ratios = {0.5, 0.25, 0.25};
        assertThat(PcaReconstruction.componentsFor(ratios, 0.5)).as("cumsum == share").isEqualTo(2);
        assertThat(PcaReconstruction.componentsFor(ratios, 0.49)).isEqualTo(1);
        assertThat(PcaReconstruction.componentsFor(ratios, 0.99)).isEqualTo(3);
        assertThat(PcaReconstruction.componentsFor(new double[] {0, 0}, 0.5)).isZero();
    }

    @Test
    void ofRebuildsAnEqualModelAndRejectsInconsistentParts() {
        PcaReconstruction pca = PcaReconstruction.fit(referenceCovariance(), 0.65);
        PcaReconstruction copy =
                PcaReconstruction.of(
                        0.65,
                        pca.center(),
                        pca.scale(),
                        pca.explainedVarianceRatio(),
                        pca.components());
        assertThat(copy).isEqualTo(pca).hasSameHashCodeAs(pca);
        assertThatThrownBy(
                        () ->
                                PcaReconstruction.of(
                                        0.9,
                                        pca.center(),
                                        pca.scale(),
                                        pca.explainedVarianceRatio(),
                                        pca.components()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("call for 3 components, but 2 are given");
        double[] badScale = pca.scale();
        badScale[1] = 0;
        assertThatThrownBy(
                        () ->
                                PcaReconstruction.of(
                                        0.65,
                                        pca.center(),
                                        badScale,
                                        pca.explainedVarianceRatio(),
                                        pca.components()))
                .hasMessageContaining("scale[1]");
        assertThatThrownBy(() -> PcaReconstruction.fit(referenceCovariance(), 1.0))
                .hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> pca.error(new double[2])).hasMessageContaining("6");
    }

    @Test
    void survivesJavaSerialization() throws IOException, ClassNotFoundException {
        PcaReconstruction pca = PcaReconstruction.fit(referenceCovariance(), 0.65);
        assertThat(roundTrip(pca)).isEqualTo(pca);
    }

    static Object roundTrip(Object value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
