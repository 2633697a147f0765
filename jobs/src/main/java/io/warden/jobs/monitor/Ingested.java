package io.warden.jobs.monitor;

import io.warden.schemas.DeadLetter;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.SourceRef;

/**
 * One Kafka record after decoding: exactly one of the payload fields is set, as {@link #kind} says;
 * a record that could not be decoded carries its {@link #deadLetter} instead. A Flink POJO (public
 * fields, no-arg constructor) whose Avro fields Flink serializes with its Avro serializer.
 */
public class Ingested {
    /** What the record holds. */
    public enum Kind {
        REQUEST,
        RESPONSE,
        EVENT,
        FEEDBACK,
        REJECTED
    }

    /** Event-time stamp given to records without one, so they never move a watermark. */
    public static final long NO_EVENT_TIME = Long.MIN_VALUE;

    public Kind kind;
    public SourceRef source;
    public long eventTime = NO_EVENT_TIME;
    public InferenceRequest request;
    public InferenceResponse response;
    public InferenceEvent event;
    public FeedbackRecord feedback;
    public DeadLetter deadLetter;

    public Ingested() {}

    public static Ingested request(InferenceRequest r, SourceRef source) {
        Ingested i = of(Kind.REQUEST, source, r.getEventTime().toEpochMilli());
        i.request = r;
        return i;
    }

    public static Ingested response(InferenceResponse r, SourceRef source) {
        Ingested i = of(Kind.RESPONSE, source, r.getEventTime().toEpochMilli());
        i.response = r;
        return i;
    }

    public static Ingested event(InferenceEvent e, SourceRef source) {
        Ingested i = of(Kind.EVENT, source, e.getEventTime().toEpochMilli());
        i.event = e;
        return i;
    }

    public static Ingested feedback(FeedbackRecord f, SourceRef source) {
        Ingested i = of(Kind.FEEDBACK, source, f.getEventTime().toEpochMilli());
        i.feedback = f;
        return i;
    }

    public static Ingested rejected(DeadLetter d) {
        Ingested i = of(Kind.REJECTED, d.getSource(), NO_EVENT_TIME);
        i.deadLetter = d;
        return i;
    }

    private static Ingested of(Kind kind, SourceRef source, long eventTime) {
        Ingested i = new Ingested();
        i.kind = kind;
        i.source = source;
        i.eventTime = eventTime;
        return i;
    }

    /** The request id that joins requests with responses; null for other kinds. */
    public String requestId() {
        return switch (kind) {
            case REQUEST -> request.getRequestId();
            case RESPONSE -> response.getRequestId();
            case EVENT -> event.getRequestId();
            default -> null;
        };
    }

    /** The model name of a decoded record; null for rejected ones. */
    public String modelName() {
        return switch (kind) {
            case REQUEST -> request.getModelName();
            case RESPONSE -> response.getModelName();
            case EVENT -> event.getModelName();
            case FEEDBACK -> feedback.getModelName();
            case REJECTED -> null;
        };
    }

    @Override
    public String toString() {
        return "Ingested[" + kind + " " + requestId() + " @" + eventTime + " from " + source + "]";
    }
}
