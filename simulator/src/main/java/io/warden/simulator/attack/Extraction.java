package io.warden.simulator.attack;

import io.warden.simulator.data.Dataset;
import io.warden.simulator.data.FeatureBox;
import io.warden.simulator.model.Mlp;
import io.warden.simulator.model.MlpTrainer;
import io.warden.simulator.model.ServedModel;
import io.warden.simulator.model.TrainingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Model extraction by query: the attacker labels rows of its choosing with the served model's
 * answers ({@link LabelOracle}, one query a row) and trains a substitute {@link Mlp} ({@link
 * MlpTrainer}) on them. How well it copied the model is the substitute's agreement with the served
 * model on rows neither saw ({@link #agreement}).
 *
 * <ul>
 *   <li>{@link #random}: rows drawn uniformly from the valid feature box (the baseline of Tramèr et
 *       al., "Stealing Machine Learning Models via Prediction APIs", USENIX Security 2016).
 *   <li>{@link #jacobian}: Jacobian-based dataset augmentation (Papernot et al., "Practical
 *       Black-Box Attacks against Machine Learning", AsiaCCS 2017): from a small seed set of real
 *       rows, each round trains the substitute and adds, for every row {@code x} so far, {@code x +
 *       lambda sign(d p_O(x) / dx)} (the substitute's gradient of the oracle's class, {@code
 *       lambda} a share of each feature's box range), clipped to the box, doubling the set.
 * </ul>
 *
 * @param model the served model being copied: feature and class names, and the input
 *     standardization the substitute fits on its own queries
 * @param box where the queries stay
 * @param settings how the substitute is trained
 */
public record Extraction(ServedModel model, FeatureBox box, TrainingSettings settings) {

    /** Papernot et al.'s step, {@value}, as a share of each feature's box range. */
    public static final double LAMBDA = 0.1;

    /** Validates the arguments. */
    public Extraction {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(settings, "settings");
    }

    /**
     * The extraction campaign's queries, the served model's answers and the substitute trained on
     * them.
     */
    public record Result(List<double[]> queries, int[] answers, Mlp substitute) {}

    /**
     * {@code queries} uniform rows of the box, labelled by the oracle; the substitute fits them.
     */
    public Result random(LabelOracle oracle, int queries, RandomGenerator random) {
        List<double[]> rows = new ArrayList<>(queries);
        int[] answers = new int[queries];
        for (int q = 0; q < queries; q++) {
            double[] x = new double[box.dimension()];
            for (int j = 0; j < x.length; j++) {
                x[j] = box.lower(j) + random.nextDouble() * (box.upper(j) - box.lower(j));
            }
            rows.add(x);
            answers[q] = oracle.label(x);
        }
        return new Result(rows, answers, train(rows, answers));
    }

    /**
     * Jacobian-based augmentation from {@code seed} (the attacker's own few real rows): {@code
     * augmentations} rounds, {@code seed.length * 2^augmentations} queries in all.
     */
    public Result jacobian(LabelOracle oracle, double[][] seed, int augmentations) {
        List<double[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (double[] x : seed) {
            rows.add(x.clone());
            labels.add(oracle.label(x));
        }
        Mlp substitute = train(rows, toArray(labels));
        for (int round = 0; round < augmentations; round++) {
            int size = rows.size();
            for (int r = 0; r < size; r++) {
                double[] x = rows.get(r);
                // The gradient of -log p_label points against the gradient of p_label.
                double[] g = substitute.inputGradient(x, labels.get(r));
                double[] next = new double[x.length];
                for (int j = 0; j < x.length; j++) {
                    next[j] = x[j] - LAMBDA * (box.upper(j) - box.lower(j)) * Math.signum(g[j]);
                }
                next = box.clip(next);
                rows.add(next);
                labels.add(oracle.label(next));
            }
            substitute = train(rows, toArray(labels));
        }
        return new Result(rows, toArray(labels), substitute);
    }

    /**
     * The attacker's seed set for {@link #jacobian}: the first {@code perClass} rows of each class
     * of {@code rows}, visited in {@code order} (Papernot et al. start from a small set of real
     * rows covering the classes).
     *
     * @return indices into {@code rows}, in visiting order
     */
    public static int[] seedRows(Dataset rows, int[] order, int perClass) {
        int[] taken = new int[rows.classCount()];
        List<Integer> seed = new ArrayList<>();
        for (int r : order) {
            if (taken[rows.label(r)]++ < perClass) {
                seed.add(r);
            }
        }
        return toArray(seed);
    }

    /** The share of {@code rows} on which the substitute predicts the served model's labels. */
    public static double agreement(Mlp substitute, double[][] rows, int[] servedLabels) {
        int agree = 0;
        for (int r = 0; r < rows.length; r++) {
            if (substitute.predict(rows[r]) == servedLabels[r]) {
                agree++;
            }
        }
        return rows.length == 0 ? 0 : (double) agree / rows.length;
    }

    private Mlp train(List<double[]> rows, int[] labels) {
        Dataset queries =
                new Dataset(
                        "extraction queries",
                        rows.toArray(new double[0][]),
                        labels,
                        model.featureNames(),
                        model.classNames());
        return MlpTrainer.train(queries, model.standardization(queries), settings);
    }

    private static int[] toArray(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
