package io.warden.detectors.query;

import io.warden.detectors.core.DetectorResult;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The verdict of a {@link BlacklightDetector} on one query.
 *
 * @param clientId the client that sent the query; not null
 * @param eventTime the query's event time
 * @param matches how many of the query's fingerprint hashes the store had seen within its horizon
 * @param fingerprintSize the number of distinct hashes in the query's fingerprint: N, or fewer when
 *     the input has fewer distinct windows
 * @param matchThreshold the number of matches that flags a query
 * @param flagged whether {@code matches >= matchThreshold}
 * @param matchedClients the clients remembered for the matching hashes, most matches first (ties by
 *     id); empty when nothing matched. A client appears once per matching hash that remembers it,
 *     so the counts may add up to more than {@code matches}
 */
public record BlacklightVerdict(
        String clientId,
        long eventTime,
        int matches,
        int fingerprintSize,
        int matchThreshold,
        boolean flagged,
        List<ClientMatch> matchedClients)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Clients named in {@link #toDetectorResult()}'s explanation; the rest are counted. */
    private static final int CLIENTS_EXPLAINED = 5;

    /** Validates the fields and copies the list. */
    public BlacklightVerdict {
        Objects.requireNonNull(clientId, "clientId");
        matchedClients = List.copyOf(matchedClients);
        if (matches < 0 || matches > fingerprintSize) {
            throw new IllegalArgumentException(
                    "matches must be in [0, " + fingerprintSize + "], but is " + matches);
        }
        if (matchThreshold < 1) {
            throw new IllegalArgumentException("matchThreshold must be at least 1");
        }
        if (flagged != (matches >= matchThreshold)) {
            throw new IllegalArgumentException(
                    "flagged must be true exactly when matches reach matchThreshold");
        }
    }

    /**
     * This verdict as a {@link DetectorResult}: score the match count, threshold the match
     * threshold (flagged when the score reaches it), no p-value.
     */
    public DetectorResult toDetectorResult() {
        StringBuilder explanation =
                new StringBuilder()
                        .append(matches)
                        .append(" of ")
                        .append(fingerprintSize)
                        .append(" fingerprint hashes of ")
                        .append(clientId)
                        .append("'s query seen before (threshold ")
                        .append(matchThreshold)
                        .append(')');
        if (!matchedClients.isEmpty()) {
            explanation.append(", from ");
            int named = Math.min(CLIENTS_EXPLAINED, matchedClients.size());
            for (int i = 0; i < named; i++) {
                ClientMatch match = matchedClients.get(i);
                explanation
                        .append(i == 0 ? "" : ", ")
                        .append(match.clientId())
                        .append(" (")
                        .append(match.matches())
                        .append(')');
            }
            if (matchedClients.size() > named) {
                explanation.append(" and ").append(matchedClients.size() - named).append(" more");
            }
        }
        return new DetectorResult(
                BlacklightDetector.DETECTOR,
                matches,
                matchThreshold,
                DetectorResult.NO_P_VALUE,
                flagged,
                explanation.toString().replace('\n', ' ').replace('\r', ' '));
    }
}
