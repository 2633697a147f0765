package io.warden.jobs.poisoning;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.poisoning.ContributorMonitor;
import io.warden.jobs.monitor.HarnessOutput;
import io.warden.jobs.performance.LabelledPrediction;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.Severity;
import io.warden.schemas.SubjectType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link ContributorDetection} in Flink's keyed operator harness: a 4-class model; honest
 * contributors agree with its prediction 87% of the time (model errors and label noise), a label
 * flipper also relabels 90% of class 1 as class 2.
 */
class ContributorDetectionTest {
    private static final long TTL = Duration.ofDays(1).toMillis();

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, LabelledPrediction, RecordVerdict, Alert>
            harness() throws Exception {
        ContributorMonitor monitor =
                ContributorMonitor.builder(4).expectedModelDisagreementRate(0.15).build();
        ContributorDetection detection =
                new ContributorDetection(
                        Map.of(
                                "m",
                                new ContributorDetection.Model(
                                        monitor,
                                        TTL,
                                        Severity.HIGH,
                                        new FlaggedRecordRate(0.01, 1e-4, 5, 1000))));
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(detection),
                        (LabelledPrediction p) -> ContributorDetection.key(p),
                        (RecordVerdict v) -> ContributorDetection.key(v),
                        Types.STRING);
        h.open();
        return h;
    }

    private static LabelledPrediction label(
            String contributor, int n, long time, int predicted, int label) {
        LabelledPrediction p = new LabelledPrediction();
        p.modelName = "m";
        p.modelVersion = "1";
        p.modelKey = "m@1";
        p.eventTime = time;
        p.predictedClass = predicted;
        p.labelClass = label;
        p.contributorId = contributor;
        p.feedbackId = contributor + "-" + n;
        return p;
    }

    private static int honestLabel(Random r, int predicted) {
        if (r.nextDouble() < 0.87) {
            return predicted;
        }
        return (predicted + 1 + r.nextInt(3)) % 4;
    }

    private static List<Alert> alerts(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, Alert> h) {
        return HarnessOutput.values(h);
    }

    @Test
    void shouldAlertOnceOnTheLabelFlipperAndNeverOnHonestContributors() throws Exception {
        var h = harness();
        Random r = new Random(21);
        long t = 0;
        for (int n = 0; n < 1000; n++) {
            for (int c = 0; c < 20; c++) {
                int predicted = r.nextInt(4);
                h.processElement1(
                        new StreamRecord<>(
                                label("honest-" + c, n, t, predicted, honestLabel(r, predicted)),
                                t));
            }
            int predicted = r.nextInt(4);
            int given = predicted == 1 && r.nextDouble() < 0.9 ? 2 : honestLabel(r, predicted);
            h.processElement1(new StreamRecord<>(label("flipper", n, t, predicted, given), t));
            t += 1000;
        }
        List<Alert> alerts = alerts(h);
        assertThat(alerts).hasSize(1);
        Alert a = alerts.get(0);
        assertThat(a.getKind()).isEqualTo(AlertKind.POISONING);
        assertThat(a.getSubject().getType()).isEqualTo(SubjectType.CONTRIBUTOR);
        assertThat(a.getSubject().getId()).isEqualTo("flipper");
        assertThat(a.getAtlasTechnique()).isEqualTo(ContributorDetection.ATLAS_POISON);
        assertThat(a.getEvidence().getDetails())
                .containsEntry("top_pair_given", "2")
                .containsEntry("top_pair_predicted", "1");
        long records = Long.parseLong(a.getEvidence().getDetails().get("records"));
        // The flipper disagrees ~35% of the time against 15% expected: it shows within a few
        // hundred labels, not at the first ones (min-records 50).
        assertThat(records).isBetween(50L, 400L);
        assertThat(a.getEvidence().getDetails())
                .containsEntry("feedback_id", "flipper-" + (records - 1));
        h.close();
    }

    @Test
    void shouldDropAnIdleContributorsStateInEventTime() throws Exception {
        var h = harness();
        h.processElement1(new StreamRecord<>(label("c", 0, 0, 1, 1), 0));
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        h.processBothWatermarks(new Watermark(TTL - 1));
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        h.processBothWatermarks(new Watermark(TTL));
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();
    }

    @Test
    void shouldFindAContributorWhoContradictsTheOthersWhereTheModelAgreesWithIt() throws Exception {
        var h = harness();
        Random r = new Random(23);
        long t = 0;
        for (int n = 0; n < 1000; n++) {
            // The others agree on the true class; the contrarian gives another class 30% of the
            // time, which is also what the (compromised or confused) model answered: the
            // disagreement-with-the-model signal sees nothing, the consensus signal does.
            int truth = r.nextInt(4);
            for (int c = 0; c < 5; c++) {
                LabelledPrediction p = label("honest-" + c, n, t, truth, truth);
                p.consensusClass = truth;
                h.processElement1(new StreamRecord<>(p, t));
            }
            int given = r.nextDouble() < 0.3 ? (truth + 1) % 4 : truth;
            LabelledPrediction p = label("contrarian", n, t, given, given);
            p.consensusClass = truth;
            h.processElement1(new StreamRecord<>(p, t));
            t += 1000;
        }
        List<Alert> alerts = alerts(h);
        assertThat(alerts)
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.getSubject().getId()).isEqualTo("contrarian");
                            assertThat(a.getScores())
                                    .filteredOn(s -> s.getFlagged())
                                    .extracting(s -> s.getDetector())
                                    .containsExactly("poisoning.consensus_disagreement");
                        });
        h.close();
    }

    private static RecordVerdict verdict(String contributor, int n, boolean flagged) {
        RecordVerdict v = new RecordVerdict();
        v.modelName = "m";
        v.modelVersion = "1";
        v.modelKey = "m@1";
        v.contributorId = contributor;
        v.feedbackId = contributor + "-r" + n;
        v.eventTime = n;
        v.judged = true;
        v.flagged = flagged;
        return v;
    }

    @Test
    void shouldFindAContributorWhoseRecordsKeepBeingFlaggedAndNotOneFlaggedAtTheFalseAlarmRate()
            throws Exception {
        var h = harness();
        Random r = new Random(29);
        for (int n = 0; n < 2000; n++) {
            // Honest: flagged at the detectors' 1% false-positive rate; the poisoner: a third of
            // its records flagged.
            h.processElement2(new StreamRecord<>(verdict("honest", n, r.nextDouble() < 0.01), n));
            h.processElement2(new StreamRecord<>(verdict("poisoner", n, n % 3 == 0), n));
        }
        assertThat(alerts(h))
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.getSubject().getId()).isEqualTo("poisoner");
                            assertThat(a.getKind()).isEqualTo(AlertKind.POISONING);
                            assertThat(a.getScores())
                                    .singleElement()
                                    .satisfies(
                                            s -> {
                                                assertThat(s.getDetector())
                                                        .isEqualTo(FlaggedRecordRate.ID);
                                                assertThat(s.getPValue()).isLessThan(1e-4);
                                            });
                            // Five flagged of the first 13 records: p ~ 1e-8, found at once.
                            assertThat(
                                            Integer.parseInt(
                                                    a.getEvidence()
                                                            .getDetails()
                                                            .get("flagged_records")))
                                    .isEqualTo(5);
                        });
        h.close();
    }

    @Test
    void theFlaggedRecordRateAgreesWithTheBinomialTail() {
        FlaggedRecordRate rate = new FlaggedRecordRate(0.01, 1e-4, 1, 1000);
        FlaggedRecordRate.Counts c = new FlaggedRecordRate.Counts();
        c.judged = 100;
        c.flagged = 3;
        // P(X >= 3) for X ~ Bin(100, 0.01) = 1 - P(0) - P(1) - P(2) = 0.0793732...
        double exact =
                1
                        - Math.pow(0.99, 100)
                        - 100 * 0.01 * Math.pow(0.99, 99)
                        - 4950 * 1e-4 * Math.pow(0.99, 98);
        assertThat(rate.assess(c).pValue())
                .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-12));
    }
}
