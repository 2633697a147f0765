package io.warden.detectors.profile;

import static io.warden.detectors.profile.ReferenceRows.DATA;
import static io.warden.detectors.profile.ReferenceRows.NUMERIC;
import static io.warden.detectors.profile.ReferenceRows.NUMPY;
import static io.warden.detectors.profile.ReferenceRows.SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.warden.detectors.confidence.Confidence;
import io.warden.detectors.confidence.ConfidenceReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileBuilderTest {

    static final ProfileMetadata METADATA =
            ProfileMetadata.of(Instant.parse("2026-11-25T10:00:00Z"), "pets")
                    .withId("pets-reference")
                    .withModelVersion("3")
                    .withSource("ReferenceRows.DATA");

    /** Large enough that the confidence sample keeps every prediction. */
    static final ProfileSettings SETTINGS = ProfileSettings.defaults();

    static final ReferenceProfile PROFILE =
            DATA.addTo(ProfileBuilder.create(SCHEMA, SETTINGS), 0, DATA.rows()).build(METADATA);

    /** Exact right-closed bin counts of a feature's finite values, by brute force. */
    static long[] exactBinCounts(int feature, double[] edges) {
        long[] counts = new long[edges.length + 1];
        for (double[] row : DATA.numeric()) {
            double x = row[feature];
            if (Double.isFinite(x)) {
                int bin = 0;
                while (bin < edges.length && x > edges[bin]) {
                    bin++;
                }
                counts[bin]++;
            }
        }
        return counts;
    }

    /** Asserts the sketch quantile lies between NumPy's exact quantiles at p -/+ epsilon. */
    static void assertQuantileWithinRankError(NumericFeatureProfile f, double p, double actual) {
        double epsilon = f.normalizedRankError();
        int lower = (int) Math.max(1, Math.floor((p - epsilon) * 1000));
        int upper = (int) Math.min(999, Math.ceil((p + epsilon) * 1000));
        assertThat(actual)
                .as("%s quantile at %s (epsilon %s)", f.name(), p, epsilon)
                .isBetween(
                        ReferenceRows.numpyQuantile(f.name(), lower),
                        ReferenceRows.numpyQuantile(f.name(), upper));
    }

    @Test
    void exactStatisticsEqualNumpys() {
        assertThat(PROFILE.rows()).isEqualTo(20_000);
        for (String name : NUMERIC) {
            JsonNode expected = NUMPY.get("features").get(name);
            NumericFeatureProfile f = PROFILE.numeric(name);
            assertThat(f.count()).as(name).isEqualTo(expected.get("count").asLong());
            assertThat(f.missing()).as(name).isEqualTo(expected.get("missing").asLong());
            assertThat(f.missingRate()).isEqualTo(expected.get("missing").asLong() / 20_000.0);
            assertThat(f.min()).as(name).isEqualTo(expected.get("min").asDouble());
            assertThat(f.max()).as(name).isEqualTo(expected.get("max").asDouble());
            double mean = expected.get("mean").asDouble();
            double variance = expected.get("variance").asDouble();
            assertThat(f.mean()).as(name).isCloseTo(mean, within(1e-12 * (1 + Math.abs(mean))));
            assertThat(f.variance()).as(name).isCloseTo(variance, within(1e-12 * variance));
        }
        assertThat(PROFILE.numeric("skewed").missing()).isEqualTo(609);
    }

    @Test
    void quantilesAndBinEdgesAreWithinTheSketchRankErrorOfNumpys() {
        for (String name : NUMERIC) {
            NumericFeatureProfile f = PROFILE.numeric(name);
            assertThat(f.normalizedRankError()).isCloseTo(0.0068, within(0.0002));
            for (int percent = 1; percent <= 99; percent++) {
                double p = percent / 100.0;
                assertQuantileWithinRankError(f, p, f.quantile(p));
            }
        }
        NumericFeatureProfile uniform = PROFILE.numeric("uniform");
        double[] edges = uniform.binEdges();
        assertThat(edges).hasSize(9);
        for (int i = 0; i < edges.length; i++) {
            assertQuantileWithinRankError(uniform, (i + 1) / 10.0, edges[i]);
        }
    }

    @Test
    void binCountsAreWithinTwiceTheRankErrorOfExactCounts() {
        for (int j = 0; j < NUMERIC.size(); j++) {
            NumericFeatureProfile f = PROFILE.numeric(j);
            long[] exact = exactBinCounts(j, f.binEdges());
            long[] counts = f.binCounts();
            assertThat(Arrays.stream(counts).sum()).isEqualTo(f.count());
            double tolerance = 2 * f.normalizedRankError() * f.count();
            for (int b = 0; b < counts.length; b++) {
                assertThat((double) counts[b])
                        .as("%s bin %d", f.name(), b)
                        .isCloseTo(exact[b], within(tolerance));
            }
        }
    }

    @Test
    void binEdgesAreDeduplicatedUnderTiesAndNeverEqualTheMaximum() {
        NumericFeatureProfile discrete = PROFILE.numeric("discrete");
        // 0 holds about 45% of the values: deciles 1-4 all fall on 0; 4 is the maximum.
        assertThat(discrete.binEdges()).containsExactly(0, 1, 2, 3);
        assertThat(discrete.binCount()).isEqualTo(5);
        assertThat(discrete.binIndex(0)).isZero();
        assertThat(discrete.binIndex(0.5)).isEqualTo(1);
        assertThat(discrete.binIndex(1)).isEqualTo(1);
        assertThat(discrete.binIndex(4)).isEqualTo(4);
        assertThat(discrete.binIndex(Double.NEGATIVE_INFINITY)).isZero();
        assertThat(discrete.binIndex(Double.POSITIVE_INFINITY)).isEqualTo(4);
        assertThat(discrete.binIndex(Double.NaN)).isEqualTo(-1);
        long[] exact = exactBinCounts(1, discrete.binEdges());
        for (int b = 0; b < exact.length; b++) {
            assertThat(discrete.binCount(b))
                    .isCloseTo(exact[b], within((long) (2 * 0.0068 * 20_000)));
        }
    }

    @Test
    void categoricalFrequenciesAreExactBelowTheMapSizeAndBoundedAbove() {
        Map<String, Long> colours = new HashMap<>();
        Map<String, Long> ids = new HashMap<>();
        long missingColours = 0;
        for (int i = 0; i < DATA.rows(); i++) {
            if (DATA.colours()[i] == null) {
                missingColours++;
            } else {
                colours.merge(DATA.colours()[i], 1L, Long::sum);
            }
            ids.merge(DATA.ids()[i], 1L, Long::sum);
        }
        CategoricalFeatureProfile colour = PROFILE.categorical("colour");
        assertThat(colour.isExact()).isTrue();
        assertThat(colour.missing()).isEqualTo(missingColours);
        assertThat(colour.top()).hasSize(5);
        assertThat(colour.top().get(0).value()).isEqualTo("red");
        for (CategoryCount c : colour.top()) {
            assertThat(c.count()).as(c.value()).isEqualTo(colours.get(c.value()));
        }
        assertThat(colour.other()).isZero();

        CategoricalFeatureProfile id = PROFILE.categorical("id");
        assertThat(id.isExact()).isFalse();
        assertThat(id.top()).hasSize(SETTINGS.topCategories());
        assertThat(id.top().subList(0, 3))
                .extracting(CategoryCount::value)
                .containsExactlyInAnyOrder("hot-0", "hot-1", "hot-2");
        assertThat(id.maxError()).isLessThanOrEqualTo((long) (3.5 / 1024 * 20_000));
        long listed = 0;
        for (CategoryCount c : id.top()) {
            long truth = ids.get(c.value());
            assertThat(c.count()).as(c.value()).isBetween(truth - id.maxError(), truth);
            listed += c.count();
        }
        assertThat(listed + id.other()).isEqualTo(20_000);
    }

    @Test
    void predictionPriorsAreExactAndConfidenceEqualsTheConfidenceReference() {
        long[] priors = new long[3];
        List<double[]> predicted = new ArrayList<>();
        for (int i = 0; i < DATA.rows(); i++) {
            double[] p = DATA.probabilities(i);
            if (p != null) {
                priors[Confidence.ofProbabilities(p).predictedClass()]++;
                predicted.add(p);
            }
        }
        PredictionProfile predictions = PROFILE.predictions().orElseThrow();
        assertThat(predictions.classLabels()).containsExactly("cat", "dog", "bird");
        assertThat(predictions.priorCounts()).containsExactly(priors);
        assertThat(predictions.count()).isEqualTo(18_000);
        assertThat(predictions.prior(0)).isEqualTo(priors[0] / 18_000.0);
        // Below the sample size every vector is kept: the same references as today's file gives.
        assertThat(predictions.confidence())
                .contains(ConfidenceReference.fromProbabilities(predicted));
    }

    @Test
    void multivariatePartCoversCompleteRowsOnly() {
        var multivariate = PROFILE.multivariate().orElseThrow();
        assertThat(multivariate.rows()).isEqualTo(20_000 - 609);
        assertThat(multivariate.sample().size()).isEqualTo(SETTINGS.rowSampleSize());
        assertThat(multivariate.sample().seen()).isEqualTo(20_000 - 609);
        assertThat(multivariate.pca()).isPresent();
        ProfileSchema oneFeature = ProfileSchema.numeric(List.of("x"));
        ReferenceProfile single =
                ProfileBuilder.create(oneFeature, SETTINGS)
                        .add(new double[] {1})
                        .add(new double[] {2})
                        .build(METADATA);
        assertThat(single.multivariate()).isEmpty();
        assertThat(single.predictions()).isEmpty();
    }

    @Test
    void sameRowsGiveTheSameProfileAndAnotherSeedAnotherSample() {
        assertThat(DeterministicKll.isDeterministic()).isTrue();
        ReferenceProfile again =
                DATA.addTo(ProfileBuilder.create(SCHEMA, SETTINGS), 0, DATA.rows()).build(METADATA);
        assertThat(again).isEqualTo(PROFILE);
        assertThat(again.numeric(0).sketchBytes()).isEqualTo(PROFILE.numeric(0).sketchBytes());
        ReferenceProfile reseeded =
                DATA.addTo(ProfileBuilder.create(SCHEMA, SETTINGS.withSeed(1)), 0, DATA.rows())
                        .build(METADATA);
        assertThat(reseeded.multivariate().orElseThrow().sample())
                .isNotEqualTo(PROFILE.multivariate().orElseThrow().sample());
        assertThat(reseeded.numeric(0).count()).isEqualTo(PROFILE.numeric(0).count());
    }

    @Test
    void featuresAreFoundByNameAndPosition() {
        assertThat(PROFILE.numeric("uniform")).isSameAs(PROFILE.numeric(2));
        assertThat(PROFILE.numeric(2).index()).isEqualTo(2);
        assertThat(PROFILE.schema().numericIndex("discrete")).isEqualTo(1);
        assertThat(PROFILE.schema().numericIndex("nope")).isEqualTo(-1);
        assertThat(PROFILE.categorical("id").index()).isEqualTo(1);
        assertThatThrownBy(() -> PROFILE.numeric("colour"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no numeric feature 'colour'");
    }

    @Test
    void rejectedRowsNameTheRowAndChangeNothing() {
        ProfileBuilder builder = ProfileBuilder.create(SCHEMA, SETTINGS);
        builder.add(new double[] {1, 2, 3}, null, null);
        assertThatThrownBy(() -> builder.add(new double[] {1, 2}, null, null))
                .hasMessage("reference row #1 has 2 numeric values, the schema 3");
        assertThatThrownBy(() -> builder.add(new double[] {1, 2, 3}, new String[] {"a"}, null))
                .hasMessageContaining("1 categorical values, the schema 2");
        assertThatThrownBy(
                        () -> builder.add(new double[] {1, 2, 3}, null, new double[] {0.5, 0.6, 0}))
                .hasMessageStartingWith(
                        "reference row #1 probabilities: probabilities must sum to 1");
        assertThatThrownBy(() -> builder.add(new double[] {1, 2, 3}, null, new double[] {1}))
                .hasMessageContaining("1 probabilities, the schema 3 classes");
        assertThat(builder.rows()).isEqualTo(1);
        ReferenceProfile profile = builder.build(METADATA);
        assertThat(profile.numeric(0).count()).isEqualTo(1);
        assertThat(profile.categorical(0).missing()).isEqualTo(1);
        assertThat(profile.predictions().orElseThrow().count()).isZero();
        assertThat(profile.predictions().orElseThrow().confidence()).isEmpty();
        assertThatThrownBy(
                        () ->
                                ProfileBuilder.create(ProfileSchema.numeric(List.of("x")), SETTINGS)
                                        .add(new double[] {1}, null, new double[] {1}))
                .hasMessageContaining("no class labels");
    }

    @Test
    void aFeatureWithoutValuesHasNoStatistics() {
        ReferenceProfile profile =
                ProfileBuilder.create(ProfileSchema.numeric(List.of("x", "y")), SETTINGS)
                        .add(new double[] {Double.NaN, 1})
                        .add(new double[] {Double.POSITIVE_INFINITY, 2})
                        .build(METADATA);
        NumericFeatureProfile x = profile.numeric("x");
        assertThat(x.count()).isZero();
        assertThat(x.missingRate()).isEqualTo(1.0);
        assertThat(x.mean()).isNaN();
        assertThat(x.quantile(0.5)).isNaN();
        assertThat(x.binCounts()).containsExactly(0);
        assertThat(profile.multivariate().orElseThrow().rows()).isZero();
        assertThat(profile.multivariate().orElseThrow().pca()).isEmpty();
    }
}
