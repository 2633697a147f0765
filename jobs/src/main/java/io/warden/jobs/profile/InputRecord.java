package io.warden.jobs.profile;

import io.warden.jobs.monitor.TrafficValidator.Rejection;
import io.warden.schemas.DeadLetterReason;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record of reference data as an input hands it over: where it is (for messages), and either
 * the decoded record ({@code InferenceEvent} or {@code InferenceRequest}) or why it could not be
 * made into one, with the monitor job's dead-letter reason codes.
 *
 * @param location e.g. {@code train.csv line 12} or {@code inference.events/2@41}
 * @param record the decoded record, or null when rejected
 * @param rejection why there is no record, or null
 */
public record InputRecord(String location, SpecificRecord record, Rejection rejection) {

    /** Exactly one of record and rejection. */
    public InputRecord {
        Objects.requireNonNull(location, "location");
        if ((record == null) == (rejection == null)) {
            throw new IllegalArgumentException("give exactly one of record and rejection");
        }
    }

    /** A decoded record. */
    public static InputRecord of(String location, SpecificRecord record) {
        return new InputRecord(location, Objects.requireNonNull(record, "record"), null);
    }

    /** A record that could not be decoded or joined. */
    public static InputRecord rejected(String location, DeadLetterReason code, String reason) {
        return new InputRecord(location, null, new Rejection(code, reason));
    }
}
