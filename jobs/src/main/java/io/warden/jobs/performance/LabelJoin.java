package io.warden.jobs.performance;

import io.warden.jobs.config.Durations;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.codec.AvroCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Joins labels to the predictions they label, keyed by model and row ({@link #key(String,
 * String)}), in event time.
 *
 * <ul>
 *   <li>A prediction of a request at time r waits until the watermark passes r + {@code
 *       label-wait}; then it leaves as a {@link LabelledPrediction}, with its label or unlabelled.
 *   <li>A label counts when its own event time is at most r + {@code label-wait}. Of several, the
 *       first by event time (then feedback id) counts; the others are counted as {@code
 *       extraLabels} and left out (they are valid feedback, for the feedback detectors).
 *   <li>A label later than that, or one whose prediction does not come within {@code join-timeout}
 *       of the label's time (an unknown request, or one whose label wait is over), becomes an
 *       ORPHAN dead letter with the reason.
 * </ul>
 *
 * With {@code keepAllLabels} (a model of the group has poisoning detectors), every label of a row
 * is kept until the row leaves, and then each leaves on the side output {@link #ALL_LABELS} as a
 * {@link LabelledPrediction} of its own, with the consensus of the row's other labels ({@link
 * LabelledPrediction#consensusClass}: the class most of them gave, or {@link
 * LabelledPrediction#NO_CONSENSUS} when there are none or a tie): what the per-contributor and
 * per-record poisoning detectors judge. Late and orphaned labels are dead letters then, each one.
 *
 * <p>The outcome depends only on event times, not on arrival order, as long as a label is not
 * stamped before its request; so replays and any parallelism give the same windows.
 */
public final class LabelJoin
        extends KeyedCoProcessFunction<String, Prediction, Label, LabelledPrediction> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("orphan-labels", TypeInformation.of(DeadLetter.class));

    /** Every label of a row, each with the consensus of the others (with keepAllLabels). */
    public static final OutputTag<LabelledPrediction> ALL_LABELS =
            new OutputTag<>("all-labels", TypeInformation.of(LabelledPrediction.class));

    private final long labelWait;
    private final long joinTimeout;
    private final boolean keepAllLabels;

    private transient ValueState<Prediction> prediction;
    private transient ValueState<Label> label;
    private transient ListState<Label> allLabels;
    private transient ValueState<Long> timer;
    private transient Counter joined;
    private transient Counter unlabelled;
    private transient Counter orphans;
    private transient Counter extra;

    /**
     * @param labelWait how long after its request a label may come
     * @param joinTimeout how long after a label its prediction may still come (the request/response
     *     join's wait)
     */
    public LabelJoin(Duration labelWait, Duration joinTimeout) {
        this(labelWait, joinTimeout, false);
    }

    /**
     * @param labelWait how long after its request a label may come
     * @param joinTimeout how long after a label its prediction may still come
     * @param keepAllLabels whether to keep every label of a row for {@link #ALL_LABELS}
     */
    public LabelJoin(Duration labelWait, Duration joinTimeout, boolean keepAllLabels) {
        this.labelWait = labelWait.toMillis();
        this.joinTimeout = joinTimeout.toMillis();
        this.keepAllLabels = keepAllLabels;
    }

    /** The join key of a row of a model: model name and the row's request key. */
    public static String key(String modelName, String rowKey) {
        return modelName + "\u0000" + rowKey;
    }

    @Override
    public void open(OpenContext openContext) {
        prediction =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "prediction", TypeInformation.of(Prediction.class)));
        label =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "label", TypeInformation.of(Label.class)));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Long.class));
        allLabels =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "all-labels", TypeInformation.of(Label.class)));
        var metrics = getRuntimeContext().getMetricGroup();
        joined = metrics.counter("labelsJoined");
        unlabelled = metrics.counter("predictionsUnlabelled");
        orphans = metrics.counter("labelsOrphaned");
        extra = metrics.counter("extraLabels");
    }

    @Override
    public void processElement1(Prediction p, Context ctx, Collector<LabelledPrediction> out)
            throws Exception {
        if (prediction.value() != null) {
            // The request/response join lets one pair through per request id, so this is a
            // second row with the same key: keep the first.
            return;
        }
        prediction.update(p);
        Label l = label.value();
        if (l != null && tooLate(l, p)) {
            // The first label is the earliest: when it is late, so are all the others.
            if (keepAllLabels) {
                for (Label each : allLabels.get()) {
                    orphan(each, lateReason(each, p), ctx);
                }
                allLabels.clear();
            } else {
                orphan(l, lateReason(l, p), ctx);
            }
            label.clear();
        }
        setTimer(safeAdd(p.eventTime, labelWait), ctx);
    }

    @Override
    public void processElement2(Label l, Context ctx, Collector<LabelledPrediction> out)
            throws Exception {
        Prediction p = prediction.value();
        if (p != null && tooLate(l, p)) {
            orphan(l, lateReason(l, p), ctx);
            return;
        }
        if (keepAllLabels) {
            allLabels.add(l);
        }
        Label best = label.value();
        if (best == null) {
            label.update(l);
        } else {
            extra.inc();
            if (Label.PRECEDENCE.compare(l, best) < 0) {
                label.update(l);
            }
        }
        if (p == null && best == null) {
            setTimer(safeAdd(l.eventTime, joinTimeout), ctx);
        }
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<LabelledPrediction> out)
            throws Exception {
        Prediction p = prediction.value();
        Label l = label.value();
        List<Label> all = new ArrayList<>();
        if (keepAllLabels) {
            allLabels.get().forEach(all::add);
        } else if (l != null) {
            all.add(l);
        }
        if (p != null) {
            out.collect(LabelledPrediction.of(p, l));
            if (l == null) {
                unlabelled.inc();
            } else {
                joined.inc();
            }
            if (keepAllLabels) {
                all.sort(Label.PRECEDENCE);
                for (int i = 0; i < all.size(); i++) {
                    LabelledPrediction each = LabelledPrediction.of(p, all.get(i));
                    each.consensusClass = consensusOfOthers(all, i);
                    ctx.output(ALL_LABELS, each);
                }
            }
        } else {
            for (Label each : all) {
                orphan(
                        each,
                        "no prediction of model '"
                                + each.feedback.getModelName()
                                + "' for this label's row within "
                                + Durations.format(Duration.ofMillis(joinTimeout))
                                + " of event time (an unknown request or row, or one whose label"
                                + " wait of "
                                + Durations.format(Duration.ofMillis(labelWait))
                                + " was over)",
                        ctx);
            }
        }
        prediction.clear();
        label.clear();
        allLabels.clear();
        timer.clear();
    }

    /**
     * The class most of a row's labels other than the i-th gave, or {@link
     * LabelledPrediction#NO_CONSENSUS} when there are no others or the most frequent classes tie.
     */
    static int consensusOfOthers(List<Label> labels, int i) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int j = 0; j < labels.size(); j++) {
            if (j != i) {
                counts.merge(labels.get(j).labelClass, 1, Integer::sum);
            }
        }
        int best = LabelledPrediction.NO_CONSENSUS;
        int bestCount = 0;
        boolean tie = false;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
                tie = false;
            } else if (e.getValue() == bestCount) {
                tie = true;
            }
        }
        return tie ? LabelledPrediction.NO_CONSENSUS : best;
    }

    private boolean tooLate(Label l, Prediction p) {
        return l.eventTime > safeAdd(p.eventTime, labelWait);
    }

    private String lateReason(Label l, Prediction p) {
        return "label came "
                + Durations.format(Duration.ofMillis(l.eventTime - p.eventTime))
                + " after its request "
                + l.feedback.getRequestId()
                + ", later than label-wait "
                + Durations.format(Duration.ofMillis(labelWait));
    }

    private void setTimer(long at, Context ctx) throws Exception {
        Long current = timer.value();
        if (current != null) {
            ctx.timerService().deleteEventTimeTimer(current);
        }
        ctx.timerService().registerEventTimeTimer(at);
        timer.update(at);
    }

    private void orphan(Label l, String reason, Context ctx) {
        orphans.inc();
        ctx.output(
                DEAD_LETTERS,
                DeadLetter.newBuilder()
                        .setSource(l.source)
                        .setKey(null)
                        .setValue(ByteBuffer.wrap(AvroCodec.standard().encode(l.feedback)))
                        .setReasonCode(DeadLetterReason.ORPHAN)
                        .setReason(reason)
                        .setStage("label-join")
                        .setModelName(l.feedback.getModelName())
                        .setRequestId(l.feedback.getRequestId())
                        .setEventTime(Instant.ofEpochMilli(l.eventTime))
                        .build());
    }

    private static long safeAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
