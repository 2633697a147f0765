package io.warden.jobs.performance;

import io.warden.jobs.config.Durations;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.PerformanceSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.drift.Observation;
import io.warden.jobs.drift.ObservationWindows;
import io.warden.jobs.monitor.Ingested;
import io.warden.jobs.monitor.ModelCatalog;
import io.warden.schemas.Alert;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.PerformanceReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The realised-performance part of the monitor graph: predictions of the models with {@code
 * detectors.performance} on meet their labels from the feedback topic in the {@link LabelJoin};
 * when a prediction's label wait is over it is counted in event-time windows of its request's time
 * (one window chain per distinct window and label-wait setting), each closed window becomes a
 * {@link PerformanceReport}, and the reports pass through hysteresis into PERFORMANCE alerts.
 *
 * <p>A window closes {@code label-wait} after its end, when every prediction in it has had its
 * label wait: the reports of a period come that much later than its drift reports, and then say
 * whether the drift hurt. Feedback for a model without performance on, or without a request id, is
 * passed by (counted as {@code feedbackNotForPerformance}).
 */
public final class PerformanceStage {
    private PerformanceStage() {}

    /**
     * Where the stage's results go.
     *
     * @param allLabels every label of the rows of models with poisoning detectors, each with its
     *     prediction, contributor and the consensus of the row's other labels; null when no model
     *     has them
     */
    public record Result(
            DataStream<Alert> alerts,
            DataStream<DeadLetter> deadLetters,
            DataStream<LabelledPrediction> allLabels) {}

    private record WindowSpec(Duration size, Duration labelWait) {
        String name() {
            return Durations.format(size) + "-wait-" + Durations.format(labelWait);
        }
    }

    /**
     * Adds realised performance for the models with it on.
     *
     * @param observations the scored rows (predictions)
     * @param feedback validated feedback records
     */
    public static Result build(
            WardenConfig config,
            DataStream<Observation> observations,
            DataStream<Ingested> feedback,
            Sink<PerformanceReport> reportSink) {
        Map<WindowSpec, Set<String>> groups = new LinkedHashMap<>();
        for (ModelSpec m : config.models()) {
            if (ModelCatalog.performanceOn(m)) {
                PerformanceSettings s = m.detectors().performance();
                groups.computeIfAbsent(
                                new WindowSpec(s.window(), s.labelWait()), k -> new HashSet<>())
                        .add(m.name());
            }
        }
        List<DataStream<PerformanceReport>> reports = new ArrayList<>();
        DataStream<DeadLetter> deadLetters = null;
        DataStream<LabelledPrediction> allLabels = null;
        Duration joinTimeout = config.input().joinTimeout();
        for (Map.Entry<WindowSpec, Set<String>> g : groups.entrySet()) {
            Set<String> names = Set.copyOf(g.getValue());
            WindowSpec spec = g.getKey();
            boolean keepAllLabels = anyPoisoning(config, names);
            String name = "performance-" + spec.name();
            DataStream<Prediction> predictions =
                    observations
                            .filter(o -> names.contains(o.modelName) && performanceOn(config, o))
                            .name(name + "-predictions")
                            .uid(name + "-predictions")
                            .map(o -> Prediction.of(o, recordsJudged(config, o)))
                            .name(name + "-prediction")
                            .uid(name + "-prediction");
            DataStream<Label> labels =
                    feedback.process(new ToLabel(config, names))
                            .name(name + "-labels")
                            .uid(name + "-labels");
            SingleOutputStreamOperator<LabelledPrediction> joined =
                    predictions
                            .keyBy(p -> p.key)
                            .connect(labels.keyBy(l -> l.key))
                            .process(new LabelJoin(spec.labelWait(), joinTimeout, keepAllLabels))
                            .name(name + "-label-join")
                            .uid(name + "-label-join");
            DataStream<DeadLetter> orphans = joined.getSideOutput(LabelJoin.DEAD_LETTERS);
            deadLetters = deadLetters == null ? orphans : deadLetters.union(orphans);
            if (keepAllLabels) {
                DataStream<LabelledPrediction> each = joined.getSideOutput(LabelJoin.ALL_LABELS);
                allLabels = allLabels == null ? each : allLabels.union(each);
            }
            reports.add(
                    joined.keyBy(p -> p.modelKey)
                            .window(
                                    new ObservationWindows(
                                            spec.size(),
                                            null,
                                            spec.labelWait(),
                                            e -> ((LabelledPrediction) e).eventTime))
                            .allowedLateness(spec.labelWait())
                            .aggregate(
                                    new PerformanceAggregate(config),
                                    new PerformanceReports(config))
                            .name(name + "-window")
                            .uid(name + "-window"));
        }
        DataStream<PerformanceReport> all = reports.get(0);
        for (int i = 1; i < reports.size(); i++) {
            all = all.union(reports.get(i));
        }
        all.sinkTo(reportSink).name("performance-sink").uid("performance-sink");
        DataStream<Alert> alerts =
                all.keyBy(r -> Observation.modelKey(r.getModelName(), r.getModelVersion()))
                        .process(new PerformanceAlerting(config))
                        .name("performance-hysteresis")
                        .uid("performance-hysteresis");
        return new Result(alerts, deadLetters, allLabels);
    }

    /** Whether a model of these names has poisoning detectors, which judge every label. */
    private static boolean anyPoisoning(WardenConfig config, Set<String> names) {
        return config.models().stream()
                .anyMatch(m -> names.contains(m.name()) && m.detectors().poisoning() != null);
    }

    /** Whether the row's model judges feedback records on their own, which needs its features. */
    private static boolean recordsJudged(WardenConfig config, Observation o) {
        return config.model(o.modelName, o.modelVersion)
                .map(
                        m ->
                                m.detectors().poisoning() != null
                                        && m.detectors().poisoning().records() != null)
                .orElse(false);
    }

    private static boolean performanceOn(WardenConfig config, Observation o) {
        return config.model(o.modelName, o.modelVersion)
                .map(ModelCatalog::performanceOn)
                .orElse(false);
    }

    /**
     * Feedback records of this group's models, as labels; others (other models, no request id) are
     * counted and passed by.
     */
    private static final class ToLabel extends ProcessFunction<Ingested, Label> {
        private static final long serialVersionUID = 1L;

        private final WardenConfig config;
        private final Set<String> models;
        private transient Counter passedBy;

        ToLabel(WardenConfig config, Set<String> models) {
            this.config = config;
            this.models = models;
        }

        @Override
        public void open(OpenContext openContext) {
            passedBy = getRuntimeContext().getMetricGroup().counter("feedbackNotForPerformance");
        }

        @Override
        public void processElement(Ingested in, Context ctx, Collector<Label> out) {
            FeedbackRecord f = in.feedback;
            ModelSpec spec = config.model(f.getModelName(), f.getModelVersion()).orElse(null);
            if (f.getRequestId() == null
                    || spec == null
                    || !models.contains(f.getModelName())
                    || !ModelCatalog.performanceOn(spec)) {
                passedBy.inc();
                return;
            }
            String row = f.getAttributes().get("row");
            Label l = new Label();
            l.key =
                    LabelJoin.key(
                            f.getModelName(),
                            Observation.rowKey(
                                    f.getRequestId(), row == null ? 0 : Integer.parseInt(row)));
            l.feedbackId = f.getFeedbackId();
            l.eventTime = in.eventTime;
            l.labelClass = spec.output().classes().indexOf(f.getLabel());
            l.feedback = f;
            l.source = in.source;
            out.collect(l);
        }
    }
}
