package io.warden.detectors.multivariate;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;

/**
 * What the multivariate drift tests need from reference data, over its complete rows (rows with a
 * finite value for every numeric feature):
 *
 * <ul>
 *   <li>the {@link Covariance} statistics (count, mean, co-moment), mergeable exactly;
 *   <li>a uniform {@link RowSample} of the rows (a seeded reservoir), mergeable in distribution,
 *       the reference sample for {@link Mmd};
 *   <li>the {@link PcaDriftReference}: a {@link PcaReconstruction} fitted on the covariance and the
 *       reconstruction errors of the sampled rows. It is derived from the two parts above, so after
 *       a merge it is fitted anew on the merged parts. Absent with fewer than 2 rows.
 * </ul>
 *
 * Instances are immutable and thread-safe.
 */
public final class MultivariateReference implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Covariance covariance;
    private final RowSample sample;
    private final PcaDriftReference pca; // null without enough rows

    private MultivariateReference(Covariance covariance, RowSample sample, PcaDriftReference pca) {
        this.covariance = covariance;
        this.sample = sample;
        this.pca = pca;
    }

    /**
     * The reference of the given parts, fitting the PCA model with the given variance share when
     * there are at least 2 rows.
     *
     * @throws IllegalArgumentException if the parts disagree (see {@link #of})
     */
    public static MultivariateReference build(
            Covariance covariance, RowSample sample, double varianceShare) {
        Objects.requireNonNull(covariance, "covariance");
        Objects.requireNonNull(sample, "sample");
        PcaDriftReference pca =
                covariance.count() >= 2
                        ? PcaDriftReference.of(
                                PcaReconstruction.fit(covariance, varianceShare), sample)
                        : null;
        return of(covariance, sample, pca);
    }

    /**
     * The reference of its parts, e.g. read from a file.
     *
     * @param pca the PCA drift reference, or null when there are fewer than 2 rows
     * @throws IllegalArgumentException if the dimensions differ, the sample was not drawn from the
     *     covariance's rows (its {@code seen} differs from the count), or the PCA model is missing
     *     with 2 or more rows or present with fewer
     */
    public static MultivariateReference of(
            Covariance covariance, RowSample sample, PcaDriftReference pca) {
        Objects.requireNonNull(covariance, "covariance");
        Objects.requireNonNull(sample, "sample");
        int d = covariance.dimension();
        if (sample.width() != d) {
            throw new IllegalArgumentException(
                    "sample width " + sample.width() + " differs from dimension " + d);
        }
        if (sample.seen() != covariance.count()) {
            throw new IllegalArgumentException(
                    "sample was drawn from "
                            + sample.seen()
                            + " rows, but the covariance counts "
                            + covariance.count());
        }
        if ((pca != null) != (covariance.count() >= 2)) {
            throw new IllegalArgumentException(
                    "a PCA model is required exactly when there are at least 2 rows, have "
                            + covariance.count()
                            + (pca == null ? " and none" : " and one"));
        }
        if (pca != null && pca.reconstruction().dimension() != d) {
            throw new IllegalArgumentException(
                    "PCA dimension "
                            + pca.reconstruction().dimension()
                            + " differs from dimension "
                            + d);
        }
        return new MultivariateReference(covariance, sample, pca);
    }

    /** Number of numeric features, d. */
    public int dimension() {
        return covariance.dimension();
    }

    /** Number of complete reference rows. */
    public long rows() {
        return covariance.count();
    }

    /** The covariance statistics of the complete rows. */
    public Covariance covariance() {
        return covariance;
    }

    /** A uniform sample of the complete rows. */
    public RowSample sample() {
        return sample;
    }

    /** The PCA drift reference, absent with fewer than 2 rows. */
    public Optional<PcaDriftReference> pca() {
        return Optional.ofNullable(pca);
    }

    /**
     * A builder for an MMD test against the sampled rows, standardized with the reference mean and
     * standard deviation (the PCA model's) when there are at least 2 rows.
     *
     * @throws IllegalArgumentException if fewer than 2 rows are sampled
     */
    public Mmd.Builder mmd() {
        Mmd.Builder builder = Mmd.builder(sample);
        if (pca != null) {
            PcaReconstruction model = pca.reconstruction();
            builder.standardize(model.center(), model.scale());
        }
        return builder;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultivariateReference other
                && covariance.equals(other.covariance)
                && sample.equals(other.sample)
                && Objects.equals(pca, other.pca);
    }

    @Override
    public int hashCode() {
        return Objects.hash(covariance, sample, pca);
    }

    @Override
    public String toString() {
        return "MultivariateReference[" + covariance + ", " + sample + ", " + pca + "]";
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        try {
            of(covariance, sample, pca);
        } catch (IllegalArgumentException | NullPointerException e) {
            InvalidObjectException invalid =
                    new InvalidObjectException("invalid MultivariateReference: " + e.getMessage());
            invalid.initCause(e);
            throw invalid;
        }
    }
}
