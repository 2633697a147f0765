package io.warden.detectors.sequential;

import java.util.Arrays;
import java.util.Random;

/**
 * Seeded synthetic streams: an expected value per index (the "truth", from which delay bounds are
 * derived) plus independent Gaussian noise. {@link Random#nextGaussian()} is fully specified by its
 * Javadoc, so a seed gives the same stream on every JVM.
 */
final class SyntheticStreams {

    private SyntheticStreams() {}

    /** Expected values: mu0 before changeIndex, mu1 from it on. */
    static double[] abrupt(int length, int changeIndex, double mu0, double mu1) {
        double[] expected = new double[length];
        Arrays.fill(expected, 0, changeIndex, mu0);
        Arrays.fill(expected, changeIndex, length, mu1);
        return expected;
    }

    /**
     * Expected values: mu0 before changeIndex, then a straight line reaching mu1 at changeIndex +
     * rampLength - 1, and mu1 from there on.
     */
    static double[] ramp(int length, int changeIndex, int rampLength, double mu0, double mu1) {
        double[] expected = abrupt(length, changeIndex, mu0, mu1);
        for (int j = 0; j < rampLength && changeIndex + j < length; j++) {
            expected[changeIndex + j] = mu0 + (mu1 - mu0) * (j + 1.0) / rampLength;
        }
        return expected;
    }

    /** The expected values plus N(0, sigma^2) noise drawn from the seed. */
    static double[] withNoise(double[] expected, double sigma, long seed) {
        Random random = new Random(seed);
        double[] values = new double[expected.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = expected[i] + sigma * random.nextGaussian();
        }
        return values;
    }
}
