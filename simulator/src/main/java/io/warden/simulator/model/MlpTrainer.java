package io.warden.simulator.model;

import io.warden.simulator.data.Dataset;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * Fits an {@link Mlp} by mini-batch Adam (Kingma &amp; Ba, "Adam: A Method for Stochastic
 * Optimization", ICLR 2015) on the mean cross-entropy plus {@code l2 / 2 * ||W||^2}, with gradients
 * by hand-written backpropagation.
 *
 * <p>Initialization: hidden weights drawn from {@code N(0, 2 / d)} (He et al., ICCV 2015, for
 * ReLU), output weights from {@code N(0, 1 / hidden)}, biases 0. Each epoch visits the rows in a
 * fresh Fisher-Yates order. One {@link Random} seeded with {@link TrainingSettings#seed()} draws
 * both, and all arithmetic is double precision in a fixed order with {@link StrictMath}, so the
 * same data and settings give bit-identical parameters on every JVM. The fitted parameters are
 * rounded to float once, at the end, as {@link Mlp} holds them.
 */
public final class MlpTrainer {

    private MlpTrainer() {}

    /**
     * Fits a model to the training rows.
     *
     * @param train the rows and labels to fit
     * @param standardization the input transform, fixed during training (fit it on {@code train})
     * @param settings the optimizer's settings
     * @throws IllegalArgumentException when the standardization's width is not the data's
     */
    public static Mlp train(
            Dataset train, Standardization standardization, TrainingSettings settings) {
        Objects.requireNonNull(settings, "settings");
        int d = train.featureCount();
        if (standardization.dimension() != d) {
            throw new IllegalArgumentException(
                    "a standardization of "
                            + standardization.dimension()
                            + " features for data of "
                            + d);
        }
        int hidden = settings.hidden();
        int classes = train.classCount();
        int n = train.size();
        double[] center = standardization.center();
        double[] scale = standardization.scale();
        double[][] z = new double[n][d];
        for (int r = 0; r < n; r++) {
            double[] row = train.row(r);
            for (int i = 0; i < d; i++) {
                z[r][i] = (row[i] - center[i]) / scale[i];
            }
        }
        int[] labels = train.labels();

        Random random = new Random(settings.seed());
        Layer first = new Layer(d, hidden);
        Layer second = new Layer(hidden, classes);
        first.initialize(random, StrictMath.sqrt(2.0 / d));
        second.initialize(random, StrictMath.sqrt(1.0 / hidden));

        int[] order = new int[n];
        for (int r = 0; r < n; r++) {
            order[r] = r;
        }
        double[] pre = new double[hidden];
        double[] h = new double[hidden];
        double[] o = new double[classes];
        double[] gradPre = new double[hidden];
        int step = 0;
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
            for (int start = 0; start < n; start += settings.batchSize()) {
                int end = Math.min(n, start + settings.batchSize());
                first.clearGradient();
                second.clearGradient();
                for (int k = start; k < end; k++) {
                    double[] x = z[order[k]];
                    Mlp.affine(x, first.w, first.b, d, hidden, pre);
                    Mlp.relu(pre, h);
                    Mlp.affine(h, second.w, second.b, hidden, classes, o);
                    double[] gradOut = Mlp.lossGradientOfLogits(Mlp.softmax(o), labels[order[k]]);
                    second.accumulate(h, gradOut);
                    Mlp.backward(gradOut, second.w, hidden, classes, gradPre);
                    for (int j = 0; j < hidden; j++) {
                        if (!(pre[j] > 0)) {
                            gradPre[j] = 0;
                        }
                    }
                    first.accumulate(x, gradPre);
                }
                step++;
                double rows = end - start;
                first.adamStep(settings, rows, step);
                second.adamStep(settings, rows, step);
            }
        }
        return new Mlp(standardization, first.w, first.b, second.w, second.b);
    }

    /** One affine layer's parameters, their gradient and Adam's moment estimates. */
    private static final class Layer {
        final int in;
        final int out;
        final double[] w;
        final double[] b;
        final double[] gradW;
        final double[] gradB;
        final double[] mW;
        final double[] vW;
        final double[] mB;
        final double[] vB;

        Layer(int in, int out) {
            this.in = in;
            this.out = out;
            this.w = new double[in * out];
            this.b = new double[out];
            this.gradW = new double[in * out];
            this.gradB = new double[out];
            this.mW = new double[in * out];
            this.vW = new double[in * out];
            this.mB = new double[out];
            this.vB = new double[out];
        }

        void initialize(Random random, double sd) {
            for (int i = 0; i < w.length; i++) {
                w[i] = sd * random.nextGaussian();
            }
        }

        void clearGradient() {
            Arrays.fill(gradW, 0);
            Arrays.fill(gradB, 0);
        }

        /** Adds one row's gradient: {@code dW += input^T gradOut}, {@code db += gradOut}. */
        void accumulate(double[] input, double[] gradOut) {
            for (int i = 0; i < in; i++) {
                double v = input[i];
                if (v != 0) {
                    int row = i * out;
                    for (int j = 0; j < out; j++) {
                        gradW[row + j] += v * gradOut[j];
                    }
                }
            }
            for (int j = 0; j < out; j++) {
                gradB[j] += gradOut[j];
            }
        }

        /** One Adam update from the summed gradient of {@code rows} rows and the L2 penalty. */
        void adamStep(TrainingSettings settings, double rows, int step) {
            double correction1 = 1 - StrictMath.pow(TrainingSettings.BETA1, step);
            double correction2 = 1 - StrictMath.pow(TrainingSettings.BETA2, step);
            for (int i = 0; i < w.length; i++) {
                double g = gradW[i] / rows + settings.l2() * w[i];
                w[i] -= adam(settings, mW, vW, i, g, correction1, correction2);
            }
            for (int j = 0; j < b.length; j++) {
                b[j] -= adam(settings, mB, vB, j, gradB[j] / rows, correction1, correction2);
            }
        }

        private static double adam(
                TrainingSettings settings,
                double[] m,
                double[] v,
                int i,
                double g,
                double correction1,
                double correction2) {
            m[i] = TrainingSettings.BETA1 * m[i] + (1 - TrainingSettings.BETA1) * g;
            v[i] = TrainingSettings.BETA2 * v[i] + (1 - TrainingSettings.BETA2) * g * g;
            double mHat = m[i] / correction1;
            double vHat = v[i] / correction2;
            return settings.learningRate()
                    * mHat
                    / (StrictMath.sqrt(vHat) + TrainingSettings.ADAM_EPSILON);
        }
    }
}
