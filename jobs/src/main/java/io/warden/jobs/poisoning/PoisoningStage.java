package io.warden.jobs.poisoning;

import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.monitor.Ingested;
import io.warden.jobs.monitor.TrafficValidator;
import io.warden.jobs.performance.LabelledPrediction;
import io.warden.schemas.Alert;
import io.warden.schemas.FeedbackRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The poisoning part of the monitor graph, on the feedback stream: label flipping per contributor
 * ({@link ContributorDetection}) over every label the realised-performance join matched to its
 * prediction (each with the consensus of the row's other labels), and each record judged on its own
 * ({@link FeedbackRecordDetection}) over the same labels with their requests' features and over the
 * records that carry their own features.
 */
public final class PoisoningStage {
    private PoisoningStage() {}

    /**
     * Adds the poisoning detectors of the config's models.
     *
     * @param labelled every label of the rows of models with poisoning detectors, with the
     *     consensus of the row's other labels, from the performance stage
     * @param feedback validated feedback records (for those with their own features)
     */
    public static DataStream<Alert> build(
            WardenConfig config,
            DataStream<LabelledPrediction> labelled,
            DataStream<Ingested> feedback) {
        DataStream<Alert> alerts = null;
        DataStream<RecordVerdict> verdicts = null;
        FeedbackRecordDetection records = FeedbackRecordDetection.from(config);
        if (records != null) {
            DataStream<FeedbackSample> joined =
                    labelled.filter(
                                    p ->
                                            p.labelClass != LabelledPrediction.UNLABELLED
                                                    && p.features != null
                                                    && records.judges(p.modelName, p.modelVersion))
                            .name("feedback-record-labels")
                            .uid("feedback-record-labels")
                            .process(new JoinedSamples())
                            .name("feedback-record-samples")
                            .uid("feedback-record-samples");
            DataStream<FeedbackSample> own =
                    feedback.process(new OwnSamples(config, records))
                            .name("feedback-own-samples")
                            .uid("feedback-own-samples");
            SingleOutputStreamOperator<Alert> judged =
                    joined.union(own)
                            .keyBy(FeedbackRecordDetection::key)
                            .process(records)
                            .name("detect-poisoned-records")
                            .uid("detect-poisoned-records");
            alerts = judged;
            verdicts = judged.getSideOutput(FeedbackRecordDetection.VERDICTS);
        } else {
            // No model judges records: the contributors' second input stays empty (a stream
            // derived from the labels, so that it carries their watermarks).
            verdicts =
                    labelled.process(new NoVerdicts())
                            .name("no-record-verdicts")
                            .uid("no-record-verdicts");
        }
        ContributorDetection contributors = ContributorDetection.from(config);
        DataStream<Alert> byContributor =
                labelled.filter(contributors::counts)
                        .name("contributor-labels")
                        .uid("contributor-labels")
                        .keyBy(p -> ContributorDetection.key(p))
                        .connect(
                                verdicts.filter(contributors::counts)
                                        .name("contributor-record-verdicts")
                                        .uid("contributor-record-verdicts")
                                        .keyBy(v -> ContributorDetection.key(v)))
                        .process(contributors)
                        .name("detect-label-flipping")
                        .uid("detect-label-flipping");
        alerts = alerts == null ? byContributor : alerts.union(byContributor);
        return alerts;
    }

    /** Emits nothing: the empty verdict stream of a job without per-record detection. */
    private static final class NoVerdicts
            extends ProcessFunction<LabelledPrediction, RecordVerdict> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(
                LabelledPrediction p, Context ctx, Collector<RecordVerdict> out) {}
    }

    /** Joined labels as samples, timed by the element's timestamp (when the label was matched). */
    private static final class JoinedSamples
            extends ProcessFunction<LabelledPrediction, FeedbackSample> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(
                LabelledPrediction p, Context ctx, Collector<FeedbackSample> out) {
            out.collect(
                    FeedbackSample.of(p, ctx.timestamp() == null ? p.eventTime : ctx.timestamp()));
        }
    }

    /** Feedback records that carry their own features, of models that judge records, as samples. */
    private static final class OwnSamples extends ProcessFunction<Ingested, FeedbackSample> {
        private static final long serialVersionUID = 1L;

        private final WardenConfig config;
        private final FeedbackRecordDetection records;
        private transient Counter own;

        OwnSamples(WardenConfig config, FeedbackRecordDetection records) {
            this.config = config;
            this.records = records;
        }

        @Override
        public void open(OpenContext openContext) {
            own = getRuntimeContext().getMetricGroup().counter("feedbackWithOwnFeatures");
        }

        @Override
        public void processElement(Ingested in, Context ctx, Collector<FeedbackSample> out) {
            FeedbackRecord f = in.feedback;
            if (!records.judges(f.getModelName(), f.getModelVersion())) {
                return;
            }
            ModelSpec spec = config.model(f.getModelName(), f.getModelVersion()).orElse(null);
            double[] x = spec == null ? null : TrafficValidator.ownFeatures(f, spec);
            if (x == null) {
                return;
            }
            own.inc();
            out.collect(
                    FeedbackSample.of(
                            f, spec.output().classes().indexOf(f.getLabel()), x, in.eventTime));
        }
    }
}
