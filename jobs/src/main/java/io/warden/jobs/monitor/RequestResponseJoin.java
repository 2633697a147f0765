package io.warden.jobs.monitor;

import io.warden.jobs.monitor.TrafficValidator.Rejection;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.SourceRef;
import io.warden.schemas.codec.AvroCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Joins each request with its response by request id, in event time. Whichever side arrives first
 * waits up to the join timeout (event time of its own record plus the timeout, judged by the
 * watermark); when the other side arrives the pair leaves as one {@link InferenceEvent}, and the
 * state and timer are cleared. A side still alone when its timer fires is an orphan, and a second
 * record for a side already waiting is a duplicate: both go to the dead-letter output with the
 * reason, so that every input record is accounted for (joined, orphaned or dead-lettered).
 */
public final class RequestResponseJoin
        extends KeyedProcessFunction<String, Ingested, InferenceEvent> {
    private static final long serialVersionUID = 1L;

    /** Orphans, duplicates and pairs that disagree. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("join-dead-letters", TypeInformation.of(DeadLetter.class));

    private final long timeoutMillis;
    private final TrafficValidator validator;

    private transient ValueState<Ingested> waitingRequest;
    private transient ValueState<Ingested> waitingResponse;
    private transient ValueState<Long> timer;
    private transient Counter joined;
    private transient Counter orphans;
    private transient Counter duplicates;

    public RequestResponseJoin(Duration timeout, TrafficValidator validator) {
        this.timeoutMillis = timeout.toMillis();
        this.validator = validator;
    }

    @Override
    public void open(OpenContext openContext) {
        TypeInformation<Ingested> type = TypeInformation.of(Ingested.class);
        waitingRequest =
                getRuntimeContext().getState(new ValueStateDescriptor<>("waiting-request", type));
        waitingResponse =
                getRuntimeContext().getState(new ValueStateDescriptor<>("waiting-response", type));
        timer =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("timeout-timer", Long.class));
        joined = getRuntimeContext().getMetricGroup().counter("joined");
        orphans = getRuntimeContext().getMetricGroup().counter("orphans");
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicates");
    }

    @Override
    public void processElement(Ingested in, Context ctx, Collector<InferenceEvent> out)
            throws Exception {
        boolean isRequest = in.kind == Ingested.Kind.REQUEST;
        ValueState<Ingested> mine = isRequest ? waitingRequest : waitingResponse;
        ValueState<Ingested> other = isRequest ? waitingResponse : waitingRequest;
        Ingested partner = other.value();
        if (mine.value() != null) {
            duplicates.inc();
            ctx.output(
                    DEAD_LETTERS,
                    deadLetter(
                            in,
                            DeadLetterReason.DUPLICATE,
                            "a "
                                    + describe(in)
                                    + " with request_id "
                                    + ctx.getCurrentKey()
                                    + " is already waiting to be joined; this one is a duplicate"));
            return;
        }
        if (partner == null) {
            mine.update(in);
            long at = safeAdd(in.eventTime, timeoutMillis);
            ctx.timerService().registerEventTimeTimer(at);
            timer.update(at);
            return;
        }
        Ingested request = isRequest ? in : partner;
        Ingested response = isRequest ? partner : in;
        clear(ctx);
        InferenceEvent event = join(request.request, response.response);
        Rejection why = validator.checkEvent(event);
        if (why != null) {
            ctx.output(
                    DEAD_LETTERS,
                    deadLetter(request, why.code(), "joined pair rejected: " + why.reason()));
            ctx.output(
                    DEAD_LETTERS,
                    deadLetter(response, why.code(), "joined pair rejected: " + why.reason()));
            return;
        }
        joined.inc();
        out.collect(event);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<InferenceEvent> out)
            throws Exception {
        Ingested request = waitingRequest.value();
        Ingested response = waitingResponse.value();
        clear(ctx);
        String wait = "within " + timeoutMillis + " ms of event time";
        if (request != null) {
            orphans.inc();
            ctx.output(
                    DEAD_LETTERS,
                    deadLetter(
                            request,
                            DeadLetterReason.ORPHAN,
                            "no response for this request " + wait));
        }
        if (response != null) {
            orphans.inc();
            ctx.output(
                    DEAD_LETTERS,
                    deadLetter(
                            response,
                            DeadLetterReason.ORPHAN,
                            "no request for this response " + wait));
        }
    }

    private void clear(Context ctx) throws Exception {
        Long t = timer.value();
        if (t != null) {
            ctx.timerService().deleteEventTimeTimer(t);
        }
        waitingRequest.clear();
        waitingResponse.clear();
        timer.clear();
    }

    /** The joined record: the request's fields and time, the response's outputs. */
    public static InferenceEvent join(InferenceRequest req, InferenceResponse resp) {
        return InferenceEvent.newBuilder()
                .setRequestId(req.getRequestId())
                .setEventTime(req.getEventTime())
                .setModelName(req.getModelName())
                .setModelVersion(
                        req.getModelVersion() != null
                                ? req.getModelVersion()
                                : resp.getModelVersion())
                .setClientId(req.getClientId())
                .setAttributes(req.getAttributes())
                .setInputs(req.getInputs())
                .setOutputs(resp.getOutputs())
                .setResponseTime(resp.getEventTime())
                .setLatencyMs(resp.getLatencyMs())
                .build();
    }

    private static String describe(Ingested in) {
        return in.kind == Ingested.Kind.REQUEST ? "request" : "response";
    }

    private static DeadLetter deadLetter(Ingested in, DeadLetterReason code, String reason) {
        SpecificRecord record = in.kind == Ingested.Kind.REQUEST ? in.request : in.response;
        String model =
                in.kind == Ingested.Kind.REQUEST
                        ? in.request.getModelName()
                        : in.response.getModelName();
        SourceRef source = in.source;
        return DeadLetter.newBuilder()
                .setSource(source)
                .setKey(null)
                .setValue(ByteBuffer.wrap(AvroCodec.standard().encode(record)))
                .setReasonCode(code)
                .setReason(reason)
                .setStage("join")
                .setModelName(model)
                .setRequestId(in.requestId())
                .setEventTime(Instant.ofEpochMilli(in.eventTime))
                .build();
    }

    private static long safeAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
