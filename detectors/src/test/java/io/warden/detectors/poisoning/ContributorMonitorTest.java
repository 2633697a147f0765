package io.warden.detectors.poisoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.warden.detectors.core.DetectorResult;
import io.warden.detectors.poisoning.PoisoningTestData.Feedback;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ContributorMonitorTest {

    private static final Logger LOG = LoggerFactory.getLogger(ContributorMonitorTest.class);

    private static final double ACCURACY = 0.9;
    private static final double NOISE = 0.03;

    /**
     * An honest contributor disagrees with the model when the model is right and the label noisy,
     * or when the model is wrong and the noise does not happen to pick the model's class.
     */
    private static final double HONEST_RATE =
            ACCURACY * NOISE + (1 - ACCURACY) * (1 - NOISE / (PoisoningTestData.CLASSES - 1));

    private static final int FLIP_FROM = 7;
    private static final int FLIP_TO = 1;

    private static ContributorMonitor monitor() {
        return ContributorMonitor.builder(PoisoningTestData.CLASSES)
                .expectedModelDisagreementRate(HONEST_RATE)
                .expectedConsensusDisagreementRate(0.04)
                .build();
    }

    /** Feeds a contributor's records; returns the last assessment. */
    private static ContributorAssessment run(
            ContributorMonitor monitor,
            ContributorState state,
            PopulationState population,
            Random random,
            int records,
            double flipShare) {
        ContributorAssessment last = null;
        for (int i = 0; i < records; i++) {
            Feedback f =
                    PoisoningTestData.next(
                            random, ACCURACY, NOISE, FLIP_FROM, FLIP_TO, flipShare, 0.3);
            last = monitor.assess(state, f.given(), f.predicted(), f.consensus(), population);
        }
        return last;
    }

    @Test
    void honestContributorsAreRarelyFlaggedOverLongHistories() {
        ContributorMonitor monitor = monitor();
        Random random = new Random(501);
        int flagged = 0;
        for (int contributor = 0; contributor < 100; contributor++) {
            ContributorAssessment last = run(monitor, monitor.newState(), null, random, 2000, 0.0);
            if (last.firstFiredAtRecord().isPresent()) {
                flagged++;
                LOG.info("honest contributor {} flagged: {}", contributor, last.fired());
            }
        }
        LOG.info("honest contributors ever flagged over 2,000 records each: {} of 100", flagged);
        assertThat(flagged).isLessThanOrEqualTo(2);
    }

    @Test
    void aLabelFlipperIsFlaggedOnTheFlippedPairAndTheReportSaysAfterHowManyRecords() {
        ContributorMonitor monitor = monitor();
        List<Long> detections = new ArrayList<>();
        for (int seed = 0; seed < 20; seed++) {
            ContributorState state = monitor.newState();
            ContributorAssessment last =
                    run(monitor, state, null, new Random(600 + seed), 1500, 0.6);

            assertThat(last.reading(LabelFlipSignal.MODEL_DISAGREEMENT).hasFired()).isTrue();
            assertThat(last.reading(LabelFlipSignal.PAIR_CONCENTRATION).hasFired()).isTrue();
            assertThat(last.topPairGiven()).isEqualTo(FLIP_TO);
            assertThat(last.topPairPredicted()).isEqualTo(FLIP_FROM);
            detections.add(last.firstFiredAtRecord().orElseThrow());
        }
        detections.sort(null);
        LOG.info(
                "flipper (60% of class {} relabelled {}) first flagged after records: median {},"
                        + " max {}, all {}",
                FLIP_FROM,
                FLIP_TO,
                detections.get(detections.size() / 2),
                detections.get(detections.size() - 1),
                detections);
        assertThat(detections.get(detections.size() / 2)).isLessThanOrEqualTo(400L);
        assertThat(detections.get(detections.size() - 1)).isLessThanOrEqualTo(1000L);
    }

    @Test
    void thePopulationBaselineReplacesTheExpectedRateOnceLargeEnough() {
        // Built from the reference accuracy alone, the expected rate (0.10) ignores honest label
        // noise; the population's observed rate corrects it.
        ContributorMonitor monitor =
                ContributorMonitor.builder(PoisoningTestData.CLASSES)
                        .referenceAccuracy(ACCURACY)
                        .build();
        PopulationState population = monitor.newPopulation();
        Random random = new Random(701);
        for (int i = 0; i < 50_000; i++) {
            Feedback f = PoisoningTestData.next(random, ACCURACY, NOISE, 0, 0, 0.0, 0.3);
            monitor.observe(population, f.given(), f.predicted(), f.consensus());
        }
        assertThat(population.modelDisagreementRate()).isCloseTo(HONEST_RATE, within(0.01));

        int againstPopulation = 0;
        int againstAccuracyOnly = 0;
        for (int contributor = 0; contributor < 50; contributor++) {
            long seed = 710 + contributor;
            againstPopulation +=
                    run(monitor, monitor.newState(), population, new Random(seed), 2000, 0.0)
                                    .firstFiredAtRecord()
                                    .isPresent()
                            ? 1
                            : 0;
            againstAccuracyOnly +=
                    run(monitor, monitor.newState(), null, new Random(seed), 2000, 0.0)
                                    .firstFiredAtRecord()
                                    .isPresent()
                            ? 1
                            : 0;
        }
        LOG.info(
                "honest contributors flagged of 50: {} against the population, {} against 1 -"
                        + " accuracy",
                againstPopulation,
                againstAccuracyOnly);
        assertThat(againstPopulation).isLessThanOrEqualTo(1);
        assertThat(againstAccuracyOnly).isGreaterThan(10);

        ContributorAssessment flipper =
                run(monitor, monitor.newState(), population, new Random(799), 1500, 0.6);
        LabelFlipReading reading = flipper.reading(LabelFlipSignal.MODEL_DISAGREEMENT);
        assertThat(reading.baseline()).isEqualTo(population.modelDisagreementRate());
        assertThat(reading.hasFired()).isTrue();
    }

    @Test
    void disagreementWithTheConsensusFiresWithoutAnyModelPrediction() {
        ContributorMonitor monitor = monitor();
        ContributorState flipper = monitor.newState();
        ContributorState honest = monitor.newState();
        Random random = new Random(801);
        ContributorAssessment flipperLast = null;
        ContributorAssessment honestLast = null;
        for (int i = 0; i < 3000; i++) {
            Feedback f =
                    PoisoningTestData.next(random, ACCURACY, NOISE, FLIP_FROM, FLIP_TO, 0.6, 1);
            flipperLast =
                    monitor.assess(flipper, f.given(), ContributorMonitor.UNKNOWN, f.consensus());
            Feedback h = PoisoningTestData.next(random, ACCURACY, NOISE, 0, 0, 0.0, 1);
            honestLast =
                    monitor.assess(honest, h.given(), ContributorMonitor.UNKNOWN, h.consensus());
        }
        LabelFlipReading consensus = flipperLast.reading(LabelFlipSignal.CONSENSUS_DISAGREEMENT);
        LOG.info("consensus disagreement first fired at record {}", consensus.firstFiredAtRecord());
        assertThat(consensus.hasFired()).isTrue();
        assertThat(flipperLast.reading(LabelFlipSignal.MODEL_DISAGREEMENT).value()).isNaN();
        assertThat(flipperLast.reading(LabelFlipSignal.PAIR_CONCENTRATION).hasFired()).isFalse();
        assertThat(flipperLast.topPairGiven()).isEqualTo(-1);
        assertThat(flipper.recordsWithPrediction()).isZero();
        assertThat(honestLast.firstFiredAtRecord()).isEmpty();

        DetectorResult result = consensus.toResult();
        assertThat(result.detector()).isEqualTo("poisoning.consensus_disagreement");
        assertThat(result.hasPValue()).isTrue();
        assertThat(result.pValue()).isLessThanOrEqualTo(result.threshold());
        assertThat(result.flagged()).isEqualTo(consensus.firing());
    }

    @Test
    void aContributorWhoTurnsLateIsFoundWithinAboutAWindow() {
        ContributorMonitor monitor = monitor();
        ContributorState state = monitor.newState();
        Random random = new Random(901);
        ContributorAssessment honestPhase = run(monitor, state, null, random, 20_000, 0.0);
        assertThat(honestPhase.firstFiredAtRecord()).isEmpty();

        ContributorAssessment after = run(monitor, state, null, random, 1500, 0.6);
        long delay = after.firstFiredAtRecord().orElseThrow() - 20_000;
        LOG.info("after 20,000 honest records, flipping flagged {} records later", delay);
        assertThat(delay).isBetween(1L, 1500L);
    }

    @Test
    void theBinomialTailIsTheExactOneForIntegerCounts() {
        BinomialDistribution binomial = new BinomialDistribution(null, 200, 0.12);
        for (int k : new int[] {0, 1, 10, 24, 30, 45, 80}) {
            double expected = k == 0 ? 1.0 : 1.0 - binomial.cumulativeProbability(k - 1);
            assertThat(ContributorMonitor.upperTail(k, 200, 0.12))
                    .isCloseTo(expected, within(1e-12 + 1e-9 * expected));
        }
    }

    @Test
    void aDeserializedStateGivesTheSameVerdicts() throws Exception {
        ContributorMonitor monitor = PoisoningTestData.copied(monitor());
        ContributorState original = monitor.newState();
        run(monitor, original, null, new Random(1001), 700, 0.6);
        ContributorState copy = PoisoningTestData.copied(original);

        Random a = new Random(1002);
        Random b = new Random(1002);
        for (int i = 0; i < 500; i++) {
            ContributorAssessment left = run(monitor, original, null, a, 1, 0.6);
            ContributorAssessment right = run(monitor, copy, null, b, 1, 0.6);
            assertThat(right).isEqualTo(left);
        }
        assertThat(copy.records()).isEqualTo(1200);
    }

    @Test
    void stateSizeDoesNotGrowWithTheNumberOfRecords() throws Exception {
        ContributorMonitor monitor = monitor();
        ContributorState state = monitor.newState();
        Random random = new Random(1101);
        run(monitor, state, null, random, 200, 0.0);
        int after200 = PoisoningTestData.bytesOf(state).length;
        run(monitor, state, null, random, 200_000, 0.3);
        int after200k = PoisoningTestData.bytesOf(state).length;
        LOG.info(
                "serialized contributor state: {} bytes after 200, {} after 200,200 records",
                after200,
                after200k);
        assertThat(after200k).isEqualTo(after200).isLessThan(1024);
        assertThat(state.model.weight()).isLessThan(ContributorMonitor.DEFAULT_WINDOW);
        assertThat(state.records()).isEqualTo(200_200);
    }

    @Test
    void rejectsInconsistentSettingsAndLabels() {
        assertThatThrownBy(() -> ContributorMonitor.builder(10).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                ContributorMonitor.builder(10)
                                        .referenceAccuracy(0.9)
                                        .window(60)
                                        .minRecords(50)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        ContributorMonitor monitor = monitor();
        ContributorState state = monitor.newState();
        assertThatThrownBy(() -> monitor.assess(state, 10, 1, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> monitor.assess(state, 1, -2, -1))
                .isInstanceOf(IllegalArgumentException.class);
        ContributorState foreign =
                ContributorMonitor.builder(3).referenceAccuracy(0.9).build().newState();
        assertThatThrownBy(() -> monitor.assess(foreign, 1, 1, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
