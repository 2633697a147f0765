package io.warden.jobs.sequential;

import io.warden.detectors.sequential.Adwin;

/**
 * An upper bound on the row at which {@link Adwin} must have detected an abrupt shift of a stream's
 * mean, derived from its cut test with every random quantity taken at {@code z} standard deviations
 * against the detector (the derivation of the detectors module's {@code DelayBounds.adwin},
 * specialised to an abrupt shift). A run beyond it is a z-sigma event or a bug.
 *
 * <p>Values 0 .. c-1 have mean mu0, values from c on mean mu0 + shift, noise sigma. At row t, k = t
 * - c + 1 values are new. The bucket holding the change has at most b = k / (M - 1) + 1 values
 * (every lower row holds at least M - 1 buckets), so the split just after it has n1 = k - b new
 * values in W1 and the c old ones plus at most b new ones in W0, whose mean is pulled towards the
 * new by at most b / (c + b) of the shift. That split is significant when the difference of the
 * expected means, less z standard errors sigma sqrt(1/c + 1/n1), exceeds epsilon_cut with the
 * widest window (t + 1, the largest d = ln(2 ln|W| / delta)) and a window variance of at most
 * sigma^2 (1 + z sqrt(2/|W|)) + shift^2 / 4 + z |shift| sigma / sqrt(|W|). Splits are tested only
 * when the count is a multiple of the clock, so the bound is the next such row.
 */
final class AdwinDelayBound {
    private AdwinDelayBound() {}

    static long row(int changeIndex, double shift, double sigma, Adwin adwin, double z) {
        int m = adwin.maxBuckets();
        int l = adwin.minWindowLength();
        double c = changeIndex;
        double s = Math.abs(shift);
        for (long t = changeIndex; t < changeIndex + 1_000_000L; t++) {
            long k = t - changeIndex + 1;
            long b = k / (m - 1) + 1;
            double n1 = k - b;
            if (n1 < l) {
                continue;
            }
            double difference = s - s * b / (c + b);
            double noise = z * sigma * Math.sqrt(1 / c + 1 / n1);
            double w = t + 1.0;
            double variance =
                    sigma * sigma * (1 + z * Math.sqrt(2 / w))
                            + s * s / 4
                            + z * s * sigma / Math.sqrt(w);
            double d = Math.log(2 * Math.log(w) / adwin.delta());
            double mInverse = 1 / (c - l + 1) + 1 / (n1 - l + 1);
            double epsilon = Math.sqrt(2 * mInverse * variance * d) + 2.0 / 3.0 * d * mInverse;
            if (difference - noise > epsilon) {
                long clock = adwin.clock();
                return (t + 1 + clock - 1) / clock * clock - 1;
            }
        }
        throw new IllegalArgumentException("no bound within a million rows");
    }
}
