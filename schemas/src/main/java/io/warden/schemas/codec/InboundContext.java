package io.warden.schemas.codec;

import java.io.Serializable;
import java.util.Objects;

/**
 * What the decoder needs to know besides the bytes: the topic's configured format, defaults for
 * payloads that do not carry the model name or version, and the event time to use when the payload
 * carries none (the Kafka record's timestamp).
 *
 * <p>Immutable and {@link Serializable}: build one from configuration when the job is defined and
 * derive the per-record value with {@link #withFallbackEventTime(long)}.
 *
 * @param format the input format policy
 * @param defaultModelName model name for payloads without one; {@code null} for none
 * @param defaultModelVersion model version for payloads without one; {@code null} for none
 * @param fallbackEventTimeMillis event time (epoch milliseconds) for payloads without one, normally
 *     the Kafka record timestamp; negative (e.g. Kafka's {@code NO_TIMESTAMP}, -1) for none
 */
public record InboundContext(
        InputFormat format,
        String defaultModelName,
        String defaultModelVersion,
        long fallbackEventTimeMillis)
        implements Serializable {

    /** The value of {@link #fallbackEventTimeMillis} meaning "no fallback" (as Kafka's). */
    public static final long NO_TIMESTAMP = -1L;

    /** Checks the format is given. */
    public InboundContext {
        Objects.requireNonNull(format, "format");
    }

    /** A context with the given format, no defaults and no fallback event time. */
    public static InboundContext of(InputFormat format) {
        return new InboundContext(format, null, null, NO_TIMESTAMP);
    }

    /** The same context with another fallback event time (e.g. this record's Kafka timestamp). */
    public InboundContext withFallbackEventTime(long epochMillis) {
        return epochMillis == fallbackEventTimeMillis
                ? this
                : new InboundContext(format, defaultModelName, defaultModelVersion, epochMillis);
    }

    /** The same context with other default model name and version. */
    public InboundContext withDefaultModel(String modelName, String modelVersion) {
        return new InboundContext(format, modelName, modelVersion, fallbackEventTimeMillis);
    }

    /** Whether a fallback event time is set. */
    public boolean hasFallbackEventTime() {
        return fallbackEventTimeMillis >= 0;
    }
}
