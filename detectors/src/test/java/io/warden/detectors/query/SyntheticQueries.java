package io.warden.detectors.query;

import java.util.Random;

/**
 * Seeded synthetic query streams of 8x8 "images" with values in [0, 16] (the shape and range of the
 * UCI handwritten digits), where the truth is known: benign clients draw independent images from a
 * mixture of ten blob-shaped prototypes with per-pixel noise, rounded to integers as real pixels
 * are; attackers start from one benign image and send near-duplicates of it. {@link
 * Random#nextGaussian()} is fully specified by its Javadoc, so a seed gives the same stream on
 * every JVM.
 */
final class SyntheticQueries {

    static final int SIDE = 8;
    static final int WIDTH = SIDE * SIDE;
    static final double MAX_PIXEL = 16.0;
    static final int CLASSES = 10;

    /** Per-pixel noise of a benign image around its prototype, in pixel units. */
    private static final double BENIGN_NOISE = 2.5;

    private final double[][] prototypes = new double[CLASSES][WIDTH];

    /** Prototypes drawn from the seed: each class a sum of three Gaussian blobs, 16 at most. */
    SyntheticQueries(long seed) {
        Random random = new Random(seed);
        for (double[] prototype : prototypes) {
            for (int blob = 0; blob < 3; blob++) {
                double cx = 1 + 5 * random.nextDouble();
                double cy = 1 + 5 * random.nextDouble();
                for (int y = 0; y < SIDE; y++) {
                    for (int x = 0; x < SIDE; x++) {
                        double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                        prototype[y * SIDE + x] += MAX_PIXEL * Math.exp(-d2 / (2 * 1.2 * 1.2));
                    }
                }
            }
            for (int i = 0; i < WIDTH; i++) {
                prototype[i] = Math.min(MAX_PIXEL, prototype[i]);
            }
        }
    }

    /** One benign image: a random class's prototype plus noise, rounded and clipped. */
    double[] benign(Random random) {
        double[] prototype = prototypes[random.nextInt(CLASSES)];
        double[] image = new double[WIDTH];
        for (int i = 0; i < WIDTH; i++) {
            image[i] = clip(Math.rint(prototype[i] + BENIGN_NOISE * random.nextGaussian()));
        }
        return image;
    }

    /** {@code count} independent benign images. */
    double[][] benignSequence(Random random, int count) {
        double[][] sequence = new double[count][];
        for (int q = 0; q < count; q++) {
            sequence[q] = benign(random);
        }
        return sequence;
    }

    /**
     * A HopSkipJump/Boundary-attack-like walk from a benign image: each query is the previous one
     * moved by a random direction of L2 length 2 / (1 + t / 10) pixel units at step t (2 at first,
     * 1 after ten steps, 0.2 after ninety), clipped to the pixel range.
     */
    double[][] boundaryWalk(Random random, int count) {
        double[] current = benign(random);
        double[][] queries = new double[count][];
        for (int t = 0; t < count; t++) {
            double step = 2.0 / (1.0 + t / 10.0);
            double[] direction = unitDirection(random);
            double[] next = new double[WIDTH];
            for (int i = 0; i < WIDTH; i++) {
                next[i] = clip(current[i] + step * direction[i]);
            }
            queries[t] = next;
            current = next;
        }
        return queries;
    }

    /**
     * An NES-like gradient estimation around a benign image: antithetic probes x &plusmn; &sigma;u
     * with u standard Gaussian and &sigma; = {@code sigma} pixel units, and after every 50 probes
     * the centre x moves by an L2 step of 0.5 (the estimated gradient step), clipped to the range.
     */
    double[][] nesProbes(Random random, int count, double sigma) {
        double[] centre = benign(random);
        double[][] queries = new double[count][];
        double[] u = new double[WIDTH];
        for (int t = 0; t < count; t++) {
            if (t > 0 && t % 50 == 0) {
                double[] direction = unitDirection(random);
                for (int i = 0; i < WIDTH; i++) {
                    centre[i] = clip(centre[i] + 0.5 * direction[i]);
                }
            }
            if (t % 2 == 0) {
                for (int i = 0; i < WIDTH; i++) {
                    u[i] = random.nextGaussian();
                }
            }
            double sign = t % 2 == 0 ? 1.0 : -1.0;
            double[] probe = new double[WIDTH];
            for (int i = 0; i < WIDTH; i++) {
                probe[i] = clip(centre[i] + sign * sigma * u[i]);
            }
            queries[t] = probe;
        }
        return queries;
    }

    private static double[] unitDirection(Random random) {
        double[] direction = new double[WIDTH];
        double norm = 0.0;
        for (int i = 0; i < WIDTH; i++) {
            direction[i] = random.nextGaussian();
            norm += direction[i] * direction[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < WIDTH; i++) {
            direction[i] /= norm;
        }
        return direction;
    }

    private static double clip(double pixel) {
        return Math.max(0.0, Math.min(MAX_PIXEL, pixel));
    }
}
