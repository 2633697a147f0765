package io.warden.simulator.traffic;

import java.time.Instant;
import java.util.Objects;

/**
 * One label on the feedback stream: for a request of the traffic, or for a sample carrying its own
 * features (as a backdoor poisoner sends them).
 *
 * @param feedbackId unique in the simulation
 * @param time when the label was given
 * @param contributorId who gave it
 * @param requestId the labelled request, or null when {@code features} are given
 * @param label the class name given
 * @param features the sample's own row, or null when {@code requestId} is given
 */
public record SimulatedFeedback(
        String feedbackId,
        Instant time,
        String contributorId,
        String requestId,
        String label,
        double[] features) {

    /** Checks that exactly one of request and features is given. */
    public SimulatedFeedback {
        Objects.requireNonNull(feedbackId, "feedbackId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(contributorId, "contributorId");
        Objects.requireNonNull(label, "label");
        if ((requestId == null) == (features == null)) {
            throw new IllegalArgumentException(
                    "feedback " + feedbackId + " needs either a request id or its own features");
        }
    }
}
