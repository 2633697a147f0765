package io.warden.simulator.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.onnx.OnnxScorer;
import io.warden.simulator.data.Dataset;
import io.warden.simulator.model.Mlp;
import io.warden.simulator.model.ServedModel;
import io.warden.simulator.model.ServedModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FGSM and PGD against the served models, their success measured on the committed ONNX files by
 * real ONNX Runtime sessions ({@link EvasionEvaluation}): perturbations stay within epsilon and the
 * box, success grows with epsilon, and PGD fools the model at least as often as FGSM.
 */
class EvasionAttacksTest {

    @TempDir Path dir;

    static Stream<Arguments> modelsAndNorms() {
        return ServedModels.all().stream()
                .flatMap(m -> Stream.of(Arguments.of(m, Norm.LINF), Arguments.of(m, Norm.L2)));
    }

    @ParameterizedTest
    @MethodSource("modelsAndNorms")
    void shouldFoolTheServedModelMoreOftenAsEpsilonGrowsAndPgdAtLeastAsOftenAsFgsm(
            ServedModel served, Norm norm) throws IOException {
        Mlp network = served.network();
        Dataset test = served.split().test();
        double[] epsilons = EvasionEvaluation.epsilons(served, norm);
        double[] fgsmRates = new double[epsilons.length];
        double[] pgdRates = new double[epsilons.length];
        try (OnnxScorer scorer =
                new OnnxScorer(
                        served.writeTo(dir.resolve(served.fileName())), served.scorerSettings())) {
            for (int e = 0; e < epsilons.length; e++) {
                ThreatModel threat = EvasionEvaluation.threatModel(served, norm, epsilons[e]);
                EvasionEvaluation.Result fgsm =
                        EvasionEvaluation.evaluate(
                                scorer, network, new Fgsm(threat), test, EvasionEvaluation.SEED);
                EvasionEvaluation.Result pgd =
                        EvasionEvaluation.evaluate(
                                scorer, network, Pgd.madry(threat), test, EvasionEvaluation.SEED);
                System.out.printf(
                        Locale.ROOT,
                        "%s %s epsilon %s: attacked %d, FGSM %.3f (%d), PGD %.3f (%d)%n",
                        served.name(),
                        norm,
                        epsilons[e],
                        fgsm.attacked(),
                        fgsm.successRate(),
                        fgsm.flipped(),
                        pgd.successRate(),
                        pgd.flipped());
                for (EvasionEvaluation.Result result : new EvasionEvaluation.Result[] {fgsm, pgd}) {
                    assertThat(result.attacked()).isGreaterThan(test.size() * 9 / 10);
                    assertThat(result.largestPerturbation())
                            .isLessThanOrEqualTo(epsilons[e] * (1 + 1e-12));
                    // ONNX Runtime (float) and the Java model (double) disagree at most on a
                    // row or two sitting on the decision boundary.
                    assertThat(Math.abs(result.flipped() - result.javaFlipped()))
                            .isLessThanOrEqualTo(2);
                }
                assertThat(pgd.flipped()).isGreaterThanOrEqualTo(fgsm.flipped());
                fgsmRates[e] = fgsm.successRate();
                pgdRates[e] = pgd.successRate();
            }
        }
        for (double[] rates : new double[][] {fgsmRates, pgdRates}) {
            for (int e = 1; e < rates.length; e++) {
                assertThat(rates[e]).isGreaterThanOrEqualTo(rates[e - 1] - 0.02);
            }
            assertThat(rates[0]).isLessThan(0.2);
            assertThat(rates[rates.length - 1]).isGreaterThan(0.65);
        }
    }

    @ParameterizedTest
    @MethodSource("modelsAndNorms")
    void shouldKeepEveryAdversarialRowInsideTheBallAndTheBox(ServedModel served, Norm norm) {
        Mlp network = served.network();
        Dataset test = served.split().test();
        double[] epsilons = EvasionEvaluation.epsilons(served, norm);
        ThreatModel threat =
                EvasionEvaluation.threatModel(served, norm, epsilons[epsilons.length - 1]);
        double[][] rows = test.features();
        int[] labels = test.labels();
        for (EvasionAttack attack : new EvasionAttack[] {new Fgsm(threat), Pgd.madry(threat)}) {
            double[][] adversarial = attack.perturbAll(network, rows, labels, 5);
            for (int r = 0; r < rows.length; r++) {
                assertThat(threat.box().contains(adversarial[r])).isTrue();
                assertThat(threat.distance(rows[r], adversarial[r]))
                        .isLessThanOrEqualTo(threat.epsilon() * (1 + 1e-12));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("modelsAndNorms")
    void shouldEqualOneFullStepOfPgdWithoutRandomStart(ServedModel served, Norm norm) {
        Mlp network = served.network();
        Dataset test = served.split().test();
        ThreatModel threat =
                EvasionEvaluation.threatModel(
                        served, norm, EvasionEvaluation.epsilons(served, norm)[1]);
        Pgd oneStep = new Pgd(threat, threat.epsilon(), 1, false);
        Fgsm fgsm = new Fgsm(threat);
        SplittableRandom random = new SplittableRandom(1);
        for (int r = 0; r < test.size(); r += 7) {
            assertThat(oneStep.perturb(network, test.row(r), test.label(r), random))
                    .containsExactly(fgsm.perturb(network, test.row(r), test.label(r), random));
        }
    }

    @Test
    void shouldRepeatForTheSameSeedAndStartElsewhereForAnother() {
        ServedModel served = ServedModels.DIGITS;
        Mlp network = served.network();
        Dataset test = served.split().test();
        Pgd pgd = Pgd.madry(EvasionEvaluation.threatModel(served, Norm.L2, 4));
        double[][] rows = test.features();
        int[] labels = test.labels();
        double[][] a = pgd.perturbAll(network, rows, labels, 11);
        assertThat(pgd.perturbAll(network, rows, labels, 11)).isDeepEqualTo(a);
        assertThat(pgd.perturbAll(network, rows, labels, 12)).isNotEqualTo(a);
    }

    @Test
    void shouldLeaveARowAloneAtEpsilonZero() {
        ServedModel served = ServedModels.BREAST_CANCER;
        Dataset test = served.split().test();
        Fgsm fgsm = new Fgsm(EvasionEvaluation.threatModel(served, Norm.LINF, 0));
        double[] x = test.row(0);
        assertThat(fgsm.perturb(served.network(), x, test.label(0), new SplittableRandom(1)))
                .containsExactly(x);
    }
}
