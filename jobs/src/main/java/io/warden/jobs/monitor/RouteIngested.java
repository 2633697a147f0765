package io.warden.jobs.monitor;

import io.warden.schemas.DeadLetter;
import io.warden.schemas.InferenceEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends decoded records their ways: requests and responses on (to the join), combined events,
 * feedback and dead letters to their side outputs.
 */
final class RouteIngested extends ProcessFunction<Ingested, Ingested> {
    private static final long serialVersionUID = 1L;

    static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("rejected-input", TypeInformation.of(DeadLetter.class));
    static final OutputTag<InferenceEvent> EVENTS =
            new OutputTag<>("combined-events", TypeInformation.of(InferenceEvent.class));

    /** Feedback records, with where they came from (for dead letters of unmatched labels). */
    public static final OutputTag<Ingested> FEEDBACK =
            new OutputTag<>("feedback", TypeInformation.of(Ingested.class));

    @Override
    public void processElement(Ingested in, Context ctx, Collector<Ingested> out) {
        switch (in.kind) {
            case REQUEST, RESPONSE -> out.collect(in);
            case EVENT -> ctx.output(EVENTS, in.event);
            case REJECTED -> ctx.output(DEAD_LETTERS, in.deadLetter);
            case FEEDBACK -> ctx.output(FEEDBACK, in);
        }
    }
}
