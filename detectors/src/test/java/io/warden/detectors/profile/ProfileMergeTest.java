package io.warden.detectors.profile;

import static io.warden.detectors.profile.ProfileBuilderTest.METADATA;
import static io.warden.detectors.profile.ReferenceRows.DATA;
import static io.warden.detectors.profile.ReferenceRows.SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.warden.detectors.multivariate.Covariance;
import io.warden.detectors.multivariate.MultivariateReference;
import io.warden.detectors.multivariate.PcaReconstruction;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/** Profiles of shards, merged, against the profile of the whole. */
class ProfileMergeTest {

    /** Samples smaller than the data, so that merging has to subsample. */
    static final ProfileSettings SETTINGS =
            ProfileSettings.defaults().withConfidenceSampleSize(3000).withRowSampleSize(1500);

    static final int[] CUTS = {0, 1000, 13_000, 20_000};

    static final ReferenceProfile WHOLE =
            DATA.addTo(ProfileBuilder.create(SCHEMA, SETTINGS), 0, DATA.rows()).build(METADATA);

    static ReferenceProfile shard(int i) {
        return DATA.addTo(ProfileBuilder.create(SCHEMA, SETTINGS), CUTS[i], CUTS[i + 1])
                .build(METADATA.withId("shard-" + i));
    }

    /** Merged as profiles (e.g. read from files): shard 0 + shard 1, then + shard 2. */
    static final ReferenceProfile MERGED_PROFILES =
            ProfileBuilder.merge(
                    ProfileBuilder.merge(shard(0), shard(1), METADATA), shard(2), METADATA);

    /** Merged as live builders. */
    static final ReferenceProfile MERGED_BUILDERS = mergedBuilders();

    private static ReferenceProfile mergedBuilders() {
        ProfileBuilder merged = ProfileBuilder.create(SCHEMA, SETTINGS);
        for (int i = 2; i >= 0; i--) {
            merged.merge(DATA.addTo(ProfileBuilder.create(SCHEMA, SETTINGS), CUTS[i], CUTS[i + 1]));
        }
        return merged.build(METADATA);
    }

    @Test
    void countsExtremesPriorsAndExactCategoriesMergeExactly() {
        for (ReferenceProfile merged : new ReferenceProfile[] {MERGED_PROFILES, MERGED_BUILDERS}) {
            assertThat(merged.rows()).isEqualTo(WHOLE.rows());
            for (int j = 0; j < 3; j++) {
                NumericFeatureProfile m = merged.numeric(j);
                NumericFeatureProfile w = WHOLE.numeric(j);
                assertThat(m.count()).isEqualTo(w.count());
                assertThat(m.missing()).isEqualTo(w.missing());
                assertThat(m.min()).isEqualTo(w.min());
                assertThat(m.max()).isEqualTo(w.max());
                assertThat(m.sketch().getN()).isEqualTo(w.count());
            }
            CategoricalFeatureProfile mc = merged.categorical("colour");
            CategoricalFeatureProfile wc = WHOLE.categorical("colour");
            assertThat(mc.isExact()).isTrue();
            assertThat(mc.top()).isEqualTo(wc.top());
            assertThat(mc.other()).isEqualTo(wc.other());
            assertThat(mc.missing()).isEqualTo(wc.missing());
            PredictionProfile mp = merged.predictions().orElseThrow();
            PredictionProfile wp = WHOLE.predictions().orElseThrow();
            assertThat(mp.priorCounts()).containsExactly(wp.priorCounts());
            assertThat(mp.confidenceSample().seen()).isEqualTo(wp.confidenceSample().seen());
            assertThat(mp.confidenceSample().size()).isEqualTo(wp.confidenceSample().size());
        }
    }

    @Test
    void meansVariancesAndCovarianceMergeToRounding() {
        for (ReferenceProfile merged : new ReferenceProfile[] {MERGED_PROFILES, MERGED_BUILDERS}) {
            for (int j = 0; j < 3; j++) {
                NumericFeatureProfile m = merged.numeric(j);
                NumericFeatureProfile w = WHOLE.numeric(j);
                assertThat(m.mean()).isCloseTo(w.mean(), within(1e-12 * (1 + Math.abs(w.mean()))));
                assertThat(m.variance()).isCloseTo(w.variance(), within(1e-12 * w.variance()));
            }
            Covariance mc = merged.multivariate().orElseThrow().covariance();
            Covariance wc = WHOLE.multivariate().orElseThrow().covariance();
            assertThat(mc.count()).isEqualTo(wc.count());
            for (int i = 0; i < 3; i++) {
                assertThat(mc.mean(i))
                        .isCloseTo(wc.mean(i), within(1e-12 * (1 + Math.abs(wc.mean(i)))));
                for (int k = 0; k < 3; k++) {
                    double scale = Math.sqrt(wc.comoment(i, i) * wc.comoment(k, k));
                    assertThat(mc.comoment(i, k))
                            .isCloseTo(wc.comoment(i, k), within(1e-12 * scale));
                }
            }
        }
    }

    @Test
    void thePcaModelIsRefittedOnTheMergedCovariance() {
        PcaReconstruction merged =
                MERGED_PROFILES.multivariate().orElseThrow().pca().orElseThrow().reconstruction();
        PcaReconstruction whole =
                WHOLE.multivariate().orElseThrow().pca().orElseThrow().reconstruction();
        assertThat(merged.componentCount()).isEqualTo(whole.componentCount());
        double[] mr = merged.explainedVarianceRatio();
        double[] wr = whole.explainedVarianceRatio();
        for (int i = 0; i < wr.length; i++) {
            assertThat(mr[i]).isCloseTo(wr[i], within(1e-10));
        }
        double[] row = DATA.numeric()[0].clone();
        row[0] = 12.5;
        assertThat(merged.error(row)).isCloseTo(whole.error(row), within(1e-9));
    }

    @Test
    void mergedSketchesStayWithinTheirErrorBoundOfTheExactQuantiles() {
        for (ReferenceProfile merged : new ReferenceProfile[] {MERGED_PROFILES, MERGED_BUILDERS}) {
            for (NumericFeatureProfile f : merged.numeric()) {
                for (int percent = 1; percent <= 99; percent++) {
                    double p = percent / 100.0;
                    ProfileBuilderTest.assertQuantileWithinRankError(f, p, f.quantile(p));
                }
                long[] exact = ProfileBuilderTest.exactBinCounts(f.index(), f.binEdges());
                double tolerance = 2 * f.normalizedRankError() * f.count();
                for (int b = 0; b < exact.length; b++) {
                    assertThat((double) f.binCount(b))
                            .as("%s bin %d", f.name(), b)
                            .isCloseTo(exact[b], within(tolerance));
                }
            }
        }
    }

    @Test
    void mergedSamplesAreDistributedAsTheWholesSamples() {
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
        for (ReferenceProfile merged : new ReferenceProfile[] {MERGED_PROFILES, MERGED_BUILDERS}) {
            PredictionProfile mp = merged.predictions().orElseThrow();
            PredictionProfile wp = WHOLE.predictions().orElseThrow();
            for (int column = 0; column < 3; column++) {
                assertThat(
                                ks.kolmogorovSmirnovTest(
                                        mp.confidenceSample().column(column),
                                        wp.confidenceSample().column(column)))
                        .as("confidence column %d", column)
                        .isGreaterThan(0.001);
            }
            MultivariateReference mm = merged.multivariate().orElseThrow();
            MultivariateReference wm = WHOLE.multivariate().orElseThrow();
            assertThat(mm.sample().seen()).isEqualTo(wm.sample().seen());
            assertThat(mm.sample().size()).isEqualTo(wm.sample().size());
            for (int column = 0; column < 3; column++) {
                assertThat(
                                ks.kolmogorovSmirnovTest(
                                        mm.sample().column(column), wm.sample().column(column)))
                        .as("row sample column %d", column)
                        .isGreaterThan(0.001);
            }
            double[] mergedErrors = mm.pca().orElseThrow().errors().toArray();
            double[] wholeErrors = wm.pca().orElseThrow().errors().toArray();
            assertThat(ks.kolmogorovSmirnovTest(mergedErrors, wholeErrors)).isGreaterThan(0.001);
            var mt = mm.pca().orElseThrow().thresholds(100);
            var wt = wm.pca().orElseThrow().thresholds(100);
            assertThat(mt.upper()).isCloseTo(wt.upper(), within(0.1 * wt.upper()));
        }
    }

    @Test
    void mergingIsDeterministic() {
        assertThat(
                        ProfileBuilder.merge(
                                ProfileBuilder.merge(shard(0), shard(1), METADATA),
                                shard(2),
                                METADATA))
                .isEqualTo(MERGED_PROFILES);
    }

    @Test
    void onlyProfilesOfTheSameSchemaAndSettingsMerge() {
        ReferenceProfile other =
                DATA.addTo(ProfileBuilder.create(SCHEMA, SETTINGS.withKllK(200)), 0, 10)
                        .build(METADATA);
        assertThatThrownBy(() -> ProfileBuilder.merge(WHOLE, other, METADATA))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different settings");
        ReferenceProfile numericOnly =
                ProfileBuilder.create(ProfileSchema.numeric(ReferenceRows.NUMERIC), SETTINGS)
                        .add(new double[] {1, 2, 3})
                        .build(METADATA);
        assertThatThrownBy(() -> ProfileBuilder.from(WHOLE).merge(numericOnly))
                .hasMessageContaining("different schemas");
    }
}
