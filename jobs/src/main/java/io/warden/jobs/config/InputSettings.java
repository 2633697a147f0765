package io.warden.jobs.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.warden.schemas.codec.InputFormat;
import java.io.Serializable;
import java.time.Duration;

/**
 * How inference traffic arrives and how long warden waits for it.
 *
 * @param mode {@code split}: requests and responses on two topics, joined by request id; {@code
 *     combined}: request and response in one record on the events topic
 * @param format {@code auto} (Avro single-object by its magic bytes, else warden JSON or Open
 *     Inference Protocol v2 JSON by shape), or one of {@code avro}, {@code json}, {@code oip}
 * @param joinTimeout how long, in event time, a request waits for its response (and the other way
 *     round) before it is reported as an orphan
 * @param maxOutOfOrderness how far behind the newest event time a record may arrive and still be on
 *     time
 * @param idleTimeout after this long without records a partition stops holding back the watermark
 */
public record InputSettings(
        Mode mode,
        InputFormat format,
        Duration joinTimeout,
        Duration maxOutOfOrderness,
        Duration idleTimeout)
        implements Serializable {

    /** Where requests and responses come from. */
    public enum Mode {
        @JsonProperty("split")
        SPLIT,
        @JsonProperty("combined")
        COMBINED
    }

    public InputSettings {
        mode = mode == null ? Mode.SPLIT : mode;
        format = format == null ? InputFormat.AUTO : format;
        joinTimeout = joinTimeout == null ? Duration.ofSeconds(30) : joinTimeout;
        maxOutOfOrderness = maxOutOfOrderness == null ? Duration.ofSeconds(5) : maxOutOfOrderness;
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(30) : idleTimeout;
    }

    public static InputSettings defaults() {
        return new InputSettings(null, null, null, null, null);
    }
}
