package io.warden.jobs.poisoning;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.poisoning.ClassConditionalOutliers;
import io.warden.detectors.poisoning.SpectralSignatures;
import io.warden.jobs.monitor.HarnessOutput;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Severity;
import io.warden.schemas.SubjectType;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link FeedbackRecordDetection} in Flink's keyed operator harness, on Gaussian classes whose
 * truth is known: four classes in 64 dimensions with unit covariance and means 3 apart along their
 * own axis; the reference holds 1,000 rows of each class with its true label.
 */
class FeedbackRecordDetectionTest {
    private static final int DIMS = 64;
    private static final int CLASSES = 4;

    private static double[] sample(Random r, int cls) {
        double[] x = new double[DIMS];
        for (int j = 0; j < DIMS; j++) {
            x[j] = r.nextGaussian();
        }
        x[cls] += 5.0;
        return x;
    }

    private static ClassConditionalOutliers outliers(
            double alpha, ClassConditionalOutliers.PValueMethod method) {
        Random r = new Random(11);
        int n = 1000 * CLASSES;
        double[][] rows = new double[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % CLASSES;
            rows[i] = sample(r, labels[i]);
        }
        return ClassConditionalOutliers.builder(CLASSES)
                .alpha(alpha)
                .method(method)
                .fit(rows, labels);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, FeedbackSample, Alert> harness(
            FeedbackRecordModel model) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new FeedbackRecordDetection(Map.of("m@1", model))),
                        FeedbackRecordDetection::key,
                        Types.STRING);
        h.open();
        return h;
    }

    private static FeedbackSample labelled(String id, int label, double[] x, long time) {
        FeedbackSample s = new FeedbackSample();
        s.modelName = "m";
        s.modelVersion = "1";
        s.modelKey = "m@1";
        s.feedbackId = id;
        s.contributorId = id.startsWith("flip") ? "flipper" : "honest";
        s.requestId = "req-" + id;
        s.labelClass = label;
        s.eventTime = time;
        s.features = x;
        return s;
    }

    private static List<Alert> alerts(KeyedOneInputStreamOperatorTestHarness<?, ?, Alert> h) {
        return HarnessOutput.values(h);
    }

    @Test
    void shouldFlagFlippedLabelsAsTheyComeAndFewHonestOnes() throws Exception {
        var h =
                harness(
                        new FeedbackRecordModel(
                                outliers(0.01, ClassConditionalOutliers.PValueMethod.CONFORMAL),
                                null,
                                0,
                                Severity.MEDIUM));
        Random r = new Random(12);
        int honest = 2000;
        int flipped = 100;
        for (int i = 0; i < honest + flipped; i++) {
            int cls = i % CLASSES;
            boolean flip = i >= honest;
            String id = (flip ? "flip-" : "ok-") + i;
            h.processElement(
                    new StreamRecord<>(
                            labelled(id, flip ? (cls + 1) % CLASSES : cls, sample(r, cls), i), i));
        }
        List<Alert> alerts = alerts(h);
        long caught =
                alerts.stream().filter(a -> a.getSubject().getId().startsWith("flip")).count();
        long false_ = alerts.size() - caught;
        // A flipped sample lies 5 * sqrt(2) from its given class's mean: D^2 is noncentral
        // chi-squared(64, 50), mean 114 and sd 16, over the central 0.99 quantile 93.2 about 90%
        // of the time.
        assertThat(caught).as("flipped records flagged").isGreaterThanOrEqualTo(80);
        // alpha 0.01 of 2,000 honest records: 20 expected; 40 is more than 4 standard deviations.
        assertThat(false_).as("honest records flagged").isLessThanOrEqualTo(40);
        Alert a =
                alerts.stream()
                        .filter(x -> x.getSubject().getId().startsWith("flip"))
                        .findFirst()
                        .orElseThrow();
        assertThat(a.getKind()).isEqualTo(AlertKind.POISONING);
        assertThat(a.getSubject().getType()).isEqualTo(SubjectType.FEEDBACK_RECORD);
        assertThat(a.getAtlasTechnique()).isEqualTo("AML.T0020");
        assertThat(a.getEvidence().getDetails()).containsEntry("contributor_id", "flipper");
        assertThat(a.getEvidence().getRequestIds())
                .containsExactly("req-" + a.getSubject().getId());
        assertThat(a.getScores())
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.getDetector()).isEqualTo(ClassConditionalOutliers.ID);
                            assertThat(s.getPValue()).isLessThanOrEqualTo(0.01);
                            assertThat(s.getFlagged()).isTrue();
                        });
        assertThat(alerts).extracting(Alert::getAlertId).doesNotHaveDuplicates();
    }

    @Test
    void shouldFlagTriggeredRecordsOfAWindowThatOneByOneLookNormal() throws Exception {
        // Outliers only at 1e-12: a trigger of +3 on 8 features (D^2 ~ 136) mostly passes.
        int window = 200;
        var h =
                harness(
                        new FeedbackRecordModel(
                                outliers(1e-12, ClassConditionalOutliers.PValueMethod.CHI_SQUARED),
                                SpectralSignatures.builder().epsilon(0.05).build(),
                                window,
                                Severity.MEDIUM));
        Random r = new Random(13);
        Set<String> triggered = new HashSet<>();
        int windows = 3;
        int poisoned = 14; // 7% of each window of class 2
        for (int w = 0; w < windows; w++) {
            for (int i = 0; i < window; i++) {
                double[] x = sample(r, 2);
                String id = "w" + w + "-" + i;
                if (i % (window / poisoned) == 0 && triggered.size() < (w + 1) * poisoned) {
                    for (int j = 10; j < 18; j++) {
                        x[j] += 3.0;
                    }
                    id = "flip-" + id;
                    triggered.add(id);
                }
                long t = (long) w * window + i;
                h.processElement(new StreamRecord<>(labelled(id, 2, x, t), t));
            }
            if (w == 0) {
                assertThat(h.numKeyedStateEntries())
                        .as("a full window is analysed and emptied")
                        .isZero();
            }
        }
        // Half a window more: held, not analysed yet.
        for (int i = 0; i < window / 2; i++) {
            h.processElement(
                    new StreamRecord<>(labelled("tail-" + i, 2, sample(r, 2), 9_000), 9_000));
        }
        List<Alert> alerts = alerts(h);
        Set<String> flagged = new HashSet<>();
        alerts.forEach(a -> flagged.add(a.getSubject().getId()));
        long caught = triggered.stream().filter(flagged::contains).count();
        assertThat(caught)
                .as("triggered records flagged")
                .isGreaterThanOrEqualTo(windows * poisoned - 3L);
        assertThat(flagged.size() - caught).as("clean records flagged").isLessThanOrEqualTo(6);
        assertThat(flagged).noneMatch(id -> id.startsWith("tail-"));
        List<Alert> bySpectrum = alerts.stream().filter(x -> x.getScores().size() == 2).toList();
        assertThat(bySpectrum)
                .as("alerts of records only the spectral window flagged")
                .hasSizeGreaterThanOrEqualTo(windows * poisoned / 2)
                .allSatisfy(
                        a -> {
                            assertThat(a.getScores())
                                    .extracting(DetectorScore::getDetector)
                                    .containsExactly(
                                            ClassConditionalOutliers.ID, SpectralSignatures.ID);
                            assertThat(a.getScores().get(0).getFlagged()).isFalse();
                            assertThat(a.getScores().get(1).getFlagged()).isTrue();
                            assertThat(a.getEvidence().getDetails())
                                    .containsKeys("spectral_row_score", "spectral_window_rows");
                        });
        assertThat(alerts).extracting(Alert::getAlertId).doesNotHaveDuplicates();
        assertThat(h.numKeyedStateEntries()).as("the half window waits in state").isPositive();
    }
}
