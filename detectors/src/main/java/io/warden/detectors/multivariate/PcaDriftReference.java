package io.warden.detectors.multivariate;

import io.warden.detectors.calibration.EmpiricalReference;
import io.warden.detectors.core.Direction;
import java.io.Serializable;
import java.util.Objects;

/**
 * Multivariate drift by PCA reconstruction error, NannyML's method (<a
 * href="https://nannyml.readthedocs.io/en/stable/how_it_works/multivariate_drift.html">How it
 * works: Multivariate Drift Detection</a>): a {@link PcaReconstruction} fitted on reference data,
 * the distribution of the reference rows' reconstruction errors, and thresholds for a window's mean
 * error.
 *
 * <p>A change in the correlation structure of the inputs moves the window's mean error even when
 * every feature's own distribution stays the same, which univariate tests cannot see.
 *
 * <p><b>Thresholds</b> ({@link #thresholds(int)}). NannyML splits the reference data into chunks of
 * the monitoring chunk size, computes each chunk's mean error, and alerts outside their mean
 * &plusmn; 3 standard deviations. Here the reference errors are those of a uniform sample of the
 * reference rows (a {@link RowSample}, since a one-pass profile cannot revisit every row), so the
 * sample is put in a seeded random order and split into disjoint chunks of the window size, as
 * NannyML splits its reference. When the sample holds fewer than {@value #MIN_DISJOINT_CHUNKS} such
 * chunks (windows large compared with the sample), {@value #BOOTSTRAP_CHUNKS} chunks are drawn with
 * replacement instead: the bootstrap estimate of the same spread (about &sigma;/&radic;n for chunks
 * of n rows). Both are deterministic.
 *
 * <p>Per request, {@link #pValue(double[])} ranks one row's error against the reference errors (a
 * conformal p-value, see {@link EmpiricalReference}): a per-request outlier score.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PcaDriftReference implements Serializable {

    private static final long serialVersionUID = 1L;

    /** NannyML's default distance of the thresholds from the mean, in standard deviations. */
    public static final double DEFAULT_MULTIPLIER = 3.0;

    /** The fewest disjoint reference chunks used before falling back to bootstrap chunks. */
    public static final int MIN_DISJOINT_CHUNKS = 10;

    /** Number of bootstrap chunks when disjoint chunks are too few. */
    public static final int BOOTSTRAP_CHUNKS = 200;

    private static final long CHUNK_SEED = 0x5741_5244_454E_4348L;

    private final PcaReconstruction reconstruction;
    private final EmpiricalReference errors;

    private PcaDriftReference(PcaReconstruction reconstruction, EmpiricalReference errors) {
        this.reconstruction = reconstruction;
        this.errors = errors;
    }

    /**
     * The drift reference of a model and the reconstruction errors of reference rows.
     *
     * @throws IllegalArgumentException if the sample is empty or its width is not the model's
     *     dimension
     */
    public static PcaDriftReference of(PcaReconstruction reconstruction, RowSample referenceRows) {
        Objects.requireNonNull(reconstruction, "reconstruction");
        Objects.requireNonNull(referenceRows, "referenceRows");
        if (referenceRows.width() != reconstruction.dimension()) {
            throw new IllegalArgumentException(
                    "reference rows have width "
                            + referenceRows.width()
                            + ", the PCA model dimension "
                            + reconstruction.dimension());
        }
        if (referenceRows.isEmpty()) {
            throw new IllegalArgumentException("need at least one reference row");
        }
        int d = referenceRows.width();
        double[] values = referenceRows.values();
        double[] row = new double[d];
        double[] errors = new double[referenceRows.size()];
        for (int i = 0; i < errors.length; i++) {
            System.arraycopy(values, i * d, row, 0, d);
            errors[i] = reconstruction.error(row);
        }
        return new PcaDriftReference(reconstruction, EmpiricalReference.of(errors, errors.length));
    }

    /** The drift reference of a model and an already computed error distribution. */
    public static PcaDriftReference of(
            PcaReconstruction reconstruction, EmpiricalReference errors) {
        return new PcaDriftReference(
                Objects.requireNonNull(reconstruction, "reconstruction"),
                Objects.requireNonNull(errors, "errors"));
    }

    /** The PCA model. */
    public PcaReconstruction reconstruction() {
        return reconstruction;
    }

    /** The reconstruction errors of the reference rows. */
    public EmpiricalReference errors() {
        return errors;
    }

    /** The reconstruction error of one row; see {@link PcaReconstruction#error}. */
    public double error(double[] row) {
        return reconstruction.error(row);
    }

    /**
     * The conformal p-value of one row's error against the reference errors (high is anomalous).
     */
    public double pValue(double[] row) {
        return errors.pValue(error(row), Direction.HIGH_IS_ANOMALOUS);
    }

    /**
     * The thresholds for windows of {@code chunkSize} rows, {@value #DEFAULT_MULTIPLIER} sd wide.
     */
    public PcaDriftThresholds thresholds(int chunkSize) {
        return thresholds(chunkSize, DEFAULT_MULTIPLIER);
    }

    /**
     * The thresholds for windows of {@code chunkSize} rows (see the class description). Cost: O(n)
     * for n reference errors with disjoint chunks, O({@value #BOOTSTRAP_CHUNKS} chunkSize) with
     * bootstrap chunks.
     *
     * @throws IllegalArgumentException if chunkSize &lt; 1, multiplier is not positive, or the
     *     reference holds fewer than 2 errors
     */
    public PcaDriftThresholds thresholds(int chunkSize, double multiplier) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException(
                    "chunk size must be at least 1, but is " + chunkSize);
        }
        if (!(multiplier > 0.0 && multiplier < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("multiplier must be positive, but is " + multiplier);
        }
        double[] sample = errors.toArray();
        int n = sample.length;
        if (n < 2) {
            throw new IllegalArgumentException(
                    "thresholds need at least 2 reference errors, have " + n);
        }
        SplitMix64 random = new SplitMix64(SplitMix64.mix(CHUNK_SEED, chunkSize));
        int disjoint = n / chunkSize;
        boolean bootstrap = disjoint < MIN_DISJOINT_CHUNKS;
        double[] means;
        if (!bootstrap) {
            for (int i = n - 1; i > 0; i--) { // Fisher-Yates: a seeded random order
                int j = random.nextIntBelow(i + 1);
                double swap = sample[i];
                sample[i] = sample[j];
                sample[j] = swap;
            }
            means = new double[disjoint];
            for (int c = 0; c < disjoint; c++) {
                double sum = 0.0;
                for (int i = c * chunkSize; i < (c + 1) * chunkSize; i++) {
                    sum += sample[i];
                }
                means[c] = sum / chunkSize;
            }
        } else {
            means = new double[BOOTSTRAP_CHUNKS];
            for (int c = 0; c < means.length; c++) {
                double sum = 0.0;
                for (int i = 0; i < chunkSize; i++) {
                    sum += sample[random.nextIntBelow(n)];
                }
                means[c] = sum / chunkSize;
            }
        }
        double mean = 0.0;
        for (double m : means) {
            mean += m;
        }
        mean /= means.length;
        double squares = 0.0;
        for (double m : means) {
            squares += (m - mean) * (m - mean);
        }
        double sd = Math.sqrt(squares / means.length);
        return new PcaDriftThresholds(
                chunkSize,
                means.length,
                bootstrap,
                mean,
                sd,
                multiplier,
                Math.max(0.0, mean - multiplier * sd),
                mean + multiplier * sd);
    }

    /**
     * The verdict on a window's rows: their mean reconstruction error against the thresholds for a
     * window of that size.
     *
     * @throws IllegalArgumentException if there is no row or a row has the wrong length
     */
    public PcaDriftResult assess(double[][] window) {
        double meanError = reconstruction.meanError(window);
        return assess(meanError, window.length);
    }

    /**
     * The verdict on a window whose mean error over {@code rows} rows was computed elsewhere (e.g.
     * summed incrementally with {@link #error}).
     *
     * @throws IllegalArgumentException if rows &lt; 1 or meanError is NaN
     */
    public PcaDriftResult assess(double meanError, int rows) {
        PcaDriftThresholds thresholds = thresholds(rows);
        return new PcaDriftResult(meanError, rows, thresholds, thresholds.breachedBy(meanError));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcaDriftReference other
                && reconstruction.equals(other.reconstruction)
                && errors.equals(other.errors);
    }

    @Override
    public int hashCode() {
        return 31 * reconstruction.hashCode() + errors.hashCode();
    }

    @Override
    public String toString() {
        return "PcaDriftReference[" + reconstruction + ", errors=" + errors + "]";
    }
}
