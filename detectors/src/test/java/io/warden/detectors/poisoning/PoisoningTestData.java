package io.warden.detectors.poisoning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;

/**
 * Seeded synthetic feedback for the poisoning tests: a classifier of known accuracy, honest and
 * label-flipping contributors, Gaussian classes; plus the committed NumPy fixture and Java
 * serialization as a Flink state backend would do it.
 */
final class PoisoningTestData {

    static final int CLASSES = 10;

    private PoisoningTestData() {}

    /**
     * One feedback record: the true class, the model's prediction, the given and consensus labels.
     */
    record Feedback(int truth, int predicted, int given, int consensus) {}

    /**
     * A model with the given accuracy whose errors fall on a neighbouring class (c &plusmn; 1), as
     * confusable classes do; contributors label honestly with symmetric noise {@code noise} except
     * that a flipper relabels a share {@code flipShare} of class {@code from} as {@code to}. The
     * other contributors' consensus is known for a share {@code consensusShare} of the records and
     * is the truth with probability 0.99.
     */
    static Feedback next(
            Random random,
            double accuracy,
            double noise,
            int from,
            int to,
            double flipShare,
            double consensusShare) {
        int truth = random.nextInt(CLASSES);
        int predicted =
                random.nextDouble() < accuracy
                        ? truth
                        : Math.floorMod(truth + (random.nextBoolean() ? 1 : -1), CLASSES);
        int given = random.nextDouble() < noise ? otherThan(random, truth) : truth;
        if (truth == from && random.nextDouble() < flipShare) {
            given = to;
        }
        int consensus = ContributorMonitor.UNKNOWN;
        if (random.nextDouble() < consensusShare) {
            consensus = random.nextDouble() < 0.99 ? truth : otherThan(random, truth);
        }
        return new Feedback(truth, predicted, given, consensus);
    }

    static int otherThan(Random random, int label) {
        return Math.floorMod(label + 1 + random.nextInt(CLASSES - 1), CLASSES);
    }

    /** A draw from N(mean, A A^T) for a d x d mixing matrix A. */
    static double[] gaussian(Random random, double[] mean, double[][] mixing) {
        int d = mean.length;
        double[] z = new double[d];
        for (int i = 0; i < d; i++) {
            z[i] = random.nextGaussian();
        }
        double[] x = mean.clone();
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                x[i] += mixing[i][j] * z[j];
            }
        }
        return x;
    }

    /** A random mixing matrix: identity plus small off-diagonal coupling and varied scales. */
    static double[][] mixing(Random random, int d) {
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                a[i][j] = 0.3 * random.nextGaussian() / Math.sqrt(d);
            }
            a[i][i] += 0.5 + random.nextDouble();
        }
        return a;
    }

    static JsonNode fixture(String name) {
        try (InputStream in = PoisoningTestData.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource not found: " + name);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static double[] doubles(JsonNode node) {
        double[] values = new double[node.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = node.get(i).doubleValue();
        }
        return values;
    }

    static double[][] rows(JsonNode node) {
        double[][] values = new double[node.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = doubles(node.get(i));
        }
        return values;
    }

    static byte[] bytesOf(Object value) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ObjectOutputStream stream = new ObjectOutputStream(buffer)) {
            stream.writeObject(value);
        }
        return buffer.toByteArray();
    }

    @SuppressWarnings("unchecked")
    static <T> T copied(T value) throws IOException, ClassNotFoundException {
        try (ObjectInputStream stream =
                new ObjectInputStream(new ByteArrayInputStream(bytesOf(value)))) {
            return (T) stream.readObject();
        }
    }
}
