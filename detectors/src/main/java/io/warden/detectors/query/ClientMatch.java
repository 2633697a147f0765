package io.warden.detectors.query;

import java.io.Serializable;
import java.util.Objects;

/**
 * One client whose earlier queries share fingerprint hashes with a query: the evidence that
 * attributes a {@link BlacklightDetector} detection to a client id.
 *
 * @param clientId the client remembered for the matching hashes; not null
 * @param matches how many of the query's fingerprint hashes remember this client, at least 1
 */
public record ClientMatch(String clientId, int matches) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Validates the fields. */
    public ClientMatch {
        Objects.requireNonNull(clientId, "clientId");
        if (matches < 1) {
            throw new IllegalArgumentException("matches must be at least 1, but is " + matches);
        }
    }
}
