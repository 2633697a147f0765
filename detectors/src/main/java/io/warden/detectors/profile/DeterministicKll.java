package io.warden.detectors.profile;

import java.lang.reflect.Field;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;

/**
 * Makes KLL sketch updates and merges reproducible.
 *
 * <p>DataSketches' KLL compactions flip coins with one JVM-wide, unseeded {@code java.util.Random}
 * (the package-private {@code KllSketch.random} in datasketches-java 6.2.0), so the same values
 * give different sketches, quantiles, bin edges and profile bytes from run to run (upstream issue
 * apache/datasketches-java#693; the maintainers make no determinism guarantee). A profile must not
 * depend on the run that built it, so every update and merge here first re-seeds that generator
 * from a value derived from the profile's seed, the feature and the sketch's item count, under one
 * lock. The coins stay pseudo-random, which is all KLL's error bound needs.
 *
 * <p>Limits: other code in the same JVM that updates KLL sketches concurrently, without this lock,
 * can still take a coin between the re-seed and its use; then a profile built at that moment may
 * differ in its sketch bytes (still within the sketch's error bound). Building profiles in a
 * process of their own (the {@code warden profile} command) is unaffected. If a future
 * datasketches-java renames the field, {@link #isDeterministic()} turns false and sketches are
 * updated without re-seeding; a unit test fails in that case.
 */
final class DeterministicKll {

    private static final Random SHARED_COINS = sharedCoins();
    private static final Object LOCK = new Object();

    private DeterministicKll() {}

    private static Random sharedCoins() {
        try {
            Field field = KllSketch.class.getDeclaredField("random");
            field.setAccessible(true);
            return field.get(null) instanceof Random random ? random : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Whether updates and merges are reproducible in this JVM. */
    static boolean isDeterministic() {
        return SHARED_COINS != null;
    }

    /** Updates one sketch with one value, the coins seeded from {@code seed} and the item count. */
    static void update(KllDoublesSketch sketch, double value, long seed) {
        if (SHARED_COINS == null) {
            sketch.update(value);
            return;
        }
        synchronized (LOCK) {
            SHARED_COINS.setSeed(seedFor(seed, sketch.getN()));
            sketch.update(value);
        }
    }

    /**
     * Updates each sketch with the value at its position if that is finite (NaN and infinities are
     * skipped), each with its own seed, under one lock acquisition.
     */
    static void updateFinite(KllDoublesSketch[] sketches, double[] values, long[] seeds) {
        if (SHARED_COINS == null) {
            for (int j = 0; j < sketches.length; j++) {
                if (Double.isFinite(values[j])) {
                    sketches[j].update(values[j]);
                }
            }
            return;
        }
        synchronized (LOCK) {
            for (int j = 0; j < sketches.length; j++) {
                if (Double.isFinite(values[j])) {
                    SHARED_COINS.setSeed(seedFor(seeds[j], sketches[j].getN()));
                    sketches[j].update(values[j]);
                }
            }
        }
    }

    /** Merges {@code other} into {@code into}, the coins seeded from seed and both item counts. */
    static void merge(KllDoublesSketch into, KllDoublesSketch other, long seed) {
        if (SHARED_COINS == null) {
            into.merge(other);
            return;
        }
        synchronized (LOCK) {
            SHARED_COINS.setSeed(seedFor(seedFor(seed, into.getN()), other.getN()));
            into.merge(other);
        }
    }

    private static long seedFor(long seed, long count) {
        long z = seed + 0x9E37_79B9_7F4A_7C15L * (count + 1);
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
