package io.warden.simulator.attack;

import io.warden.detectors.onnx.OnnxScorer;
import io.warden.simulator.data.Dataset;
import io.warden.simulator.model.DifferentiableClassifier;
import io.warden.simulator.model.Mlp;
import io.warden.simulator.model.ServedModel;
import io.warden.simulator.model.ServedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Measures how often an evasion attack fools a served model as it is served: the clean test rows
 * and the adversarial rows are both scored by ONNX Runtime (an {@link OnnxScorer} on the model's
 * ONNX file), while the attack reads the gradients of the Java model with the same parameters.
 *
 * <p>The attacked rows are the test rows ONNX Runtime classifies correctly; the success rate is the
 * share of them whose adversarial version ONNX Runtime classifies otherwise (untargeted evasion).
 * The adversarial rows are rounded to float, the model's input type, before scoring.
 */
public final class EvasionEvaluation {

    /** Seed of the random starts in {@link #main}: {@value}. */
    public static final long SEED = 1;

    private EvasionEvaluation() {}

    /**
     * The budgets {@link #main} reports for a served model and norm: for the digits in pixel counts
     * (of 0..16), L-inf 0.5, 1, 2, 4 and L2 2, 4, 8, 16; for breast cancer in standard deviations,
     * L-inf 0.1, 0.25, 0.5, 1 and L2 0.25, 0.5, 1, 2.
     */
    public static double[] epsilons(ServedModel model, Norm norm) {
        boolean digits = model == ServedModels.DIGITS;
        if (norm == Norm.LINF) {
            return digits ? new double[] {0.5, 1, 2, 4} : new double[] {0.1, 0.25, 0.5, 1};
        }
        return digits ? new double[] {2, 4, 8, 16} : new double[] {0.25, 0.5, 1, 2};
    }

    /** The threat model of a served model: its feature box and perturbation units. */
    public static ThreatModel threatModel(ServedModel model, Norm norm, double epsilon) {
        return new ThreatModel(norm, epsilon, model.featureBox(), model.perturbationUnits());
    }

    /**
     * One attack's outcome on one test set.
     *
     * @param attack the attack's description
     * @param norm the norm bounding its perturbation
     * @param epsilon its budget
     * @param attacked correctly classified test rows attacked
     * @param flipped of those, rows whose adversarial version ONNX Runtime misclassifies
     * @param javaFlipped of those, rows whose adversarial version the Java model misclassifies
     * @param largestPerturbation the largest perturbation size seen, in the threat model's norm and
     *     units
     */
    public record Result(
            String attack,
            Norm norm,
            double epsilon,
            int attacked,
            int flipped,
            int javaFlipped,
            double largestPerturbation) {

        /** {@code flipped / attacked}, 0 when nothing was attacked. */
        public double successRate() {
            return attacked == 0 ? 0 : (double) flipped / attacked;
        }
    }

    /**
     * Attacks the correctly classified rows of {@code test} and scores the adversarial rows.
     *
     * @param scorer ONNX Runtime session on the served model (probabilities output)
     * @param model the same model in Java, for the attack's gradients
     * @param attack the attack
     * @param test the rows and true labels
     * @param seed seeds the attack's random starts
     */
    public static Result evaluate(
            OnnxScorer scorer,
            DifferentiableClassifier model,
            EvasionAttack attack,
            Dataset test,
            long seed) {
        Objects.requireNonNull(attack, "attack");
        float[][] clean = test.featuresAsFloats();
        float[][] cleanScores = scorer.score(clean);
        List<double[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int r = 0; r < test.size(); r++) {
            if (argmax(cleanScores[r]) == test.label(r)) {
                rows.add(test.row(r));
                labels.add(test.label(r));
            }
        }
        double[][] x = rows.toArray(new double[0][]);
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        double[][] adversarial = attack.perturbAll(model, x, y, seed);
        float[][] served = new float[x.length][];
        double largest = 0;
        int javaFlipped = 0;
        ThreatModel threat = attack.threatModel();
        for (int r = 0; r < x.length; r++) {
            served[r] = new float[adversarial[r].length];
            for (int i = 0; i < served[r].length; i++) {
                served[r][i] = (float) adversarial[r][i];
            }
            largest = Math.max(largest, threat.distance(x[r], adversarial[r]));
            if (model.predict(adversarial[r]) != y[r]) {
                javaFlipped++;
            }
        }
        float[][] scores = scorer.score(served);
        int flipped = 0;
        for (int r = 0; r < x.length; r++) {
            if (argmax(scores[r]) != y[r]) {
                flipped++;
            }
        }
        return new Result(
                attack.describe(),
                threat.norm(),
                threat.epsilon(),
                x.length,
                flipped,
                javaFlipped,
                largest);
    }

    /**
     * Prints, as a Markdown table, the success rates of FGSM and PGD ({@link Pgd#madry}) against
     * both served models' committed ONNX files on their test splits, at the {@link #epsilons}:
     * {@code EvasionEvaluation} (no arguments).
     */
    public static void main(String[] args) throws IOException {
        Path folder = Files.createTempDirectory("warden-served-models");
        System.out.println(
                "| model | norm | epsilon | attacked | FGSM success | PGD success |"
                        + " largest PGD perturbation |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        for (ServedModel model : ServedModels.all()) {
            Path file = folder.resolve(model.fileName());
            Mlp network = model.network();
            Dataset test = model.split().test();
            try (OnnxScorer scorer = new OnnxScorer(model.writeTo(file), model.scorerSettings())) {
                for (Norm norm : Norm.values()) {
                    for (double epsilon : epsilons(model, norm)) {
                        ThreatModel threat = threatModel(model, norm, epsilon);
                        Result fgsm = evaluate(scorer, network, new Fgsm(threat), test, SEED);
                        Result pgd = evaluate(scorer, network, Pgd.madry(threat), test, SEED);
                        System.out.printf(
                                Locale.ROOT,
                                "| %s | %s | %s | %d | %.3f (%d) | %.3f (%d) | %.4f |%n",
                                model.name(),
                                norm,
                                epsilon,
                                fgsm.attacked(),
                                fgsm.successRate(),
                                fgsm.flipped(),
                                pgd.successRate(),
                                pgd.flipped(),
                                pgd.largestPerturbation());
                    }
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(folder);
    }

    /** The index of the largest value, the lowest on a tie. */
    static int argmax(float[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }
}
