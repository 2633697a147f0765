package io.warden.detectors.profile;

import io.warden.detectors.multivariate.PcaReconstruction;
import java.io.Serializable;

/**
 * How a profile is built: sketch sizes, bins, sample sizes and the seed. Profiles merge only when
 * built with equal settings.
 *
 * <p><b>{@code kllK}</b> (default {@value #DEFAULT_KLL_K}): the KLL sketch's accuracy parameter
 * (Karnin, Lang &amp; Liberty, "Optimal Quantile Approximation in Streams", FOCS 2016).
 * DataSketches documents the normalized rank error at 99% confidence (<a
 * href="https://datasketches.apache.org/docs/KLL/KLLAccuracyAndSize.html">KLL Sketch Accuracy and
 * Size</a>; {@code KllSketch.getNormalizedRankError(k, pmf)} in datasketches-java 6.2.0 gives) as
 * about 1.33% single-sided (quantiles, ranks) and 1.65% double-sided (PMF, bin counts) for k = 200,
 * 0.68% / 0.86% for k = 400 and 0.35% / 0.45% for k = 800; a sketch of a million values serializes
 * to about 5, 10 and 19 kB. 400 is the default because a reference should be clearly sharper than
 * what the drift tests resolve in a window: a two-sample Kolmogorov-Smirnov test at 5% on a window
 * of 10,000 rows detects CDF differences of about 1.36/&radic;10,000 = 1.4%, which the reference's
 * error at k = 200 would equal and at k = 400 is half of; PSI/JS over 10 bins of 10% each see
 * per-bin errors of under 1% at k = 400.
 *
 * <p><b>{@code bins}</b> (default {@value #DEFAULT_BINS}): equal-frequency bins per numeric
 * feature. <b>{@code topCategories}</b> (default {@value #DEFAULT_TOP_CATEGORIES}): category values
 * listed per categorical feature; the rest count as "other". <b>{@code categoryMapSize}</b>
 * (default {@value #DEFAULT_CATEGORY_MAP_SIZE}, a power of 2): the map of DataSketches' frequent
 * items sketch, exact up to 0.75 &times; that many distinct values, otherwise counts within
 * 3.5/mapSize of the total. <b>{@code confidenceSampleSize}</b> (default {@value
 * #DEFAULT_CONFIDENCE_SAMPLE_SIZE}): (msp, entropy, margin) triples kept, so p-values down to
 * 1/(n+1). <b>{@code rowSampleSize}</b> (default {@value #DEFAULT_ROW_SAMPLE_SIZE}): complete
 * numeric rows kept for MMD and the PCA error distribution. <b>{@code pcaVarianceShare}</b>
 * (default {@value PcaReconstruction#DEFAULT_VARIANCE_SHARE}, NannyML's). <b>{@code seed}</b>:
 * drives every sample and sketch coin, so a profile depends on its input only.
 *
 * @param kllK KLL accuracy parameter, 8 to 65535
 * @param bins equal-frequency bins per numeric feature, at least 2
 * @param topCategories category values listed per categorical feature, at least 1
 * @param categoryMapSize frequent-items map size, a power of 2 from 8 to 2^26
 * @param confidenceSampleSize confidence triples kept, at least 1
 * @param rowSampleSize complete numeric rows kept, at least 2
 * @param pcaVarianceShare share of variance the PCA components must explain, in (0, 1)
 * @param seed seed of samples and sketches
 */
public record ProfileSettings(
        int kllK,
        int bins,
        int topCategories,
        int categoryMapSize,
        int confidenceSampleSize,
        int rowSampleSize,
        double pcaVarianceShare,
        long seed)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default KLL k: {@value}. */
    public static final int DEFAULT_KLL_K = 400;

    /** Default bins per numeric feature: {@value}. */
    public static final int DEFAULT_BINS = 10;

    /** Default category values listed: {@value}. */
    public static final int DEFAULT_TOP_CATEGORIES = 20;

    /** Default frequent-items map size: {@value}. */
    public static final int DEFAULT_CATEGORY_MAP_SIZE = 1024;

    /** Default confidence triples kept: {@value}. */
    public static final int DEFAULT_CONFIDENCE_SAMPLE_SIZE = 20_000;

    /** Default complete numeric rows kept: {@value}. */
    public static final int DEFAULT_ROW_SAMPLE_SIZE = 2_000;

    /** Default seed. */
    public static final long DEFAULT_SEED = 0x5741_5244_454E_5046L;

    /** Validates every setting; see the parameters. */
    public ProfileSettings {
        if (kllK < 8 || kllK > 65535) {
            throw new IllegalArgumentException("kllK must be in [8, 65535], but is " + kllK);
        }
        if (bins < 2) {
            throw new IllegalArgumentException("bins must be at least 2, but is " + bins);
        }
        if (topCategories < 1) {
            throw new IllegalArgumentException(
                    "topCategories must be at least 1, but is " + topCategories);
        }
        if (categoryMapSize < 8
                || categoryMapSize > (1 << 26)
                || Integer.bitCount(categoryMapSize) != 1) {
            throw new IllegalArgumentException(
                    "categoryMapSize must be a power of 2 in [8, 2^26], but is " + categoryMapSize);
        }
        if (confidenceSampleSize < 1) {
            throw new IllegalArgumentException(
                    "confidenceSampleSize must be at least 1, but is " + confidenceSampleSize);
        }
        if (rowSampleSize < 2) {
            throw new IllegalArgumentException(
                    "rowSampleSize must be at least 2, but is " + rowSampleSize);
        }
        if (!(pcaVarianceShare > 0.0 && pcaVarianceShare < 1.0)) {
            throw new IllegalArgumentException(
                    "pcaVarianceShare must be in (0, 1), but is " + pcaVarianceShare);
        }
    }

    /** The defaults. */
    public static ProfileSettings defaults() {
        return new ProfileSettings(
                DEFAULT_KLL_K,
                DEFAULT_BINS,
                DEFAULT_TOP_CATEGORIES,
                DEFAULT_CATEGORY_MAP_SIZE,
                DEFAULT_CONFIDENCE_SAMPLE_SIZE,
                DEFAULT_ROW_SAMPLE_SIZE,
                PcaReconstruction.DEFAULT_VARIANCE_SHARE,
                DEFAULT_SEED);
    }

    /** These settings with another KLL k. */
    public ProfileSettings withKllK(int k) {
        return new ProfileSettings(
                k,
                bins,
                topCategories,
                categoryMapSize,
                confidenceSampleSize,
                rowSampleSize,
                pcaVarianceShare,
                seed);
    }

    /** These settings with another number of bins. */
    public ProfileSettings withBins(int count) {
        return new ProfileSettings(
                kllK,
                count,
                topCategories,
                categoryMapSize,
                confidenceSampleSize,
                rowSampleSize,
                pcaVarianceShare,
                seed);
    }

    /** These settings with another number of listed categories. */
    public ProfileSettings withTopCategories(int count) {
        return new ProfileSettings(
                kllK,
                bins,
                count,
                categoryMapSize,
                confidenceSampleSize,
                rowSampleSize,
                pcaVarianceShare,
                seed);
    }

    /** These settings with another frequent-items map size. */
    public ProfileSettings withCategoryMapSize(int size) {
        return new ProfileSettings(
                kllK,
                bins,
                topCategories,
                size,
                confidenceSampleSize,
                rowSampleSize,
                pcaVarianceShare,
                seed);
    }

    /** These settings with another confidence sample size. */
    public ProfileSettings withConfidenceSampleSize(int size) {
        return new ProfileSettings(
                kllK,
                bins,
                topCategories,
                categoryMapSize,
                size,
                rowSampleSize,
                pcaVarianceShare,
                seed);
    }

    /** These settings with another row sample size. */
    public ProfileSettings withRowSampleSize(int size) {
        return new ProfileSettings(
                kllK,
                bins,
                topCategories,
                categoryMapSize,
                confidenceSampleSize,
                size,
                pcaVarianceShare,
                seed);
    }

    /** These settings with another PCA variance share. */
    public ProfileSettings withPcaVarianceShare(double share) {
        return new ProfileSettings(
                kllK,
                bins,
                topCategories,
                categoryMapSize,
                confidenceSampleSize,
                rowSampleSize,
                share,
                seed);
    }

    /** These settings with another seed. */
    public ProfileSettings withSeed(long newSeed) {
        return new ProfileSettings(
                kllK,
                bins,
                topCategories,
                categoryMapSize,
                confidenceSampleSize,
                rowSampleSize,
                pcaVarianceShare,
                newSeed);
    }
}
