package io.warden.simulator.traffic;

import io.warden.detectors.evaluation.GroundTruth;
import java.util.List;

/**
 * A generated stretch of traffic: the requests in event-time order with the served model's answers,
 * the feedback labels, the ground truth that says which of it was attack or drift, and how well
 * each attack did.
 *
 * @param settings what was generated
 * @param requests every request, benign and attack, in event-time order
 * @param feedback every feedback record, in event-time order
 * @param truth the ground-truth entries ({@link GroundTruth} records), attackers first
 * @param efficacy each attack's measured success
 */
public record Simulation(
        SimulationSettings settings,
        List<SimulatedRequest> requests,
        List<SimulatedFeedback> feedback,
        List<Object> truth,
        List<Efficacy> efficacy) {

    /** Copies the lists. */
    public Simulation {
        requests = List.copyOf(requests);
        feedback = List.copyOf(feedback);
        truth = List.copyOf(truth);
        efficacy = List.copyOf(efficacy);
    }

    /** The truth as {@link GroundTruth} (which checks it: no repeated ids). */
    public GroundTruth groundTruth() {
        return GroundTruth.of(truth);
    }

    /** The truth file's lines, in {@link #truth()} order ({@link GroundTruth#toJsonLine}). */
    public List<String> truthLines() {
        return truth.stream().map(GroundTruth::toJsonLine).toList();
    }

    /** The model name the traffic carries: the served model's. */
    public String modelName() {
        return settings.model().name();
    }
}
