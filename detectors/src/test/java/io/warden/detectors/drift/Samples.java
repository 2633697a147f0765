package io.warden.detectors.drift;

import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;

/** Seeded synthetic samples and the sketches of them. */
final class Samples {

    private Samples() {}

    /** n draws from N(mean, 1), seeded. */
    static double[] normal(long seed, int n, double mean) {
        Random random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = mean + random.nextGaussian();
        }
        return values;
    }

    /** A KLL sketch (k = 200, DataSketches' default) of the values. */
    static KllDoublesSketch sketch(double[] values) {
        return sketch(values, 200);
    }

    static KllDoublesSketch sketch(double[] values, int k) {
        KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(k);
        for (double v : values) {
            sketch.update(v);
        }
        return sketch;
    }
}
