package io.warden.detectors.profile;

import io.warden.detectors.confidence.Confidence;
import io.warden.detectors.multivariate.Covariance;
import io.warden.detectors.multivariate.MultivariateReference;
import io.warden.detectors.multivariate.RowSample;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * Builds a {@link ReferenceProfile} from reference rows streamed one at a time, in bounded memory,
 * and merges the builders (or profiles) of shards of a data set into the profile of the whole.
 *
 * <pre>{@code
 * ProfileSchema schema = ProfileSchema.of(List.of("age", "income"), List.of("country"), List.of("no", "yes"));
 * ProfileBuilder builder = ProfileBuilder.create(schema, ProfileSettings.defaults());
 * for (Row r : referenceRows) {
 *     builder.add(new double[] {r.age(), r.income()}, new String[] {r.country()}, r.probabilities());
 * }
 * ReferenceProfile profile = builder.build(ProfileMetadata.of(Instant.parse("2026-11-25T00:00:00Z"), "churn"));
 * ProfileIo.write(profile, Path.of("churn-profile.json"));
 * }</pre>
 *
 * <p><b>Memory.</b> Per numeric feature a KLL sketch (about 10 kB at k = 400) and three numbers;
 * per categorical feature a frequent items sketch of at most {@code categoryMapSize} values; for
 * the predictions, one count per class and {@code confidenceSampleSize} &times; 3 doubles; for two
 * or more numeric features, d&sup2; doubles of co-moments and {@code rowSampleSize} &times; d
 * doubles of sampled rows. Nothing grows with the number of rows.
 *
 * <p><b>Cost per row.</b> One KLL update per finite numeric value, d(d+1)/2 multiply-adds for the
 * co-moments of a complete row, one frequent-items update per categorical value and one confidence
 * computation per probability vector.
 *
 * <p><b>Merging</b> ({@link #merge(ProfileBuilder)}, {@link #merge(ReferenceProfile,
 * ReferenceProfile, ProfileMetadata)}): the parts of two shards combine as follows.
 *
 * <ul>
 *   <li><i>Exact:</i> row counts, per-feature counts and missing counts, min and max, class prior
 *       counts, and categorical counts while both shards' frequent-items sketches are exact.
 *   <li><i>Exact up to floating-point rounding</i> (relative differences around 1e-12 or better):
 *       per-feature mean and variance and the covariance statistics (Chan et al.'s pairwise
 *       formulas), hence the PCA model fitted on them (components, explained variance).
 *   <li><i>Approximate within the sketch's guarantee:</i> the merged KLL sketch has the error bound
 *       of a sketch of the whole, so quantiles, bin edges and bin counts agree with the whole's
 *       within it (not bit for bit); merged frequent-items counts stay within their error bound.
 *   <li><i>Equal in distribution:</i> the row sample and the confidence sample are again uniform
 *       samples of the whole (see {@link RowSample.Reservoir#merge}) but a different draw, so the
 *       confidence references, the PCA reference errors and the thresholds derived from them match
 *       the whole's statistically, not exactly.
 * </ul>
 *
 * <p><b>Determinism.</b> The same rows in the same order with the same settings give the same
 * profile, byte for byte once written: every sample is seeded from {@link ProfileSettings#seed()},
 * and KLL's coin flips are re-seeded per update (see {@code DeterministicKll}). Merging is
 * deterministic too, but merge(a, b) and merge(b, a) are different draws.
 *
 * <p>Not thread-safe: one builder per thread or shard, then merge.
 */
public final class ProfileBuilder {

    /** The placeholder id written while deriving an id from a profile's content. */
    static final String DERIVED_ID_PREFIX = "sha256:";

    private final ProfileSchema schema;
    private final ProfileSettings settings;
    private long rows;
    private final NumericState[] numeric;
    private final KllDoublesSketch[] sketches;
    private final long[] sketchSeeds;
    private final CategoricalState[] categorical;
    private final long[] priors; // null without class labels
    private RowSample.Reservoir confidence; // null without class labels
    private Covariance.Accumulator covariance; // null with fewer than 2 numeric features
    private RowSample.Reservoir sample; // null with fewer than 2 numeric features
    private final double[] scratch = new double[3];

    private ProfileBuilder(ProfileSchema schema, ProfileSettings settings) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.settings = Objects.requireNonNull(settings, "settings");
        int d = schema.numericFeatures().size();
        numeric = new NumericState[d];
        sketches = new KllDoublesSketch[d];
        sketchSeeds = new long[d];
        for (int j = 0; j < d; j++) {
            numeric[j] = new NumericState();
            sketches[j] = KllDoublesSketch.newHeapInstance(settings.kllK());
            sketchSeeds[j] = mix(settings.seed(), 1_000 + j);
        }
        categorical = new CategoricalState[schema.categoricalFeatures().size()];
        for (int j = 0; j < categorical.length; j++) {
            categorical[j] = new CategoricalState(new ItemsSketch<>(settings.categoryMapSize()));
        }
        if (schema.hasPredictions()) {
            priors = new long[schema.classLabels().size()];
            confidence =
                    new RowSample.Reservoir(
                            settings.confidenceSampleSize(), 3, mix(settings.seed(), 1));
        } else {
            priors = null;
            confidence = null;
        }
        if (ReferenceProfile.hasMultivariate(schema)) {
            covariance = Covariance.accumulator(d);
            sample = new RowSample.Reservoir(settings.rowSampleSize(), d, mix(settings.seed(), 2));
        } else {
            covariance = null;
            sample = null;
        }
    }

    /** An empty builder. */
    public static ProfileBuilder create(ProfileSchema schema, ProfileSettings settings) {
        return new ProfileBuilder(schema, settings);
    }

    /**
     * A builder that continues from a profile, e.g. one read from a file: adding rows or merging
     * into it gives what a builder over the profile's rows and the new ones would (with the
     * exactness described in the class description).
     */
    public static ProfileBuilder from(ReferenceProfile profile) {
        Objects.requireNonNull(profile, "profile");
        ProfileBuilder builder = new ProfileBuilder(profile.schema(), profile.settings());
        builder.absorb(profile);
        return builder;
    }

    /** Loads a profile's state into this empty builder. */
    private void absorb(ReferenceProfile profile) {
        rows = profile.rows();
        for (int j = 0; j < numeric.length; j++) {
            NumericFeatureProfile f = profile.numeric(j);
            sketches[j] = KllDoublesSketch.heapify(Memory.wrap(f.sketchBytes()));
            numeric[j].missing = f.missing();
            numeric[j].count = f.count();
            numeric[j].mean = f.count() == 0 ? 0.0 : f.mean();
            numeric[j].m2 = f.count() == 0 ? 0.0 : f.variance() * f.count();
        }
        for (int j = 0; j < categorical.length; j++) {
            CategoricalFeatureProfile f = profile.categorical(j);
            categorical[j] = new CategoricalState(f.frequentItems());
            categorical[j].missing = f.missing();
        }
        PredictionProfile p = profile.predictions().orElse(null);
        if (p != null) {
            System.arraycopy(p.priorCounts(), 0, priors, 0, priors.length);
            confidence =
                    RowSample.Reservoir.resume(
                            p.confidenceSample(),
                            settings.confidenceSampleSize(),
                            mix(settings.seed(), 1 + 31 * p.count()));
        }
        MultivariateReference m = profile.multivariate().orElse(null);
        if (m != null) {
            covariance = Covariance.Accumulator.resume(m.covariance());
            sample =
                    RowSample.Reservoir.resume(
                            m.sample(),
                            settings.rowSampleSize(),
                            mix(settings.seed(), 2 + 31 * m.rows()));
        }
    }

    /**
     * Adds a row of numeric values only (NaN for a missing one), for a schema without categorical
     * features; no prediction.
     *
     * @throws IllegalArgumentException as for {@link #add(double[], String[], double[])}
     */
    public ProfileBuilder add(double[] numericValues) {
        return add(numericValues, null, null);
    }

    /**
     * Adds one reference row. Nothing is added when the row is rejected.
     *
     * @param numericValues one value per numeric feature, in schema order; NaN or infinite for a
     *     missing value; may be null only without numeric features
     * @param categoricalValues one value per categorical feature, in schema order, null for a
     *     missing one; the array may be null for "all missing"
     * @param probabilities the model's probability vector for the row, in class-label order, or
     *     null if the row has no prediction
     * @throws IllegalArgumentException if an array's length does not match the schema, or the
     *     probabilities are invalid (as {@link Confidence#ofProbabilities} checks); the message
     *     gives the row's number
     */
    public ProfileBuilder add(
            double[] numericValues, String[] categoricalValues, double[] probabilities) {
        int d = numeric.length;
        if (numericValues == null ? d != 0 : numericValues.length != d) {
            throw rowError(
                    "has "
                            + (numericValues == null ? "no" : numericValues.length)
                            + " numeric values, the schema "
                            + d);
        }
        if (categoricalValues != null && categoricalValues.length != categorical.length) {
            throw rowError(
                    "has "
                            + categoricalValues.length
                            + " categorical values, the schema "
                            + categorical.length);
        }
        Confidence c = null;
        if (probabilities != null) {
            if (priors == null) {
                throw rowError("has probabilities, but the schema has no class labels");
            }
            if (probabilities.length != priors.length) {
                throw rowError(
                        "has "
                                + probabilities.length
                                + " probabilities, the schema "
                                + priors.length
                                + " classes");
            }
            try {
                c = Confidence.ofProbabilities(probabilities);
            } catch (IllegalArgumentException e) {
                throw rowError("probabilities: " + e.getMessage());
            }
        }
        // Validated: now update.
        rows++;
        boolean complete = true;
        for (int j = 0; j < d; j++) {
            double x = numericValues[j];
            if (Double.isFinite(x)) {
                numeric[j].add(x);
            } else {
                numeric[j].missing++;
                complete = false;
            }
        }
        if (d > 0) {
            DeterministicKll.updateFinite(sketches, numericValues, sketchSeeds);
        }
        for (int j = 0; j < categorical.length; j++) {
            String value = categoricalValues == null ? null : categoricalValues[j];
            if (value == null) {
                categorical[j].missing++;
            } else {
                categorical[j].sketch.update(value);
            }
        }
        if (c != null) {
            priors[c.predictedClass()]++;
            scratch[PredictionProfile.MSP] = c.msp();
            scratch[PredictionProfile.ENTROPY] = c.entropy();
            scratch[PredictionProfile.MARGIN] = c.margin();
            confidence.add(scratch);
        }
        if (covariance != null && complete) {
            covariance.add(numericValues);
            sample.add(numericValues);
        }
        return this;
    }

    private IllegalArgumentException rowError(String message) {
        return new IllegalArgumentException("reference row #" + rows + " " + message);
    }

    /**
     * Adds the rows of another shard's builder (left unchanged).
     *
     * @throws IllegalArgumentException if the schemas or settings differ
     */
    public ProfileBuilder merge(ProfileBuilder other) {
        Objects.requireNonNull(other, "other");
        requireCompatible(other.schema, other.settings);
        rows += other.rows;
        for (int j = 0; j < numeric.length; j++) {
            numeric[j].merge(other.numeric[j]);
            DeterministicKll.merge(sketches[j], other.sketches[j], sketchSeeds[j]);
        }
        for (int j = 0; j < categorical.length; j++) {
            categorical[j].sketch.merge(other.categorical[j].sketch);
            categorical[j].missing += other.categorical[j].missing;
        }
        if (priors != null) {
            for (int i = 0; i < priors.length; i++) {
                priors[i] += other.priors[i];
            }
            confidence.merge(other.confidence);
        }
        if (covariance != null) {
            covariance.merge(other.covariance);
            sample.merge(other.sample);
        }
        return this;
    }

    /**
     * Adds the rows of another shard's profile.
     *
     * @throws IllegalArgumentException if the schemas or settings differ
     */
    public ProfileBuilder merge(ReferenceProfile other) {
        return merge(from(other));
    }

    /**
     * The profile of the union of two shards' profiles (see the class description for what is
     * exact), with new metadata.
     *
     * @throws IllegalArgumentException if the schemas or settings differ
     */
    public static ReferenceProfile merge(
            ReferenceProfile a, ReferenceProfile b, ProfileMetadata metadata) {
        return from(a).merge(from(b)).build(metadata);
    }

    private void requireCompatible(ProfileSchema otherSchema, ProfileSettings otherSettings) {
        if (!schema.equals(otherSchema)) {
            throw new IllegalArgumentException(
                    "cannot merge profiles of different schemas: "
                            + schema
                            + " and "
                            + otherSchema);
        }
        if (!settings.equals(otherSettings)) {
            throw new IllegalArgumentException(
                    "cannot merge profiles built with different settings: "
                            + settings
                            + " and "
                            + otherSettings);
        }
    }

    /** Number of rows added so far, including merged ones. */
    public long rows() {
        return rows;
    }

    /** The features and classes profiled. */
    public ProfileSchema schema() {
        return schema;
    }

    /** How the profile is built. */
    public ProfileSettings settings() {
        return settings;
    }

    /**
     * The profile of the rows so far; the builder stays usable. Without an id in the metadata, the
     * id is {@code sha256:} followed by the first 16 hex digits of the SHA-256 of the profile's
     * file bytes ({@link ProfileIo#toBytes}) written with the id {@code "sha256:"}: derived from
     * the content, and checkable by anyone.
     */
    public ReferenceProfile build(ProfileMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        List<NumericFeatureProfile> numericProfiles = new ArrayList<>(numeric.length);
        for (int j = 0; j < numeric.length; j++) {
            NumericState s = numeric[j];
            numericProfiles.add(
                    NumericFeatureProfile.fromSketch(
                            schema.numericFeatures().get(j),
                            j,
                            s.missing,
                            s.count == 0 ? Double.NaN : s.mean,
                            s.count == 0 ? Double.NaN : Math.max(0.0, s.m2 / s.count),
                            sketches[j],
                            settings.bins()));
        }
        List<CategoricalFeatureProfile> categoricalProfiles = new ArrayList<>(categorical.length);
        for (int j = 0; j < categorical.length; j++) {
            categoricalProfiles.add(
                    CategoricalFeatureProfile.fromSketch(
                            schema.categoricalFeatures().get(j),
                            j,
                            categorical[j].missing,
                            categorical[j].sketch,
                            settings.topCategories()));
        }
        PredictionProfile predictions =
                priors == null
                        ? null
                        : PredictionProfile.of(schema.classLabels(), priors, confidence.snapshot());
        MultivariateReference multivariate =
                covariance == null
                        ? null
                        : MultivariateReference.build(
                                covariance.snapshot(),
                                sample.snapshot(),
                                settings.pcaVarianceShare());
        ProfileMetadata withId =
                metadata.id() != null ? metadata : metadata.withId(DERIVED_ID_PREFIX);
        ReferenceProfile profile =
                new ReferenceProfile(
                        withId,
                        settings,
                        schema,
                        rows,
                        numericProfiles,
                        categoricalProfiles,
                        predictions,
                        multivariate);
        if (metadata.id() != null) {
            return profile;
        }
        String id = DERIVED_ID_PREFIX + sha256(ProfileIo.toBytes(profile)).substring(0, 16);
        return new ReferenceProfile(
                metadata.withId(id),
                settings,
                schema,
                rows,
                numericProfiles,
                categoricalProfiles,
                predictions,
                multivariate);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static long mix(long seed, long salt) {
        long z = seed + 0x9E37_79B9_7F4A_7C15L * (salt + 1);
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** Count, mean and sum of squared deviations of a feature's finite values (Welford). */
    private static final class NumericState {
        long count;
        long missing;
        double mean;
        double m2;

        void add(double x) {
            count++;
            double delta = x - mean;
            mean += delta / count;
            m2 += delta * (x - mean);
        }

        /** Chan et al.'s pairwise combination. */
        void merge(NumericState other) {
            missing += other.missing;
            if (other.count == 0) {
                return;
            }
            long n = count + other.count;
            double delta = other.mean - mean;
            m2 += other.m2 + delta * delta * ((double) count * other.count / n);
            mean += delta * ((double) other.count / n);
            count = n;
        }
    }

    /** A categorical feature's frequent-items sketch and missing count. */
    private static final class CategoricalState {
        final ItemsSketch<String> sketch;
        long missing;

        CategoricalState(ItemsSketch<String> sketch) {
            this.sketch = sketch;
        }
    }
}
