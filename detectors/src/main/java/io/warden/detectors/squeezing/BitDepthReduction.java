package io.warden.detectors.squeezing;

/**
 * Reduces every value to {@code bits} bits over a fixed range: x is scaled to t in [0, 1] (values
 * outside the range are clipped), rounded to the nearest of 2<sup>bits</sup> levels, {@code rint(t
 * (2^bits - 1)) / (2^bits - 1)} (ties to even, as NumPy's {@code rint}), and scaled back. Xu et al.
 * found 1 bit best on MNIST and 4-5 bits on CIFAR-10 and ImageNet; 8x8 digits with values 0..16
 * keep their shape at 2-3 bits.
 *
 * @param bits bits per value, 1 to 16
 * @param min the low end of the value range (e.g. 0 for pixel intensities)
 * @param max the high end, above {@code min}
 */
public record BitDepthReduction(int bits, double min, double max) implements Squeezer {

    public BitDepthReduction {
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("bits must be in [1, 16], got " + bits);
        }
        if (!(Double.isFinite(min) && Double.isFinite(max) && max > min)) {
            throw new IllegalArgumentException(
                    "the range must be finite with max > min, got [" + min + ", " + max + "]");
        }
    }

    @Override
    public String name() {
        return "bit-depth-" + bits;
    }

    @Override
    public void squeeze(float[] in, int from, float[] out, int to, int width) {
        double levels = (1 << bits) - 1;
        double range = max - min;
        for (int j = 0; j < width; j++) {
            double t = (in[from + j] - min) / range;
            t = t < 0 ? 0 : (t > 1 ? 1 : t);
            out[to + j] = (float) (min + Math.rint(t * levels) / levels * range);
        }
    }
}
