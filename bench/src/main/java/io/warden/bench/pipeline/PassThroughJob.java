package io.warden.bench.pipeline;

import io.warden.jobs.monitor.Ingested;
import io.warden.jobs.monitor.MonitorJob;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.ScoreRecord;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The baseline the monitor job is measured against: the monitor's own Kafka source (decoding and
 * validation in the reader, watermarks) and its scores and dead-letter sinks, with nothing in
 * between but a stateless map: every valid record becomes one {@link ScoreRecord} (its request id,
 * event time, model and client, no scores), every rejected record its {@link DeadLetter}. No
 * shuffle, no join, no detector: what is left is the cost of reading, decoding, validating,
 * encoding and writing, which the monitor job cannot avoid either.
 */
final class PassThroughJob {
    static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("pass-through-dead-letters", TypeInformation.of(DeadLetter.class));

    private PassThroughJob() {}

    /**
     * Adds the pass-through graph from {@code input} to the scores and dead-letter sinks of {@code
     * outputs} (the alerts sink stays unused: there are no alerts).
     */
    static void build(DataStream<Ingested> input, MonitorJob.Outputs outputs) {
        SingleOutputStreamOperator<ScoreRecord> records =
                input.process(new ToOutput()).name("pass-through").uid("pass-through");
        records.sinkTo(outputs.scores()).name("scores-sink").uid("scores-sink");
        records.getSideOutput(DEAD_LETTERS)
                .sinkTo(outputs.deadLetters())
                .name("deadletter-sink")
                .uid("deadletter-sink");
    }

    /** One output record per input record. */
    static final class ToOutput extends ProcessFunction<Ingested, ScoreRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(Ingested in, Context ctx, Collector<ScoreRecord> out) {
            switch (in.kind) {
                case REQUEST ->
                        out.collect(
                                record(
                                        in,
                                        in.request.getModelName(),
                                        in.request.getModelVersion(),
                                        in.request.getClientId()));
                case RESPONSE ->
                        out.collect(
                                record(
                                        in,
                                        in.response.getModelName(),
                                        in.response.getModelVersion(),
                                        null));
                case EVENT ->
                        out.collect(
                                record(
                                        in,
                                        in.event.getModelName(),
                                        in.event.getModelVersion(),
                                        in.event.getClientId()));
                case REJECTED -> ctx.output(DEAD_LETTERS, in.deadLetter);
                case FEEDBACK ->
                        throw new IllegalStateException("the benchmark reads no feedback topic");
            }
        }

        private static ScoreRecord record(
                Ingested in, String model, String version, String client) {
            return ScoreRecord.newBuilder()
                    .setRequestId(in.requestId())
                    .setEventTime(Instant.ofEpochMilli(in.eventTime))
                    .setModelName(model)
                    .setModelVersion(version)
                    .setClientId(client)
                    .setPredictedClass(null)
                    .setScores(List.of())
                    .setFlagged(false)
                    .build();
        }
    }
}
