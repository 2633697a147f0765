package io.warden.simulator.traffic;

import java.time.Instant;
import java.util.Objects;

/**
 * One request of the simulated traffic and the served model's answer to it.
 *
 * @param requestId unique in the simulation
 * @param clientId who sent it
 * @param time when the server received it
 * @param features the row as sent, every value a float (the model's input type)
 * @param probabilities the served model's class probabilities, computed by ONNX Runtime
 * @param latencyMs how long the server took to answer
 */
public record SimulatedRequest(
        String requestId,
        String clientId,
        Instant time,
        double[] features,
        double[] probabilities,
        long latencyMs) {

    /** Checks that nothing is missing. */
    public SimulatedRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(probabilities, "probabilities");
    }

    /** When the server answered: {@link #time()} plus the latency. */
    public Instant responseTime() {
        return time.plusMillis(latencyMs);
    }

    /** The served model's predicted class (the lowest index on a tie). */
    public int predicted() {
        return Traffic.argmax(probabilities);
    }
}
