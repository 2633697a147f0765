package io.warden.jobs.profile;

import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import org.apache.avro.specific.SpecificRecord;

/** What reference records hold: request and response in one (events) or requests only. */
public enum RecordType {
    /** {@link InferenceEvent}s: features and the model's outputs, a profile with predictions. */
    EVENT(InferenceEvent.class),
    /** {@link InferenceRequest}s: features only, a profile without predictions. */
    REQUEST(InferenceRequest.class);

    private final Class<? extends SpecificRecord> type;

    RecordType(Class<? extends SpecificRecord> type) {
        this.type = type;
    }

    /** The Avro-generated class of the records. */
    public Class<? extends SpecificRecord> recordClass() {
        return type;
    }

    /** Whether records of this type carry the model's outputs. */
    public boolean hasPredictions() {
        return this == EVENT;
    }
}
