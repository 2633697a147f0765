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
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link ContributorDetection} in Flink's keyed operator harness: a 4-class model; honest
 * contributors agree with its prediction 87% of the time (model errors and label noise), a label
 * flipper also relabels 90% of class 1 as class 2.
 */
class ContributorDetectionTest {
    private static final long TTL = Duration.ofDays(1).toMillis();

    private static KeyedOneInputStreamOperatorTestHarness<String, LabelledPrediction, Alert>
            harness() throws Exception {
        ContributorMonitor monitor =
                ContributorMonitor.builder(4).expectedModelDisagreementRate(0.15).build();
        ContributorDetection detection =
                new ContributorDetection(
                        Map.of("m", new ContributorDetection.Model(monitor, TTL, Severity.HIGH)));
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(detection),
                        ContributorDetection::key,
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

    private static List<Alert> alerts(KeyedOneInputStreamOperatorTestHarness<?, ?, Alert> h) {
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
                h.processElement(
                        new StreamRecord<>(
                                label("honest-" + c, n, t, predicted, honestLabel(r, predicted)),
                                t));
            }
            int predicted = r.nextInt(4);
            int given = predicted == 1 && r.nextDouble() < 0.9 ? 2 : honestLabel(r, predicted);
            h.processElement(new StreamRecord<>(label("flipper", n, t, predicted, given), t));
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
        h.processElement(new StreamRecord<>(label("c", 0, 0, 1, 1), 0));
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        h.processWatermark(TTL - 1);
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        h.processWatermark(TTL);
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
                h.processElement(new StreamRecord<>(p, t));
            }
            int given = r.nextDouble() < 0.3 ? (truth + 1) % 4 : truth;
            LabelledPrediction p = label("contrarian", n, t, given, given);
            p.consensusClass = truth;
            h.processElement(new StreamRecord<>(p, t));
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
}
