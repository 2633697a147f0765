package io.warden.detectors.squeezing;

import java.util.Arrays;

/**
 * A median filter over an image-shaped row (row-major, {@code height x width}, one channel): every
 * pixel becomes the median of the {@code window x window} pixels around it. Xu et al. found a 2x2
 * window best on MNIST and CIFAR-10.
 *
 * <p>The window and the edges follow {@code scipy.ndimage.median_filter(image, size=window,
 * mode="reflect")}, which Xu et al.'s code uses: the window of pixel i covers offsets {@code
 * -(window/2)} to {@code window - 1 - window/2} along each axis (so a 2x2 window looks up and
 * left), pixels outside the image are mirrored including the edge pixel ({@code d c b a | a b c d |
 * d c b a}), and the median of an even count is the upper of the two middle values (rank {@code
 * window*window/2}).
 *
 * @param height image rows
 * @param width image columns
 * @param window the window's side, 2 or more
 */
public record MedianSmoothing(int height, int width, int window) implements Squeezer {

    public MedianSmoothing {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "image shape must be positive, got " + height + "x" + width);
        }
        if (window < 2 || window > Math.min(height, width)) {
            throw new IllegalArgumentException(
                    "window must be in [2, " + Math.min(height, width) + "], got " + window);
        }
    }

    @Override
    public String name() {
        return "median-" + window + "x" + window;
    }

    @Override
    public void squeeze(float[] in, int from, float[] out, int to, int rowWidth) {
        if (rowWidth != height * width) {
            throw new IllegalArgumentException(
                    "median smoothing of "
                            + height
                            + "x"
                            + width
                            + " images got rows of "
                            + rowWidth
                            + " values");
        }
        float[] neighbourhood = new float[window * window];
        int before = window / 2;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int k = 0;
                for (int dy = 0; dy < window; dy++) {
                    int yy = reflect(y - before + dy, height);
                    for (int dx = 0; dx < window; dx++) {
                        int xx = reflect(x - before + dx, width);
                        neighbourhood[k++] = in[from + yy * width + xx];
                    }
                }
                Arrays.sort(neighbourhood);
                out[to + y * width + x] = neighbourhood[neighbourhood.length / 2];
            }
        }
    }

    /** SciPy's "reflect" mode: -1 maps to 0, n to n - 1 (the edge is repeated). */
    private static int reflect(int i, int n) {
        int period = 2 * n;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - 1 - m;
    }
}
