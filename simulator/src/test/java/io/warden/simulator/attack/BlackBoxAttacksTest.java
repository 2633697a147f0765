package io.warden.simulator.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.warden.detectors.onnx.OnnxScorer;
import io.warden.simulator.data.Dataset;
import io.warden.simulator.model.ServedModel;
import io.warden.simulator.model.ServedModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The black-box attacks against the served models, every query answered by a real ONNX Runtime
 * session on the committed file: HopSkipJump shrinks its perturbation as it queries while staying
 * adversarial, and extraction copies the model far above chance, Jacobian augmentation better than
 * random queries with as many of them.
 */
class BlackBoxAttacksTest {

    @TempDir Path dir;

    /** The served model as a black box, counting queries. */
    private static final class Oracle implements LabelOracle {
        final OnnxScorer scorer;
        int queries;

        Oracle(OnnxScorer scorer) {
            this.scorer = scorer;
        }

        @Override
        public int label(double[] x) {
            queries++;
            float[] row = new float[x.length];
            for (int j = 0; j < x.length; j++) {
                row[j] = (float) x[j];
            }
            return EvasionEvaluation.argmax(scorer.score(new float[][] {row})[0]);
        }
    }

    private OnnxScorer open(ServedModel served) throws IOException {
        return new OnnxScorer(
                served.writeTo(dir.resolve(served.fileName())), served.scorerSettings());
    }

    @Test
    void hopSkipJumpShouldShrinkItsPerturbationWhileStayingAdversarial() throws IOException {
        ServedModel served = ServedModels.DIGITS;
        Dataset test = served.split().test();
        ThreatModel threat = EvasionEvaluation.threatModel(served, Norm.L2, 1);
        HopSkipJump attack = HopSkipJump.of(threat, 2_500);
        SplittableRandom random = new SplittableRandom(3);
        try (OnnxScorer scorer = open(served)) {
            Oracle oracle = new Oracle(scorer);
            for (int row : new int[] {0, 1, 2}) {
                double[] x = test.row(row);
                int original = oracle.label(x);
                int before = oracle.queries;
                HopSkipJump.Result result = attack.attack(oracle, x, original, List.of(), random);

                assertThat(result.found()).isTrue();
                assertThat(result.queries())
                        .isEqualTo(oracle.queries - before)
                        .isLessThanOrEqualTo(2_500);
                assertThat(served.featureBox().contains(result.adversarial())).isTrue();
                assertThat(oracle.label(result.adversarial())).isNotEqualTo(original);
                double distance = threat.distance(x, result.adversarial());
                assertThat(distance).isCloseTo(result.distance(), offset(1e-6));
                // From a random start tens of pixels away to within the L2 budget at which PGD,
                // with the gradients, fools 99 % of the test rows (docs/served-models.md).
                assertThat(result.startDistance()).isGreaterThan(2 * distance);
                assertThat(distance).isLessThan(16);
            }
        }
    }

    @Test
    void hopSkipJumpShouldStartFromTheAttackersOwnRowWhenNoRandomRowIsAdversarial()
            throws IOException {
        ServedModel served = ServedModels.DIGITS;
        Dataset test = served.split().test();
        HopSkipJump attack = HopSkipJump.of(EvasionEvaluation.threatModel(served, Norm.L2, 1), 200);
        try (OnnxScorer scorer = open(served)) {
            double[] x = test.row(0);
            int original = new Oracle(scorer).label(x);
            // A model that calls every row but the attacker's own one the original's class.
            double[] own = test.row(1);
            LabelOracle stubborn = y -> y == own ? original + 1 : original;
            HopSkipJump.Result result =
                    attack.attack(stubborn, x, original, List.of(x, own), new SplittableRandom(1));
            assertThat(result.found()).isTrue();
            // Nothing near it is adversarial: the attack keeps its start and spends its budget.
            assertThat(result.adversarial()).containsExactly(own);
            assertThat(result.queries()).isLessThanOrEqualTo(200);
        }
    }

    @Test
    void extractionShouldCopyTheServedModelFarAboveChanceAndJacobianBetterThanRandom()
            throws IOException {
        for (ServedModel served : ServedModels.all()) {
            Dataset test = served.split().test();
            int[] order = new int[test.size()];
            for (int r = 0; r < order.length; r++) {
                order[r] = r;
            }
            int[] seedRows = Extraction.seedRows(test, order, 5);
            int seedSize = seedRows.length;
            assertThat(seedSize).isEqualTo(5 * served.classCount());
            double[][] seed = new double[seedSize][];
            for (int i = 0; i < seedSize; i++) {
                seed[i] = test.row(seedRows[i]);
            }
            Set<Integer> inSeed = Arrays.stream(seedRows).boxed().collect(Collectors.toSet());
            List<double[]> heldOut = new ArrayList<>();
            for (int r = 0; r < test.size(); r++) {
                if (!inSeed.contains(r)) {
                    heldOut.add(test.row(r));
                }
            }
            double[][] rows = heldOut.toArray(new double[0][]);
            Extraction extraction =
                    new Extraction(served, served.featureBox(), served.trainingSettings());
            try (OnnxScorer scorer = open(served)) {
                Oracle oracle = new Oracle(scorer);
                int[] answers = new int[rows.length];
                for (int r = 0; r < rows.length; r++) {
                    answers[r] = oracle.label(rows[r]);
                }
                oracle.queries = 0;
                Extraction.Result jacobian = extraction.jacobian(oracle, seed, 4);
                assertThat(oracle.queries).isEqualTo(seedSize * 16);
                assertThat(jacobian.queries()).hasSize(seedSize * 16);
                Extraction.Result random =
                        extraction.random(oracle, seedSize * 16, new SplittableRandom(5));
                assertThat(oracle.queries).isEqualTo(seedSize * 32);

                double jacobianAgreement =
                        Extraction.agreement(jacobian.substitute(), rows, answers);
                double randomAgreement = Extraction.agreement(random.substitute(), rows, answers);
                System.out.printf(
                        "%s: Jacobian %.3f, random %.3f%n",
                        served.name(), jacobianAgreement, randomAgreement);
                // Chance: 0.1 (digits), about 0.6 (breast cancer's majority class).
                assertThat(jacobianAgreement).isGreaterThan(0.7);
                assertThat(jacobianAgreement).isGreaterThan(randomAgreement + 0.1);
                for (double[] q : jacobian.queries()) {
                    assertThat(served.featureBox().contains(q)).isTrue();
                }
            }
        }
    }
}
