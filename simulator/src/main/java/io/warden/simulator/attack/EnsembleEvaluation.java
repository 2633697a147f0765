package io.warden.simulator.attack;

import io.warden.detectors.calibration.ConformalEnsemble;
import io.warden.detectors.calibration.PValueCombination;
import io.warden.detectors.confidence.Confidence;
import io.warden.detectors.core.Direction;
import io.warden.detectors.onnx.BuiltInDetectors;
import io.warden.detectors.onnx.ExportedModel;
import io.warden.detectors.onnx.OnnxScorer;
import io.warden.detectors.profile.ProfileBuilder;
import io.warden.detectors.profile.ProfileMetadata;
import io.warden.detectors.profile.ProfileSchema;
import io.warden.detectors.profile.ProfileSettings;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.detectors.squeezing.BitDepthReduction;
import io.warden.detectors.squeezing.FeatureSqueezing;
import io.warden.detectors.squeezing.MedianSmoothing;
import io.warden.detectors.squeezing.Squeezer;
import io.warden.simulator.data.Dataset;
import io.warden.simulator.data.Datasets;
import io.warden.simulator.model.Mlp;
import io.warden.simulator.model.ServedModel;
import io.warden.simulator.model.ServedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.math3.distribution.HypergeometricDistribution;

/**
 * Measures warden's evasion ensemble ({@link ConformalEnsemble}) on real adversarial examples
 * against the digits served model: the false-positive rate on clean rows and the detection rate on
 * FGSM and PGD examples that fool the model, for each member alone and for the ensemble, with every
 * score computed by ONNX Runtime sessions ({@link OnnxScorer}).
 *
 * <p><b>Members</b> (all scores larger when more anomalous):
 *
 * <ol>
 *   <li>{@code squeezing}: feature squeezing of the served model's ONNX file (Xu, Evans &amp; Qi,
 *       "Feature Squeezing: Detecting Adversarial Examples in Deep Neural Networks", NDSS 2018),
 *       bit-depth reduction over the pixel range [0, 16] and a 2x2 median filter on the 8x8 image,
 *       the larger of the two L1 distances to the served probabilities ({@link FeatureSqueezing});
 *   <li>{@code mahalanobis}: the squared Mahalanobis distance exported by {@link
 *       BuiltInDetectors#mahalanobis(ReferenceProfile)};
 *   <li>{@code pca}: the PCA reconstruction error exported by {@link
 *       BuiltInDetectors#pcaReconstruction(ReferenceProfile)};
 *   <li>{@code msp}: 1 &minus; the served model's maximum softmax probability (Hendrycks &amp;
 *       Gimpel, "A Baseline for Detecting Misclassified and Out-of-Distribution Examples in Neural
 *       Networks", ICLR 2017).
 * </ol>
 *
 * The two built-in detectors are fitted on a {@link ReferenceProfile} of the served model's
 * training split, the reference data a user would profile; squeezing and MSP fit nothing.
 *
 * <p><b>Calibration.</b> The test split (rows the model was not trained on) is shuffled into a
 * calibration split A of {@value #CALIBRATION_ROWS} rows, a held-out split B of {@value
 * #HELD_OUT_ROWS} rows and an evaluation split E of the rest. Each member's score becomes a
 * split-conformal p-value against its scores on A (Vovk, Gammerman &amp; Shafer, <i>Algorithmic
 * Learning in a Random World</i>, Springer 2005); the ensemble combines the four by Fisher's method
 * or Bonferroni's minimum and ranks the combination against the same on B (Bates, Cand&egrave;s,
 * Lei, Romano &amp; Sesia, "Testing for outliers with conformal p-values", Annals of Statistics
 * 51(1), 2023). A member alone flags a row when its p-value against A is at most &alpha;, the
 * ensemble when its final p-value is. The split sizes make &alpha;(n + 1) a whole number for
 * &alpha; = 0.05 and 0.01, so a conformal p-value's false-positive rate is exactly &alpha; in
 * expectation, not the next lower multiple of 1/(n + 1).
 *
 * <p><b>Attacks.</b> FGSM and PGD ({@link Pgd#madry}, 40 steps) at L-inf &epsilon; 1, 2, 4 and L2
 * &epsilon; 4, 8, 16 pixel counts, made once for every test row with seed {@value #ATTACK_SEED}
 * against the Java model with the served parameters. Only the adversarial rows that fool the served
 * model count: the clean row is classified correctly by ONNX Runtime and its adversarial version is
 * not. The attacks do not know the detectors (no adaptive attack).
 *
 * <p><b>Repetition.</b> The partition is drawn {@link #DEFAULT_PARTITIONS} times ({@link Random}
 * seeded 1, 2, ...); rates are averaged over partitions and their spread is the standard deviation
 * over partitions. AUCs are Mann-Whitney's (Hanley &amp; McNeil, Radiology 1982: the probability
 * that an adversarial row scores more anomalous than a clean one, ties counting half) on the E rows
 * of each partition: of the raw score for a member, of the final p-value for the ensemble.
 *
 * <pre>{@code
 * EnsembleEvaluation.Report report = EnsembleEvaluation.run(ServedModels.DIGITS, folder,
 *     EnsembleEvaluation.digitsSqueezing(3, true), EnsembleEvaluation.DEFAULT_PARTITIONS);
 * System.out.print(report.markdown());
 * }</pre>
 */
public final class EnsembleEvaluation {

    /** The members, in score order. */
    public static final List<String> MEMBERS = List.of("squeezing", "mahalanobis", "pca", "msp");

    /** The ensembles, in column order after the members. */
    public static final List<PValueCombination> COMBINATIONS =
            List.of(PValueCombination.FISHER, PValueCombination.BONFERRONI);

    /** The false-positive rates evaluated. */
    public static final List<Double> ALPHAS = List.of(0.05, 0.01);

    /** Rows of calibration split A, the members' references: {@value}. */
    public static final int CALIBRATION_ROWS = 199;

    /** Rows of held-out split B, the combined statistic's reference: {@value}. */
    public static final int HELD_OUT_ROWS = 99;

    /** Random partitions of the test split: {@value}. */
    public static final int DEFAULT_PARTITIONS = 100;

    /** Bits per pixel of the bit-depth squeezer: {@value}. */
    public static final int DEFAULT_SQUEEZE_BITS = 3;

    /** Seed of the attacks' random starts: {@value}. */
    public static final long ATTACK_SEED = EvasionEvaluation.SEED;

    /** Standard errors of the mean false-positive rate allowed by {@link #fprMargin}: {@value}. */
    public static final double STANDARD_ERRORS = 3;

    private static final Instant PROFILE_TIME = Instant.parse("2025-06-01T00:00:00Z");

    private EnsembleEvaluation() {}

    /** The column names of a report: the members, then {@code fisher} and {@code bonferroni}. */
    public static List<String> columns() {
        return Stream.concat(
                        MEMBERS.stream(),
                        COMBINATIONS.stream().map(c -> c.name().toLowerCase(Locale.ROOT)))
                .toList();
    }

    /**
     * The digits squeezers: bit-depth reduction to {@code bits} bits over [0, 16] and, if {@code
     * median}, a 2x2 median filter on the 8x8 image (Xu et al.'s joint detector then takes the
     * larger L1 distance).
     */
    public static FeatureSqueezing digitsSqueezing(int bits, boolean median) {
        List<Squeezer> squeezers = new ArrayList<>();
        squeezers.add(new BitDepthReduction(bits, 0, Datasets.DIGITS_MAX_PIXEL));
        if (median) {
            squeezers.add(new MedianSmoothing(8, 8, 2));
        }
        return new FeatureSqueezing(64, squeezers);
    }

    /** FGSM and PGD (Madry) at L-inf 1, 2, 4 and L2 4, 8, 16, in that order. */
    public static List<EvasionAttack> attacks(ServedModel served) {
        List<EvasionAttack> attacks = new ArrayList<>();
        for (Norm norm : Norm.values()) {
            double[] epsilons =
                    norm == Norm.LINF ? new double[] {1, 2, 4} : new double[] {4, 8, 16};
            for (double epsilon : epsilons) {
                ThreatModel threat = EvasionEvaluation.threatModel(served, norm, epsilon);
                attacks.add(new Fgsm(threat));
                attacks.add(Pgd.madry(threat));
            }
        }
        return attacks;
    }

    /** {@code FGSM} or {@code PGD-<iterations>}. */
    static String attackName(EvasionAttack attack) {
        return attack instanceof Pgd pgd ? "PGD-" + pgd.iterations() : "FGSM";
    }

    /**
     * The largest distance of a mean false-positive rate over {@code partitions} partitions from
     * &alpha; that is not evidence of a miscalibrated ensemble (or member).
     *
     * <p>With no ties, a conformal p-value against n reference rows is at most &alpha; with
     * probability l/(n + 1), l = &lfloor;&alpha;(n + 1)&rfloor;, and given the pooled test rows
     * this holds exactly for a random partition; the gap &alpha; &minus; l/(n + 1) is the first
     * term (0 for the split sizes used here). Over the draw of the reference the false-positive
     * rate is Beta(l, n + 1 &minus; l), variance about &alpha;(1 &minus; &alpha;)/(n + 2), and E's
     * m rows add a binomial &alpha;(1 &minus; &alpha;)/m; partitions are independent given the
     * pool, so the mean's standard error is at most &radic;(&alpha;(1 &minus; &alpha;)(1/(n + 2) +
     * 1/m) / partitions) (sampling without replacement from the pool only lowers it). The margin is
     * the gap plus {@value #STANDARD_ERRORS} standard errors.
     *
     * @param reference n, rows the p-value is ranked against
     * @param evaluated m, rows of E
     */
    public static double fprMargin(double alpha, int reference, int evaluated, int partitions) {
        double attainable = Math.floor(alpha * (reference + 1)) / (reference + 1);
        double variance = alpha * (1 - alpha) * (1.0 / (reference + 2) + 1.0 / evaluated);
        return (alpha - attainable) + STANDARD_ERRORS * Math.sqrt(variance / partitions);
    }

    /**
     * Scores the served model's test split and its adversarial versions, then evaluates the
     * ensemble over random partitions.
     *
     * @param served a served model with 8x8 image rows over [0, 16] ({@link ServedModels#DIGITS})
     * @param folder where the ONNX files are written
     * @param squeezing the squeezing member, e.g. {@link #digitsSqueezing}
     * @param partitions random partitions of the test split, at least 2
     * @throws IOException when an ONNX file cannot be written
     */
    public static Report run(
            ServedModel served, Path folder, FeatureSqueezing squeezing, int partitions)
            throws IOException {
        TestScores scores = score(served, folder, squeezing, attacks(served));
        String squeezers =
                squeezing.squeezers().stream()
                        .map(Squeezer::name)
                        .collect(Collectors.joining(" + "));
        return evaluate(served.name(), squeezers, scores, partitions);
    }

    // ---- scoring: every test row and every adversarial row, once, through ONNX Runtime ------

    /**
     * Member scores of the test rows and of the adversarial rows that fool the model.
     *
     * @param clean {@code [member][test row]}
     * @param attacks one per attack, in order
     */
    record TestScores(double[][] clean, List<AttackScores> attacks) {}

    /**
     * @param name e.g. {@code PGD-40}
     * @param fooled test rows whose adversarial version fools the served model, ascending
     * @param scores {@code [member][i]}: the scores of the adversarial version of {@code fooled[i]}
     */
    record AttackScores(String name, Norm norm, double epsilon, int[] fooled, double[][] scores) {}

    /** The served model and the two built-in detectors, as ONNX Runtime sessions. */
    private record Scorers(OnnxScorer served, OnnxScorer mahalanobis, OnnxScorer pca)
            implements AutoCloseable {
        @Override
        public void close() {
            pca.close();
            mahalanobis.close();
            served.close();
        }
    }

    /** A row set's served probabilities and member scores {@code [member][row]}. */
    private record Scored(float[][] probabilities, double[][] scores) {}

    static TestScores score(
            ServedModel served,
            Path folder,
            FeatureSqueezing squeezing,
            List<EvasionAttack> attacks)
            throws IOException {
        Dataset.Split split = served.split();
        ReferenceProfile profile = trainingProfile(served, split.train());
        ExportedModel mahalanobis = BuiltInDetectors.mahalanobis(profile);
        ExportedModel pca = BuiltInDetectors.pcaReconstruction(profile);
        Dataset test = split.test();
        int[] labels = test.labels();
        Mlp network = served.network();
        try (OnnxScorer servedScorer =
                        new OnnxScorer(
                                served.writeTo(folder.resolve(served.fileName())),
                                served.scorerSettings());
                OnnxScorer mahalanobisScorer =
                        new OnnxScorer(
                                mahalanobis.writeTo(folder.resolve("mahalanobis.onnx")),
                                mahalanobis.settings());
                OnnxScorer pcaScorer =
                        new OnnxScorer(
                                pca.writeTo(folder.resolve("pca-reconstruction.onnx")),
                                pca.settings())) {
            Scorers scorers = new Scorers(servedScorer, mahalanobisScorer, pcaScorer);
            Scored clean = score(scorers, squeezing, test.featuresAsFloats());
            List<AttackScores> attackScores = new ArrayList<>();
            for (EvasionAttack attack : attacks) {
                double[][] adversarial =
                        attack.perturbAll(network, test.features(), labels, ATTACK_SEED);
                Scored scored = score(scorers, squeezing, toFloats(adversarial));
                List<Integer> fooled = new ArrayList<>();
                for (int r = 0; r < labels.length; r++) {
                    if (EvasionEvaluation.argmax(clean.probabilities()[r]) == labels[r]
                            && EvasionEvaluation.argmax(scored.probabilities()[r]) != labels[r]) {
                        fooled.add(r);
                    }
                }
                int[] rows = fooled.stream().mapToInt(Integer::intValue).toArray();
                double[][] kept = new double[MEMBERS.size()][rows.length];
                for (int m = 0; m < kept.length; m++) {
                    for (int i = 0; i < rows.length; i++) {
                        kept[m][i] = scored.scores()[m][rows[i]];
                    }
                }
                ThreatModel threat = attack.threatModel();
                attackScores.add(
                        new AttackScores(
                                attackName(attack), threat.norm(), threat.epsilon(), rows, kept));
            }
            return new TestScores(clean.scores(), List.copyOf(attackScores));
        }
    }

    /** The served model's reference profile: its training split's rows, numeric features only. */
    static ReferenceProfile trainingProfile(ServedModel served, Dataset train) {
        ProfileBuilder builder =
                ProfileBuilder.create(
                        ProfileSchema.numeric(served.featureNames()), ProfileSettings.defaults());
        for (int r = 0; r < train.size(); r++) {
            builder.add(train.row(r));
        }
        return builder.build(
                ProfileMetadata.of(PROFILE_TIME, served.name())
                        .withSource(train.name() + " training split, " + train.size() + " rows"));
    }

    private static Scored score(Scorers scorers, FeatureSqueezing squeezing, float[][] rows) {
        int n = rows.length;
        int width = rows[0].length;
        float[] flat = new float[n * width];
        for (int r = 0; r < n; r++) {
            System.arraycopy(rows[r], 0, flat, r * width, width);
        }
        float[][] probabilities = scorers.served().score(flat, n);
        double[][] scores = new double[MEMBERS.size()][];
        scores[0] = squeezing.scores(scorers.served()::score, flat, n, probabilities);
        scores[1] = widen(scoreVector(scorers.mahalanobis(), flat, n));
        scores[2] = widen(scoreVector(scorers.pca(), flat, n));
        scores[3] = new double[n];
        for (int r = 0; r < n; r++) {
            scores[3][r] = 1 - Confidence.ofProbabilities(widen(probabilities[r])).msp();
        }
        return new Scored(probabilities, scores);
    }

    private static float[] scoreVector(OnnxScorer scorer, float[] flat, int n) {
        float[] out = new float[n];
        scorer.score(flat, n, out);
        return out;
    }

    private static float[][] toFloats(double[][] rows) {
        float[][] out = new float[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            out[r] = new float[rows[r].length];
            for (int i = 0; i < out[r].length; i++) {
                out[r][i] = (float) rows[r][i];
            }
        }
        return out;
    }

    private static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    // ---- evaluation over random partitions -------------------------------------------------

    static Report evaluate(String model, String squeezers, TestScores scores, int partitions) {
        if (partitions < 2) {
            throw new IllegalArgumentException("need at least 2 partitions, got " + partitions);
        }
        int n = scores.clean()[0].length;
        int evaluated = n - CALIBRATION_ROWS - HELD_OUT_ROWS;
        if (evaluated < 1) {
            throw new IllegalArgumentException(
                    n + " test rows leave none for evaluation after A and B");
        }
        int members = MEMBERS.size();
        int columns = members + COMBINATIONS.size();
        int alphas = ALPHAS.size();
        Tally[][] fpr = tallies(alphas, columns);
        Tally[][] expectedFpr = tallies(alphas, columns);
        for (int k = 0; k < alphas; k++) {
            for (int m = 0; m < members; m++) {
                // A member's expectation does not depend on the partition: A is a random subset.
                expectedFpr[k][m].add(
                        expectedFalsePositiveRate(
                                negate(scores.clean()[m]), CALIBRATION_ROWS, ALPHAS.get(k)));
            }
        }
        List<AttackScores> attacks = scores.attacks();
        Tally[][][] detection = new Tally[attacks.size()][][];
        Tally[][] auc = tallies(attacks.size(), columns);
        Tally[] fooledPerPartition = new Tally[attacks.size()];
        for (int a = 0; a < attacks.size(); a++) {
            detection[a] = tallies(alphas, columns);
            fooledPerPartition[a] = new Tally();
        }
        Direction[] directions = new Direction[members];
        Arrays.fill(directions, Direction.HIGH_IS_ANOMALOUS);

        for (int p = 1; p <= partitions; p++) {
            int[] order = shuffled(n, p);
            int[] a = Arrays.copyOfRange(order, 0, CALIBRATION_ROWS);
            int[] b = Arrays.copyOfRange(order, CALIBRATION_ROWS, CALIBRATION_ROWS + HELD_OUT_ROWS);
            int[] e = Arrays.copyOfRange(order, CALIBRATION_ROWS + HELD_OUT_ROWS, n);
            List<ConformalEnsemble> ensembles = new ArrayList<>();
            for (PValueCombination combination : COMBINATIONS) {
                ensembles.add(
                        ConformalEnsemble.calibrate(
                                MEMBERS,
                                directions,
                                columnsOf(scores.clean(), a),
                                columnsOf(scores.clean(), b),
                                combination));
            }
            int[] rest = Arrays.copyOfRange(order, CALIBRATION_ROWS, n);
            double[][] combinedRest = combined(ensembles, columnsOf(scores.clean(), rest));
            for (int k = 0; k < alphas; k++) {
                for (int c = 0; c < combinedRest.length; c++) {
                    expectedFpr[k][members + c].add(
                            expectedFalsePositiveRate(
                                    combinedRest[c], HELD_OUT_ROWS, ALPHAS.get(k)));
                }
            }
            double[][] cleanE = columnsOf(scores.clean(), e);
            double[][] cleanP = pValues(ensembles, cleanE);
            for (int k = 0; k < alphas; k++) {
                for (int c = 0; c < columns; c++) {
                    fpr[k][c].add(share(cleanP[c], ALPHAS.get(k)));
                }
            }
            boolean[] inE = new boolean[n];
            for (int r : e) {
                inE[r] = true;
            }
            for (int t = 0; t < attacks.size(); t++) {
                AttackScores attack = attacks.get(t);
                List<Integer> kept = new ArrayList<>();
                for (int i = 0; i < attack.fooled().length; i++) {
                    if (inE[attack.fooled()[i]]) {
                        kept.add(i);
                    }
                }
                fooledPerPartition[t].add(kept.size());
                if (kept.isEmpty()) {
                    continue;
                }
                int[] idx = kept.stream().mapToInt(Integer::intValue).toArray();
                double[][] adversarial = columnsOf(attack.scores(), idx);
                double[][] adversarialP = pValues(ensembles, adversarial);
                for (int k = 0; k < alphas; k++) {
                    for (int c = 0; c < columns; c++) {
                        detection[t][k][c].add(share(adversarialP[c], ALPHAS.get(k)));
                    }
                }
                for (int c = 0; c < columns; c++) {
                    auc[t][c].add(
                            c < members
                                    ? auc(cleanE[c], adversarial[c])
                                    : auc(negate(cleanP[c]), negate(adversarialP[c])));
                }
            }
        }

        List<AttackResult> results = new ArrayList<>();
        for (int t = 0; t < attacks.size(); t++) {
            AttackScores attack = attacks.get(t);
            results.add(
                    new AttackResult(
                            attack.name(),
                            attack.norm(),
                            attack.epsilon(),
                            attack.fooled().length,
                            fooledPerPartition[t].spread(),
                            spreads(detection[t]),
                            Arrays.stream(auc[t]).map(Tally::spread).toList()));
        }
        return new Report(
                model,
                squeezers,
                n,
                partitions,
                evaluated,
                columns(),
                spreads(fpr),
                Arrays.stream(expectedFpr)
                        .map(row -> Arrays.stream(row).map(t -> t.spread().mean()).toList())
                        .toList(),
                List.copyOf(results));
    }

    /**
     * The expected false-positive rate of a conformal p-value, ties included, given the rows: the
     * reference is a uniformly random subset of {@code reference} of the other rows, and a row is
     * flagged when {@code p = (1 + #{reference rows at least as extreme}) / (reference + 1)} is at
     * most alpha, i.e. when at most l &minus; 1 of them are, l = &lfloor;alpha (reference +
     * 1)&rfloor;. For a row with K other rows at least as extreme that count is hypergeometric, so
     * the expectation over a uniformly drawn row is mean<sub>j</sub> P(Hypergeometric(N &minus; 1,
     * K<sub>j</sub>, reference) &le; l &minus; 1). Without ties it is exactly l / (reference + 1);
     * ties lower it, as the conformal p-value counts them as at least as extreme.
     *
     * @param statistic one value per row, lower is more extreme
     */
    static double expectedFalsePositiveRate(double[] statistic, int reference, double alpha) {
        int n = statistic.length;
        int l = (int) Math.floor(alpha * (reference + 1));
        if (l == 0) {
            return 0;
        }
        double[] sorted = statistic.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double x : statistic) {
            int atMost = upperBound(sorted, x) - 1; // other rows at least as extreme
            sum +=
                    new HypergeometricDistribution(null, n - 1, atMost, reference)
                            .cumulativeProbability(l - 1);
        }
        return sum / n;
    }

    /** The number of values of {@code sorted} at most x. */
    private static int upperBound(double[] sorted, double x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Each ensemble's first-stage combined statistic {@code [ensemble][row]} of member scores. */
    private static double[][] combined(List<ConformalEnsemble> ensembles, double[][] scores) {
        int rows = scores[0].length;
        double[][] out = new double[ensembles.size()][rows];
        double[] row = new double[scores.length];
        for (int r = 0; r < rows; r++) {
            for (int m = 0; m < scores.length; m++) {
                row[m] = scores[m][r];
            }
            for (int c = 0; c < ensembles.size(); c++) {
                out[c][r] = ensembles.get(c).assess(row).combined();
            }
        }
        return out;
    }

    /**
     * P-values {@code [column][row]} of rows given as {@code [member][row]}: each member's against
     * A, then each ensemble's final one.
     */
    private static double[][] pValues(List<ConformalEnsemble> ensembles, double[][] scores) {
        int members = scores.length;
        int rows = scores[0].length;
        double[][] p = new double[members + ensembles.size()][rows];
        double[] row = new double[members];
        for (int r = 0; r < rows; r++) {
            for (int m = 0; m < members; m++) {
                row[m] = scores[m][r];
                p[m][r] = ensembles.get(0).detectorPValue(m, row[m]);
            }
            for (int c = 0; c < ensembles.size(); c++) {
                p[members + c][r] = ensembles.get(c).assess(row).pValue();
            }
        }
        return p;
    }

    /** The rows {@code rows} of {@code [member][row]} scores, as {@code [member][i]}. */
    private static double[][] columnsOf(double[][] scores, int[] rows) {
        double[][] out = new double[scores.length][rows.length];
        for (int m = 0; m < scores.length; m++) {
            for (int i = 0; i < rows.length; i++) {
                out[m][i] = scores[m][rows[i]];
            }
        }
        return out;
    }

    /** 0..n-1 shuffled by Fisher-Yates with {@code new Random(seed)}. */
    private static int[] shuffled(int n, long seed) {
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double share(double[] pValues, double alpha) {
        int hits = 0;
        for (double p : pValues) {
            if (p <= alpha) {
                hits++;
            }
        }
        return (double) hits / pValues.length;
    }

    private static double[] negate(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = -values[i];
        }
        return out;
    }

    /**
     * The Mann-Whitney AUC: the probability that a positive scores above a negative, ties counting
     * half, from mid-ranks of the pooled sample (U = rank sum of the positives &minus; m(m + 1)/2,
     * AUC = U / (m n)).
     *
     * @throws IllegalArgumentException if either sample is empty
     */
    static double auc(double[] negatives, double[] positives) {
        int n = negatives.length;
        int m = positives.length;
        if (n == 0 || m == 0) {
            throw new IllegalArgumentException("AUC needs both samples non-empty");
        }
        double[][] pooled = new double[n + m][];
        for (int i = 0; i < n; i++) {
            pooled[i] = new double[] {negatives[i], 0};
        }
        for (int i = 0; i < m; i++) {
            pooled[n + i] = new double[] {positives[i], 1};
        }
        Arrays.sort(pooled, (x, y) -> Double.compare(x[0], y[0]));
        double positiveRanks = 0;
        for (int i = 0; i < pooled.length; ) {
            int j = i;
            while (j + 1 < pooled.length && pooled[j + 1][0] == pooled[i][0]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                positiveRanks += pooled[k][1] * midRank;
            }
            i = j + 1;
        }
        return (positiveRanks - m * (m + 1) / 2.0) / ((double) m * n);
    }

    private static Tally[][] tallies(int rows, int columns) {
        Tally[][] t = new Tally[rows][columns];
        for (Tally[] row : t) {
            for (int c = 0; c < columns; c++) {
                row[c] = new Tally();
            }
        }
        return t;
    }

    private static List<List<Spread>> spreads(Tally[][] tallies) {
        return Arrays.stream(tallies)
                .map(row -> Arrays.stream(row).map(Tally::spread).toList())
                .toList();
    }

    /** Mean and standard deviation of per-partition values (Welford's update). */
    private static final class Tally {
        private int count;
        private double mean;
        private double m2;

        void add(double x) {
            count++;
            double delta = x - mean;
            mean += delta / count;
            m2 += delta * (x - mean);
        }

        Spread spread() {
            return new Spread(
                    count == 0 ? Double.NaN : mean,
                    count < 2 ? Double.NaN : Math.sqrt(m2 / (count - 1)),
                    count);
        }
    }

    // ---- results ------------------------------------------------------------------------------

    /**
     * A figure over partitions.
     *
     * @param mean its mean over the partitions that had it (NaN if none)
     * @param sd its sample standard deviation over them (NaN for fewer than 2)
     * @param partitions how many partitions had it (a detection rate needs a fooled row in E)
     */
    public record Spread(double mean, double sd, int partitions) {}

    /**
     * One attack's outcome.
     *
     * @param attack {@code FGSM} or {@code PGD-40}
     * @param norm its norm
     * @param epsilon its budget in pixel counts
     * @param fooled test rows whose adversarial version fools the served model
     * @param fooledInE how many of them fell into E per partition
     * @param detectionRates {@code [alpha][column]}: share of the fooling adversarial E rows
     *     flagged
     * @param aucs per column: the clean E rows against the fooling adversarial E rows
     */
    public record AttackResult(
            String attack,
            Norm norm,
            double epsilon,
            int fooled,
            Spread fooledInE,
            List<List<Spread>> detectionRates,
            List<Spread> aucs) {

        /** The detection rate of a column at one of {@link #ALPHAS}. */
        public Spread detectionRate(double alpha, String column) {
            return detectionRates.get(alphaIndex(alpha)).get(columnIndex(column));
        }

        /** The AUC of a column. */
        public Spread auc(String column) {
            return aucs.get(columnIndex(column));
        }
    }

    /**
     * The evaluation's figures.
     *
     * @param model the served model's name
     * @param squeezers the squeezing member's squeezers, e.g. {@code bit-depth-3 + median-2x2}
     * @param testRows rows of the test split
     * @param partitions random partitions evaluated
     * @param evaluationRows rows of E in each
     * @param columns {@link #columns()}
     * @param falsePositiveRates {@code [alpha][column]}: share of the clean E rows flagged
     * @param expectedFalsePositiveRates {@code [alpha][column]}: the exact expectation of that
     *     share given the test rows, ties included ({@link #expectedFalsePositiveRate}), averaged
     *     over the partitions' A for the ensembles
     * @param attacks one per attack
     */
    public record Report(
            String model,
            String squeezers,
            int testRows,
            int partitions,
            int evaluationRows,
            List<String> columns,
            List<List<Spread>> falsePositiveRates,
            List<List<Double>> expectedFalsePositiveRates,
            List<AttackResult> attacks) {

        /** The false-positive rate of a column at one of {@link #ALPHAS}. */
        public Spread falsePositiveRate(double alpha, String column) {
            return falsePositiveRates.get(alphaIndex(alpha)).get(columnIndex(column));
        }

        /** The expected false-positive rate of a column, ties included, given the test rows. */
        public double expectedFalsePositiveRate(double alpha, String column) {
            return expectedFalsePositiveRates.get(alphaIndex(alpha)).get(columnIndex(column));
        }

        /** The result of an attack. */
        public AttackResult attack(String name, Norm norm, double epsilon) {
            return attacks.stream()
                    .filter(
                            a ->
                                    a.attack().equals(name)
                                            && a.norm() == norm
                                            && a.epsilon() == epsilon)
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IllegalArgumentException(
                                            "no attack " + name + " " + norm + " " + epsilon));
        }

        /**
         * The margin of {@link #fprMargin} for a column: members are ranked against A, the
         * ensembles against B.
         */
        public double fprMargin(double alpha, String column) {
            int reference = MEMBERS.contains(column) ? CALIBRATION_ROWS : HELD_OUT_ROWS;
            return EnsembleEvaluation.fprMargin(alpha, reference, evaluationRows, partitions);
        }

        /** The figures as Markdown tables: false-positive rates, detection rates, AUCs. */
        public String markdown() {
            StringBuilder out = new StringBuilder();
            out.append(
                    String.format(
                            Locale.ROOT,
                            "%s, %d test rows: A %d, B %d, E %d; %d partitions; squeezing %s."
                                    + " Mean (sd over partitions).%n%n",
                            model,
                            testRows,
                            CALIBRATION_ROWS,
                            HELD_OUT_ROWS,
                            evaluationRows,
                            partitions,
                            squeezers));
            out.append("False-positive rate on clean E rows: measured (sd), exact expectation with")
                    .append(" ties, margin\n\n| detector |");
            for (double alpha : ALPHAS) {
                out.append(" alpha ").append(alpha).append(" | expected | margin |");
            }
            out.append("\n| --- |").append(" ---: | ---: | ---: |".repeat(ALPHAS.size()));
            out.append('\n');
            for (String column : columns) {
                out.append("| ").append(column).append(" |");
                for (double alpha : ALPHAS) {
                    out.append(cell(falsePositiveRate(alpha, column)))
                            .append(
                                    String.format(
                                            Locale.ROOT,
                                            " %.4f | %.4f |",
                                            expectedFalsePositiveRate(alpha, column),
                                            fprMargin(alpha, column)));
                }
                out.append('\n');
            }
            for (int k = 0; k < ALPHAS.size(); k++) {
                int alpha = k;
                attackTable(
                        out,
                        "Detection rate at alpha "
                                + ALPHAS.get(k)
                                + " on fooling adversarial E rows",
                        a -> a.detectionRates().get(alpha));
            }
            attackTable(
                    out,
                    "AUC, clean vs fooling adversarial E rows (members: raw score; ensembles:"
                            + " final p-value)",
                    AttackResult::aucs);
            return out.toString();
        }

        /** One table with a row per attack and a column per detector. */
        private void attackTable(
                StringBuilder out, String title, Function<AttackResult, List<Spread>> figures) {
            out.append('\n')
                    .append(title)
                    .append("\n\n| attack | norm | eps | fooled (per E) | ")
                    .append(String.join(" | ", columns))
                    .append(" |\n| --- | --- | ---: | ---: |")
                    .append(" ---: |".repeat(columns.size()))
                    .append('\n');
            for (AttackResult a : attacks) {
                out.append(attackCells(a));
                for (Spread s : figures.apply(a)) {
                    out.append(cell(s));
                }
                out.append('\n');
            }
        }

        private static String attackCells(AttackResult a) {
            return String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %d (%.1f) |",
                    a.attack(),
                    a.norm(),
                    a.epsilon(),
                    a.fooled(),
                    a.fooledInE().mean());
        }

        private static String cell(Spread s) {
            return String.format(Locale.ROOT, " %.3f (%.3f) |", s.mean(), s.sd());
        }
    }

    private static int alphaIndex(double alpha) {
        int k = ALPHAS.indexOf(alpha);
        if (k < 0) {
            throw new IllegalArgumentException("alpha " + alpha + " is not one of " + ALPHAS);
        }
        return k;
    }

    private static int columnIndex(String column) {
        int c = columns().indexOf(column);
        if (c < 0) {
            throw new IllegalArgumentException(
                    "no column " + column + "; columns: " + String.join(", ", columns()));
        }
        return c;
    }

    /**
     * Prints the report for the digits served model as Markdown: {@code EnsembleEvaluation
     * [partitions [squeeze bits [no-median]]]}, defaults {@value #DEFAULT_PARTITIONS} partitions
     * and {@value #DEFAULT_SQUEEZE_BITS} bits with the median filter.
     */
    public static void main(String[] args) throws IOException {
        int partitions = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_PARTITIONS;
        int bits = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_SQUEEZE_BITS;
        boolean median = args.length <= 2 || !args[2].equals("no-median");
        Path folder = Files.createTempDirectory("warden-ensemble-evaluation");
        try {
            long start = System.nanoTime();
            Report report =
                    run(ServedModels.DIGITS, folder, digitsSqueezing(bits, median), partitions);
            System.out.print(report.markdown());
            System.out.printf(Locale.ROOT, "%nTook %.1f s.%n", (System.nanoTime() - start) / 1e9);
        } finally {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.collect(Collectors.toList())) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(folder);
        }
    }
}
