package io.warden.jobs.performance;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.schemas.DeadLetter;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.SourceRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** {@link LabelJoin} in Flink's keyed two-input operator harness. */
class LabelJoinTest {
    private static final long T0 = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
    private static final Duration LABEL_WAIT = Duration.ofMinutes(10);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);
    private static final long WAIT = LABEL_WAIT.toMillis();

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, Prediction, Label, LabelledPrediction>
            harness() throws Exception {
        return harness(false);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, Prediction, Label, LabelledPrediction>
            harness(boolean keepAllLabels) throws Exception {
        KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Label, LabelledPrediction> h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(
                                new LabelJoin(LABEL_WAIT, JOIN_TIMEOUT, keepAllLabels)),
                        p -> p.key,
                        l -> l.key,
                        Types.STRING);
        h.open();
        return h;
    }

    private static Prediction prediction(String requestId, long time, int predicted) {
        Prediction p = new Prediction();
        p.key = LabelJoin.key("m", requestId);
        p.modelName = "m";
        p.modelVersion = "1";
        p.eventTime = time;
        p.predictedClass = predicted;
        p.msp = 0.8;
        return p;
    }

    private static Label label(String requestId, String feedbackId, long time, int labelClass) {
        Label l = new Label();
        l.key = LabelJoin.key("m", requestId);
        l.feedbackId = feedbackId;
        l.eventTime = time;
        l.labelClass = labelClass;
        l.feedback =
                FeedbackRecord.newBuilder()
                        .setFeedbackId(feedbackId)
                        .setEventTime(Instant.ofEpochMilli(time))
                        .setModelName("m")
                        .setRequestId(requestId)
                        .setContributorId("annotator-1")
                        .setLabel("class-" + labelClass)
                        .setFeatures(List.of())
                        .setAttributes(Map.of())
                        .build();
        l.source = new SourceRef("inference.feedback", 0, 17L, null);
        return l;
    }

    private static List<LabelledPrediction> outputs(
            KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Label, LabelledPrediction>
                    h) {
        List<LabelledPrediction> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((LabelledPrediction) r.getValue());
            }
        }
        return out;
    }

    private static List<DeadLetter> deadLetters(
            KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Label, LabelledPrediction>
                    h) {
        List<DeadLetter> out = new ArrayList<>();
        var queue = h.getSideOutput(LabelJoin.DEAD_LETTERS);
        if (queue != null) {
            queue.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    @Test
    void aPredictionLeavesWithItsLabelWhenTheLabelWaitIsOver() throws Exception {
        var h = harness();
        h.processElement1(new StreamRecord<>(prediction("r1", T0, 2), T0 + 100));
        h.processElement2(new StreamRecord<>(label("r1", "f1", T0 + 60_000, 1), T0 + 60_000));
        h.processBothWatermarks(new Watermark(T0 + WAIT - 1));
        assertThat(outputs(h)).as("still waiting for a better label").isEmpty();
        h.processBothWatermarks(new Watermark(T0 + WAIT));
        List<LabelledPrediction> out = outputs(h);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).labelClass).isEqualTo(1);
        assertThat(out.get(0).predictedClass).isEqualTo(2);
        assertThat(out.get(0).eventTime).as("the request's time").isEqualTo(T0);
        assertThat(deadLetters(h)).isEmpty();
        assertThat(h.numKeyedStateEntries()).as("state cleared").isZero();
    }

    @Test
    void aLabelBeforeItsPredictionStillJoins() throws Exception {
        var h = harness();
        h.processElement2(new StreamRecord<>(label("r1", "f1", T0 + 5_000, 0), T0 + 5_000));
        h.processBothWatermarks(new Watermark(T0 + 4_000));
        h.processElement1(new StreamRecord<>(prediction("r1", T0, 0), T0 + 20_000));
        h.processBothWatermarks(new Watermark(T0 + WAIT));
        assertThat(outputs(h)).singleElement().satisfies(p -> assertThat(p.labelClass).isZero());
        assertThat(deadLetters(h)).isEmpty();
    }

    @Test
    void aPredictionWithoutLabelLeavesUnlabelled() throws Exception {
        var h = harness();
        h.processElement1(new StreamRecord<>(prediction("r1", T0, 0), T0));
        h.processBothWatermarks(new Watermark(T0 + WAIT));
        assertThat(outputs(h))
                .singleElement()
                .satisfies(p -> assertThat(p.labelClass).isEqualTo(LabelledPrediction.UNLABELLED));
    }

    @Test
    void ofSeveralLabelsTheFirstByEventTimeCountsWhateverTheArrivalOrder() throws Exception {
        for (boolean earliestFirst : new boolean[] {true, false}) {
            var h = harness();
            h.processElement1(new StreamRecord<>(prediction("r1", T0, 0), T0));
            Label early = label("r1", "f-b", T0 + 1_000, 1);
            Label late = label("r1", "f-a", T0 + 2_000, 2);
            Label tie = label("r1", "f-c", T0 + 1_000, 0);
            List<Label> order =
                    earliestFirst ? List.of(early, late, tie) : List.of(tie, late, early);
            for (Label l : order) {
                h.processElement2(new StreamRecord<>(l, l.eventTime));
            }
            h.processBothWatermarks(new Watermark(T0 + WAIT));
            assertThat(outputs(h))
                    .as("earliest first: " + earliestFirst)
                    .singleElement()
                    .satisfies(p -> assertThat(p.labelClass).isEqualTo(1));
            assertThat(deadLetters(h)).isEmpty();
        }
    }

    @Test
    void aLabelLaterThanTheLabelWaitIsAnOrphanWithItsReason() throws Exception {
        var h = harness();
        h.processElement1(new StreamRecord<>(prediction("r1", T0, 0), T0));
        h.processElement2(
                new StreamRecord<>(label("r1", "f1", T0 + WAIT + 60_000, 1), T0 + WAIT + 60_000));
        h.processBothWatermarks(new Watermark(T0 + WAIT));
        assertThat(outputs(h))
                .singleElement()
                .satisfies(p -> assertThat(p.labelClass).isEqualTo(LabelledPrediction.UNLABELLED));
        DeadLetter d = deadLetters(h).get(0);
        assertThat(d.getReasonCode()).isEqualTo(DeadLetterReason.ORPHAN);
        assertThat(d.getReason())
                .isEqualTo("label came 11m after its request r1, later than label-wait 10m");
        assertThat(d.getStage()).isEqualTo("label-join");
        assertThat(d.getRequestId()).isEqualTo("r1");
        assertThat(d.getSource().getOffset()).isEqualTo(17L);
        assertThat(d.getValue()).as("the feedback record, re-encoded").isNotNull();
    }

    @Test
    void aLabelWithoutPredictionIsAnOrphanAfterTheJoinTimeout() throws Exception {
        var h = harness();
        h.processElement2(new StreamRecord<>(label("r9", "f1", T0, 1), T0));
        h.processBothWatermarks(new Watermark(T0 + JOIN_TIMEOUT.toMillis() - 1));
        assertThat(deadLetters(h)).isEmpty();
        h.processBothWatermarks(new Watermark(T0 + JOIN_TIMEOUT.toMillis()));
        assertThat(deadLetters(h))
                .singleElement()
                .satisfies(
                        d ->
                                assertThat(d.getReason())
                                        .startsWith(
                                                "no prediction of model 'm' for this label's row"
                                                        + " within 30s"));
        assertThat(outputs(h)).isEmpty();
        assertThat(h.numKeyedStateEntries()).isZero();
    }

    @Test
    void stateSurvivesASnapshotAndRestore() throws Exception {
        var h = harness();
        h.processElement1(new StreamRecord<>(prediction("r1", T0, 2), T0));
        h.processElement2(new StreamRecord<>(label("r1", "f1", T0 + 1_000, 2), T0 + 1_000));
        var snapshot = h.snapshot(1, T0 + 2_000);
        h.close();
        var restored =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new LabelJoin(LABEL_WAIT, JOIN_TIMEOUT)),
                        (Prediction p) -> p.key,
                        (Label l) -> l.key,
                        Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        restored.processBothWatermarks(new Watermark(T0 + WAIT));
        assertThat(outputs(restored))
                .singleElement()
                .satisfies(p -> assertThat(p.labelClass).isEqualTo(2));
    }

    private static List<LabelledPrediction> allLabels(
            KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Label, LabelledPrediction>
                    h) {
        List<LabelledPrediction> out = new ArrayList<>();
        var queue = h.getSideOutput(LabelJoin.ALL_LABELS);
        if (queue != null) {
            queue.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    @Test
    void withAllLabelsKeptEveryLabelLeavesWithTheConsensusOfTheOthers() throws Exception {
        var h = harness(true);
        h.processElement1(new StreamRecord<>(prediction("r1", T0, 1), T0));
        // Three say class 1, one says class 2; a second row has a single label.
        int[] classes = {1, 2, 1, 1};
        for (int i = 0; i < classes.length; i++) {
            Label l = label("r1", "f" + i, T0 + 1_000 * (i + 1), classes[i]);
            h.processElement2(new StreamRecord<>(l, l.eventTime));
        }
        h.processElement1(new StreamRecord<>(prediction("r2", T0, 0), T0));
        h.processElement2(new StreamRecord<>(label("r2", "g0", T0 + 1_000, 3), T0 + 1_000));
        h.processBothWatermarks(new Watermark(T0 + WAIT));

        assertThat(outputs(h))
                .as("the performance windows still get one row each, with its first label")
                .extracting(p -> p.feedbackId)
                .containsExactlyInAnyOrder("f0", "g0");
        List<LabelledPrediction> all = allLabels(h);
        assertThat(all)
                .extracting(p -> p.feedbackId + " " + p.labelClass + " " + p.consensusClass)
                .containsExactlyInAnyOrder(
                        "f0 1 1", // others: 2, 1, 1
                        "f1 2 1", // others: 1, 1, 1
                        "f2 1 1",
                        "f3 1 1",
                        "g0 3 " + LabelledPrediction.NO_CONSENSUS);
        assertThat(all).allMatch(p -> p.predictedClass == (p.feedbackId.startsWith("f") ? 1 : 0));
        assertThat(h.numKeyedStateEntries()).as("state cleared").isZero();
    }

    @Test
    void aTieAmongTheOtherLabelsIsNoConsensus() {
        List<Label> labels =
                List.of(
                        label("r", "a", T0, 1),
                        label("r", "b", T0, 2),
                        label("r", "c", T0, 1),
                        label("r", "d", T0, 2));
        assertThat(LabelJoin.consensusOfOthers(labels, 0)).as("others 2, 1, 2").isEqualTo(2);
        assertThat(LabelJoin.consensusOfOthers(labels.subList(0, 3), 2))
                .as("others 1, 2")
                .isEqualTo(LabelledPrediction.NO_CONSENSUS);
    }

    @Test
    void withAllLabelsKeptEveryLateLabelIsAnOrphan() throws Exception {
        var h = harness(true);
        h.processElement2(new StreamRecord<>(label("r9", "a", T0, 1), T0));
        h.processElement2(new StreamRecord<>(label("r9", "b", T0 + 10, 1), T0 + 10));
        h.processBothWatermarks(new Watermark(T0 + JOIN_TIMEOUT.toMillis()));
        assertThat(deadLetters(h)).hasSize(2);
        assertThat(allLabels(h)).isEmpty();
        assertThat(h.numKeyedStateEntries()).isZero();
    }
}
