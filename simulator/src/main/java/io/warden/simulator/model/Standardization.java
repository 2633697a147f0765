package io.warden.simulator.model;

import io.warden.simulator.data.Dataset;
import java.util.Arrays;

/**
 * The input transform a served model applies first, {@code z = (x - center) / scale}, folded into
 * its ONNX graph as a Sub and a Div so that clients send raw feature values.
 *
 * @param center subtracted per feature
 * @param scale divided by per feature, positive
 */
public record Standardization(double[] center, double[] scale) {

    /** Requires one positive, finite scale per center. */
    public Standardization {
        center = center.clone();
        scale = scale.clone();
        if (center.length != scale.length) {
            throw new IllegalArgumentException(
                    center.length + " centers but " + scale.length + " scales");
        }
        for (int i = 0; i < scale.length; i++) {
            if (!(scale[i] > 0) || Double.isInfinite(scale[i]) || !Double.isFinite(center[i])) {
                throw new IllegalArgumentException(
                        "feature " + i + " has center " + center[i] + " and scale " + scale[i]);
            }
        }
    }

    /** The same center and scale for each of {@code d} features, e.g. pixels divided by 16. */
    public static Standardization uniform(int d, double center, double scale) {
        double[] c = new double[d];
        double[] s = new double[d];
        Arrays.fill(c, center);
        Arrays.fill(s, scale);
        return new Standardization(c, s);
    }

    /**
     * Z-scores fitted on reference rows: each feature's mean and population standard deviation (1
     * for a constant feature).
     */
    public static Standardization zScore(Dataset reference) {
        int d = reference.featureCount();
        int n = reference.size();
        double[] mean = new double[d];
        double[] sd = new double[d];
        for (int r = 0; r < n; r++) {
            double[] row = reference.row(r);
            for (int i = 0; i < d; i++) {
                mean[i] += row[i];
            }
        }
        for (int i = 0; i < d; i++) {
            mean[i] /= n;
        }
        for (int r = 0; r < n; r++) {
            double[] row = reference.row(r);
            for (int i = 0; i < d; i++) {
                double e = row[i] - mean[i];
                sd[i] += e * e;
            }
        }
        for (int i = 0; i < d; i++) {
            sd[i] = Math.sqrt(sd[i] / n);
            if (sd[i] == 0) {
                sd[i] = 1;
            }
        }
        return new Standardization(mean, sd);
    }

    /** A copy of the centers. */
    @Override
    public double[] center() {
        return center.clone();
    }

    /** A copy of the scales. */
    @Override
    public double[] scale() {
        return scale.clone();
    }

    /** Number of features. */
    public int dimension() {
        return center.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardization other
                && Arrays.equals(center, other.center)
                && Arrays.equals(scale, other.scale);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(center) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "Standardization[d=" + center.length + "]";
    }
}
