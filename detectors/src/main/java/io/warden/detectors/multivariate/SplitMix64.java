package io.warden.detectors.multivariate;

/**
 * SplitMix64 (Steele, Lea &amp; Flood, "Fast splittable pseudorandom number generators", OOPSLA
 * 2014): a tiny generator whose output is fully specified by its seed, so every sample, merge and
 * permutation in this package is the same on every JVM and in every run. Not thread-safe.
 */
final class SplitMix64 {

    private static final long GOLDEN_GAMMA = 0x9E37_79B9_7F4A_7C15L;

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    /** The next 64 random bits. */
    long nextLong() {
        return mix(state += GOLDEN_GAMMA);
    }

    /** Uniform in [0, 1), with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), by rejection so that no value is favoured; bound must be positive. */
    long nextLongBelow(long bound) {
        long limit = Long.MAX_VALUE - Long.MAX_VALUE % bound;
        long u;
        do {
            u = nextLong() >>> 1;
        } while (u >= limit);
        return u % bound;
    }

    /** Uniform in [0, bound); bound must be positive. */
    int nextIntBelow(int bound) {
        return (int) nextLongBelow(bound);
    }

    /** The current state, from which a generator continues exactly where this one is. */
    long state() {
        return state;
    }

    /** SplitMix64's output function: a bijective 64-bit mix, also usable to derive seeds. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** A seed derived from two values, order-sensitive. */
    static long mix(long a, long b) {
        return mix(mix(a + GOLDEN_GAMMA) ^ (b * GOLDEN_GAMMA + 0x632B_E59B_D9B4_E019L));
    }
}
