package io.warden.detectors.query;

import java.io.InvalidObjectException;

/** Turns a validation failure while deserialising into the exception serialization expects. */
final class InvalidState {

    private InvalidState() {}

    static InvalidObjectException of(String type, RuntimeException cause) {
        InvalidObjectException invalid =
                new InvalidObjectException("invalid " + type + ": " + cause.getMessage());
        invalid.initCause(cause);
        return invalid;
    }
}
