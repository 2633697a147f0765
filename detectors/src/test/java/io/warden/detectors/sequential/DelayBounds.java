package io.warden.detectors.sequential;

/**
 * Upper bounds on detection delay, derived from each detector's decision rule and the stream's
 * expected values, with every random quantity taken at {@code z} standard deviations against the
 * detector. A seeded run whose delay exceeds the bound is then a z-sigma event (z = 4: about 3e-5
 * per quantity) or a bug. The bounds assume no false alarm before the change (the tests assert that
 * too) and a rise of the mean (a fall is the mirror image).
 */
final class DelayBounds {

    private DelayBounds() {}

    /**
     * The latest index at which {@link Adwin} must have detected a rise that starts at {@code
     * changeIndex}, for a stream of the given expected values (constant mu0 before the change, at
     * least mu0 after it) plus independent noise of standard deviation sigma.
     *
     * <p>At index t, k = t - c + 1 values are new (c = changeIndex). The bucket that holds the
     * change has 2^r values, and every lower row holds at least M - 1 buckets (a row drops to M - 1
     * when it merges and never below; rows only empty from the oldest end), so at least (M - 1)(2^r
     * - 1) new values are newer than it: it has at most b = k / (M - 1) + 1 values. The split just
     * after it is tested, with W1 = the newest k - b' values (b' &le; b of the new values are in
     * that bucket) and W0 = the c old values plus those b'. Against the detector, W1's expected
     * mean is taken as the mean of all k new values (the lowest for a rising ramp), W0's as pulled
     * up by b values at the largest new value, and epsilon_cut with n0 = c and n1 = k - b (the
     * widest). The split is significant when the difference of expected means, less z standard
     * errors sigma sqrt(1/c + 1/(k - b)), exceeds epsilon_cut computed with the widest window t + 1
     * (largest ln ln|W|) and a window variance of at most: the noise's sample variance sigma^2 (1 +
     * z sqrt(2 / |W|)), plus the expected values' spread (max - min)^2 / 4, plus z times the
     * standard deviation of twice their covariance, 2 ((max - min) / 2) sigma / sqrt(|W|). Splits
     * are tested when the count is a multiple of the clock.
     */
    static long adwin(double[] expected, int changeIndex, double sigma, Adwin adwin, double z) {
        double mu0 = expected[0];
        int m = adwin.maxBuckets();
        int l = adwin.minWindowLength();
        double c = changeIndex;
        double highest = mu0;
        double newSum = 0;
        for (int t = changeIndex; t < expected.length; t++) {
            highest = Math.max(highest, expected[t]);
            newSum += expected[t];
            long k = t - changeIndex + 1L;
            long b = k / (m - 1) + 1;
            double n1 = k - b;
            if (n1 < l) {
                continue;
            }
            double mean1 = newSum / k;
            double mean0 = (c * mu0 + b * highest) / (c + b);
            double noise = z * sigma * Math.sqrt(1 / c + 1 / n1);
            double w = t + 1.0;
            double spread = highest - mu0;
            double variance =
                    sigma * sigma * (1 + z * Math.sqrt(2 / w))
                            + spread * spread / 4
                            + z * spread * sigma / Math.sqrt(w);
            double d = Math.log(2 * Math.log(w) / adwin.delta());
            double mInverse = 1 / (c - l + 1) + 1 / (n1 - l + 1);
            double epsilon = Math.sqrt(2 * mInverse * variance * d) + 2.0 / 3.0 * d * mInverse;
            if (mean1 - mean0 - noise > epsilon) {
                long clock = adwin.clock();
                long checkedCount = (t + 1 + clock - 1) / clock * clock;
                return checkedCount - 1;
            }
        }
        throw new IllegalArgumentException("the stream is too short to bound the delay");
    }

    /**
     * After {@link Adwin} detected an abrupt shift of the given size, the most old values that can
     * be left in its window, when {@code newValues} values since the change have been read and the
     * window held {@code width} values before dropping.
     *
     * <p>Old values stay only while no split is significant. The bucket holding the change has at
     * most b = newValues / (M - 1) + 1 values (see {@link #adwin}); the split just before it has W0
     * = the n0 old values in whole buckets and W1 = the n1 = newValues - b new values after it plus
     * that bucket, whose up to b old values dilute W1's mean to at least shift n1 / (n1 + b). That
     * split is significant, and dropping goes on, while the diluted shift less z standard errors
     * exceeds epsilon_cut, with the window variance bounded as in {@link #adwin} and d taken at the
     * widest window. Returns the smallest such n0 plus b.
     */
    static long adwinOldValuesLeft(
            double shift, double sigma, long newValues, long width, Adwin adwin, double z) {
        int l = adwin.minWindowLength();
        long b = newValues / (adwin.maxBuckets() - 1) + 1;
        double n1 = newValues - b;
        if (n1 < l) {
            throw new IllegalArgumentException("too few new values to bound the old ones left");
        }
        double mean1 = shift * n1 / (n1 + b);
        double w = width;
        double d = Math.log(2 * Math.log(w) / adwin.delta());
        for (long n0 = l; n0 < width; n0++) {
            double noise = z * sigma * Math.sqrt(1.0 / n0 + 1 / n1);
            double small = n0 + n1;
            double variance =
                    sigma * sigma * (1 + z * Math.sqrt(2 / small))
                            + shift * shift / 4
                            + z * shift * sigma / Math.sqrt(small);
            double mInverse = 1.0 / (n0 - l + 1) + 1 / (n1 - l + 1);
            double epsilon = Math.sqrt(2 * mInverse * variance * d) + 2.0 / 3.0 * d * mInverse;
            if (mean1 - noise > epsilon) {
                return n0 + b;
            }
        }
        return width;
    }

    /**
     * The latest index at which a {@link PageHinkley} test watching rises must have detected a rise
     * that starts at {@code changeIndex}, for a stream of the given expected values (constant mu0
     * before the change) plus independent noise of standard deviation sigma.
     *
     * <p>With c = changeIndex and no restart before it, PH at index c + k - 1 is at least m_(c+k-1)
     * - m_(c-1), because the minimum M includes m_(c-1). Unrolling the recursion, that difference
     * is (alpha^k - 1) m_(c-1) + sum_j alpha^(k-j) (dev_j - delta), where dev_j, the deviation of
     * the j-th new value from the running mean, has expectation mu(c+j-1) - (c mu0 + sum of the j
     * new expected values) / (c + j). Its noise has two parts: the new values' own noise (weights
     * at most 1: standard deviation at most sigma sqrt(k)) and the old mean's error (sigma /
     * sqrt(c), carried by each of the k deviations with weight at most 1: at most k sigma /
     * sqrt(c)). m_(c-1) has a negative expectation and noise of standard deviation at most sigma
     * sqrt(c), so (alpha^k - 1) m_(c-1) is at least -(1 - alpha^k) z sigma sqrt(c).
     */
    static long pageHinkley(
            double[] expected, int changeIndex, double sigma, PageHinkley test, double z) {
        double mu0 = expected[0];
        double alpha = test.alpha();
        double c = changeIndex;
        double newSum = 0;
        double drift = 0;
        double alphaK = 1;
        for (int k = 1; changeIndex + k - 1 < expected.length; k++) {
            double value = expected[changeIndex + k - 1];
            newSum += value;
            double expectedDeviation = value - (c * mu0 + newSum) / (c + k);
            drift = alpha * drift + expectedDeviation - test.delta();
            alphaK *= alpha;
            double noise = z * sigma * (Math.sqrt(k) + k / Math.sqrt(c));
            double before = (1 - alphaK) * z * sigma * Math.sqrt(c);
            if (drift - noise - before > test.threshold()) {
                return changeIndex + k - 1L;
            }
        }
        throw new IllegalArgumentException("the stream is too short to bound the delay");
    }
}
