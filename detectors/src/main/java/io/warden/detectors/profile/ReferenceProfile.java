package io.warden.detectors.profile;

import io.warden.detectors.multivariate.MultivariateReference;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A model's reference profile: what its inputs and outputs looked like on reference data (its
 * validation set, or a period of known-good traffic), against which the drift detectors compare
 * windows of live traffic.
 *
 * <ul>
 *   <li>per numeric feature, a {@link NumericFeatureProfile}: counts, missing rate, min/max,
 *       mean/variance, a KLL sketch and equal-frequency bins;
 *   <li>per categorical feature, a {@link CategoricalFeatureProfile}: bounded frequencies;
 *   <li>for a model with class labels, a {@link PredictionProfile}: priors of predicted classes and
 *       the confidence (msp, entropy, margin) distributions;
 *   <li>with at least two numeric features, a {@link MultivariateReference}: covariance, PCA drift
 *       reference and a row sample for MMD, over the complete rows.
 * </ul>
 *
 * Built by {@link ProfileBuilder}, written and read by {@link ProfileIo}. Features are found by
 * position (the row order of the {@link ProfileSchema}) or by name; both are constant-time.
 * Instances are immutable and thread-safe, and Java-serializable for Flink state and closures.
 */
public final class ReferenceProfile implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String id;
    private final Instant created;
    private final String modelName;
    private final String modelVersion; // nullable
    private final String source;
    private final ProfileSettings settings;
    private final ProfileSchema schema;
    private final long rows;
    private final List<NumericFeatureProfile> numeric;
    private final List<CategoricalFeatureProfile> categorical;
    private final PredictionProfile predictions; // nullable
    private final MultivariateReference multivariate; // nullable

    ReferenceProfile(
            ProfileMetadata metadata,
            ProfileSettings settings,
            ProfileSchema schema,
            long rows,
            List<NumericFeatureProfile> numeric,
            List<CategoricalFeatureProfile> categorical,
            PredictionProfile predictions,
            MultivariateReference multivariate) {
        Objects.requireNonNull(metadata, "metadata");
        this.id = Objects.requireNonNull(metadata.id(), "id");
        this.created = metadata.created();
        this.modelName = metadata.modelName();
        this.modelVersion = metadata.modelVersion();
        this.source = metadata.source();
        this.settings = Objects.requireNonNull(settings, "settings");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.rows = rows;
        this.numeric = List.copyOf(numeric);
        this.categorical = List.copyOf(categorical);
        this.predictions = predictions;
        this.multivariate = multivariate;
        validate();
    }

    /** Whether a profile of this schema has a multivariate part: two or more numeric features. */
    static boolean hasMultivariate(ProfileSchema schema) {
        return schema.numericFeatures().size() >= 2;
    }

    private void validate() {
        if (rows < 0) {
            throw new IllegalArgumentException("rows: must not be negative, but is " + rows);
        }
        List<String> numericNames = schema.numericFeatures();
        if (numeric.size() != numericNames.size()) {
            throw new IllegalArgumentException(
                    "numeric: "
                            + numeric.size()
                            + " profiles for "
                            + numericNames.size()
                            + " features");
        }
        for (int i = 0; i < numeric.size(); i++) {
            NumericFeatureProfile f = numeric.get(i);
            if (!f.name().equals(numericNames.get(i)) || f.index() != i) {
                throw new IllegalArgumentException(
                        "numeric[" + i + "]: profile of '" + f.name() + "' #" + f.index());
            }
            if (f.rows() != rows) {
                throw new IllegalArgumentException(
                        "numeric["
                                + i
                                + "]: count + missing = "
                                + f.rows()
                                + ", but the profile has "
                                + rows
                                + " rows");
            }
        }
        List<String> categoricalNames = schema.categoricalFeatures();
        if (categorical.size() != categoricalNames.size()) {
            throw new IllegalArgumentException(
                    "categorical: "
                            + categorical.size()
                            + " profiles for "
                            + categoricalNames.size()
                            + " features");
        }
        for (int i = 0; i < categorical.size(); i++) {
            CategoricalFeatureProfile f = categorical.get(i);
            if (!f.name().equals(categoricalNames.get(i)) || f.index() != i) {
                throw new IllegalArgumentException(
                        "categorical[" + i + "]: profile of '" + f.name() + "' #" + f.index());
            }
            if (f.rows() != rows) {
                throw new IllegalArgumentException(
                        "categorical["
                                + i
                                + "]: count + missing = "
                                + f.rows()
                                + ", but the profile has "
                                + rows
                                + " rows");
            }
        }
        if ((predictions != null) != schema.hasPredictions()) {
            throw new IllegalArgumentException(
                    "predictions: required exactly when the schema has class labels");
        }
        if (predictions != null) {
            if (!predictions.classLabels().equals(schema.classLabels())) {
                throw new IllegalArgumentException(
                        "predictions: class labels "
                                + predictions.classLabels()
                                + " differ from the schema's "
                                + schema.classLabels());
            }
            if (predictions.count() > rows) {
                throw new IllegalArgumentException(
                        "predictions: "
                                + predictions.count()
                                + " predictions in "
                                + rows
                                + " rows");
            }
        }
        if ((multivariate != null) != hasMultivariate(schema)) {
            throw new IllegalArgumentException(
                    "multivariate: required exactly when there are two or more numeric features");
        }
        if (multivariate != null) {
            if (multivariate.dimension() != numericNames.size()) {
                throw new IllegalArgumentException(
                        "multivariate: dimension "
                                + multivariate.dimension()
                                + " for "
                                + numericNames.size()
                                + " numeric features");
            }
            if (multivariate.rows() > rows) {
                throw new IllegalArgumentException(
                        "multivariate: "
                                + multivariate.rows()
                                + " complete rows in "
                                + rows
                                + " rows");
            }
        }
    }

    /** The profile's id; written in drift reports so they name the reference they used. */
    public String id() {
        return id;
    }

    /** When the profile was made, as its builder said. */
    public Instant created() {
        return created;
    }

    /** The model's name. */
    public String modelName() {
        return modelName;
    }

    /** The model's version, if the profile is for one. */
    public Optional<String> modelVersion() {
        return Optional.ofNullable(modelVersion);
    }

    /** A description of the reference data; may be empty. */
    public String source() {
        return source;
    }

    /** The metadata the profile was built with, with its (possibly derived) id. */
    public ProfileMetadata metadata() {
        return new ProfileMetadata(id, created, modelName, modelVersion, source);
    }

    /** How the profile was built. */
    public ProfileSettings settings() {
        return settings;
    }

    /** The features and classes profiled. */
    public ProfileSchema schema() {
        return schema;
    }

    /** Number of reference rows. */
    public long rows() {
        return rows;
    }

    /** The numeric features' profiles, in row order. */
    public List<NumericFeatureProfile> numeric() {
        return numeric;
    }

    /** The profile of the numeric feature at a position. */
    public NumericFeatureProfile numeric(int index) {
        return numeric.get(index);
    }

    /**
     * The profile of a numeric feature by name.
     *
     * @throws IllegalArgumentException if there is no numeric feature of that name
     */
    public NumericFeatureProfile numeric(String name) {
        int index = schema.numericIndex(name);
        if (index < 0) {
            throw new IllegalArgumentException(
                    "no numeric feature '" + name + "' in profile " + id);
        }
        return numeric.get(index);
    }

    /** The categorical features' profiles, in row order. */
    public List<CategoricalFeatureProfile> categorical() {
        return categorical;
    }

    /** The profile of the categorical feature at a position. */
    public CategoricalFeatureProfile categorical(int index) {
        return categorical.get(index);
    }

    /**
     * The profile of a categorical feature by name.
     *
     * @throws IllegalArgumentException if there is no categorical feature of that name
     */
    public CategoricalFeatureProfile categorical(String name) {
        int index = schema.categoricalIndex(name);
        if (index < 0) {
            throw new IllegalArgumentException(
                    "no categorical feature '" + name + "' in profile " + id);
        }
        return categorical.get(index);
    }

    /** The output profile; present exactly when the schema has class labels. */
    public Optional<PredictionProfile> predictions() {
        return Optional.ofNullable(predictions);
    }

    /** The multivariate reference; present exactly when there are two or more numeric features. */
    public Optional<MultivariateReference> multivariate() {
        return Optional.ofNullable(multivariate);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReferenceProfile other
                && id.equals(other.id)
                && created.equals(other.created)
                && modelName.equals(other.modelName)
                && Objects.equals(modelVersion, other.modelVersion)
                && source.equals(other.source)
                && settings.equals(other.settings)
                && schema.equals(other.schema)
                && rows == other.rows
                && numeric.equals(other.numeric)
                && categorical.equals(other.categorical)
                && Objects.equals(predictions, other.predictions)
                && Objects.equals(multivariate, other.multivariate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, created, modelName, modelVersion, rows, numeric, categorical);
    }

    @Override
    public String toString() {
        return "ReferenceProfile["
                + id
                + ", model "
                + modelName
                + (modelVersion == null ? "" : " " + modelVersion)
                + ", "
                + rows
                + " rows, "
                + numeric.size()
                + " numeric, "
                + categorical.size()
                + " categorical"
                + (predictions == null ? "" : ", " + predictions.classCount() + " classes")
                + "]";
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        try {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(created, "created");
            Objects.requireNonNull(modelName, "modelName");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(numeric, "numeric");
            Objects.requireNonNull(categorical, "categorical");
            validate();
        } catch (IllegalArgumentException | NullPointerException e) {
            InvalidObjectException invalid =
                    new InvalidObjectException("invalid ReferenceProfile: " + e.getMessage());
            invalid.initCause(e);
            throw invalid;
        }
    }
}
