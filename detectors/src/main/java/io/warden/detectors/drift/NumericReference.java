package io.warden.detectors.drift;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The reference side of a numeric feature's drift statistics, prepared once and reused for every
 * window: the reference's KLL sketch, its bin edges (normally equal-frequency, see {@link Bins})
 * with the reference proportions in them, and its standard deviation for the normalised Wasserstein
 * distance.
 *
 * <p>The sketch is copied at construction (later updates to the caller's sketch do not leak in),
 * and everything the statistics need from it is derived then, so a comparison with a window does no
 * work on the reference side. The standard deviation is the one of the sketch's weighted retained
 * items unless given (a profile that keeps exact moments can pass its own).
 *
 * <p>Immutable and thread-safe. Serializable (so a Flink operator can hold it) through a compact
 * form: the sketch's bytes, the edges and the standard deviation; reading it back re-validates
 * them.
 */
public final class NumericReference implements Serializable {

    private static final long serialVersionUID = 1L;

    private final byte[] sketchBytes;
    private final double[] edges;
    private final double standardDeviation;
    private final boolean standardDeviationGiven;

    // Derived from the above at construction; rebuilt, never stored, by deserialization.
    private final transient StepCdf cdf;
    private final transient double[] binProportions;
    private final transient double rankErrorBound;
    private final transient int k;
    private final transient WindowBins windowBins;

    private NumericReference(KllDoublesSketch sketch, double[] edges, double givenStd) {
        Sketches.requireNotEmpty(sketch, "reference");
        Bins.requireEdges(edges);
        this.sketchBytes = sketch.toByteArray();
        KllDoublesSketch copy = KllDoublesSketch.heapify(Memory.wrap(sketchBytes));
        this.edges = edges.clone();
        this.cdf = Wasserstein.finite(StepCdf.ofSketch(copy, "reference"), "reference");
        this.binProportions = Bins.proportions(copy, this.edges);
        this.rankErrorBound = Sketches.rankErrorBound(copy);
        this.k = copy.getK();
        this.windowBins = WindowBins.of(copy, this.edges, WindowBins.DEFAULT_FINE_BINS);
        this.standardDeviationGiven = !Double.isNaN(givenStd);
        if (standardDeviationGiven) {
            Wasserstein.requireStandardDeviation(givenStd);
            this.standardDeviation = givenStd;
        } else {
            this.standardDeviation = cdf.standardDeviation();
        }
    }

    /**
     * A reference with {@code bins} equal-frequency bins taken from the sketch itself.
     *
     * @throws IllegalArgumentException if the sketch is empty or holds an infinite value, or bins
     *     &lt; 1
     */
    public static NumericReference of(KllDoublesSketch sketch, int bins) {
        return new NumericReference(sketch, Bins.equalFrequencyEdges(sketch, bins), Double.NaN);
    }

    /**
     * A reference with precomputed bin edges (e.g. from a profile).
     *
     * @throws IllegalArgumentException if the sketch is empty or holds an infinite value, or the
     *     edges are invalid (see {@link Bins#requireEdges(double[])})
     */
    public static NumericReference of(KllDoublesSketch sketch, double[] edges) {
        return new NumericReference(sketch, edges, Double.NaN);
    }

    /**
     * A reference with precomputed bin edges and a known standard deviation (population, ddof = 0).
     *
     * @throws IllegalArgumentException as {@link #of(KllDoublesSketch, double[])}, or if the
     *     standard deviation is negative or not finite
     */
    public static NumericReference of(
            KllDoublesSketch sketch, double[] edges, double standardDeviation) {
        if (Double.isNaN(standardDeviation)) {
            throw new IllegalArgumentException("reference standard deviation must not be NaN");
        }
        return new NumericReference(sketch, edges, standardDeviation);
    }

    /** The number of values the reference sketch has seen. */
    public long count() {
        return cdf.total();
    }

    /** The reference sketch's k. */
    public int k() {
        return k;
    }

    /** The reference sketch's rank-error bound (0 if it holds every value). */
    public double rankErrorBound() {
        return rankErrorBound;
    }

    /** The standard deviation the normalised Wasserstein distance divides by (before flooring). */
    public double standardDeviation() {
        return standardDeviation;
    }

    /** A copy of the bin edges. */
    public double[] binEdges() {
        return edges.clone();
    }

    /** A copy of the reference's proportion in each bin. */
    public double[] binProportions() {
        return binProportions.clone();
    }

    /**
     * The fixed fine bins a window of this feature counts its values in, for the deterministic
     * comparison {@link UnivariateDrift#numeric(NumericReference, long[], double, double)}.
     */
    public WindowBins windowBins() {
        return windowBins;
    }

    /** A fresh copy of the reference sketch. */
    public KllDoublesSketch sketch() {
        return KllDoublesSketch.heapify(Memory.wrap(sketchBytes));
    }

    StepCdf cdf() {
        return cdf;
    }

    double[] edgesUnsafe() {
        return edges;
    }

    double[] binProportionsUnsafe() {
        return binProportions;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NumericReference other
                && Arrays.equals(sketchBytes, other.sketchBytes)
                && Arrays.equals(edges, other.edges)
                && standardDeviationGiven == other.standardDeviationGiven
                && Double.compare(standardDeviation, other.standardDeviation) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                Arrays.hashCode(sketchBytes), Arrays.hashCode(edges), standardDeviation);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "NumericReference[n=%d, k=%d, bins=%d, std=%s]",
                count(),
                k,
                edges.length - 1,
                standardDeviation);
    }

    // Serialization proxy (Effective Java, item 90): the sketch's own bytes, the edges and the
    // standard deviation; everything else is derived again, through the same validation.

    private Object writeReplace() {
        return new SerializedForm(
                sketchBytes, edges, standardDeviationGiven ? standardDeviation : Double.NaN);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("NumericReference is read through its serialized form");
    }

    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;

        private final byte[] sketch;
        private final double[] edges;
        private final double standardDeviation;

        SerializedForm(byte[] sketch, double[] edges, double standardDeviation) {
            this.sketch = sketch;
            this.edges = edges;
            this.standardDeviation = standardDeviation;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                return new NumericReference(
                        KllDoublesSketch.heapify(Memory.wrap(sketch)), edges, standardDeviation);
            } catch (RuntimeException e) {
                InvalidObjectException invalid =
                        new InvalidObjectException("invalid NumericReference: " + e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }
}
