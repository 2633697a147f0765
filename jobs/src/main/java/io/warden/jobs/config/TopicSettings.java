package io.warden.jobs.config;

import java.io.Serializable;

/**
 * Topic names; every one has the default shown in the design's topic contracts, except the two
 * optional ones, which are off (null) unless named.
 *
 * @param control {@code ModelRollout} records that roll new ONNX model versions into the running
 *     job (see {@code io.warden.jobs.onnx.OnnxScoringOperator}); null: no roll-in
 * @param adversarialExamples {@code AdversarialExample} records, one per row the ONNX detectors or
 *     the evasion ensemble flag; null: not written
 */
public record TopicSettings(
        String requests,
        String responses,
        String events,
        String feedback,
        String alerts,
        String decisions,
        String drift,
        String performance,
        String scores,
        String deadLetter,
        String control,
        String adversarialExamples)
        implements Serializable {

    public TopicSettings {
        requests = orDefault(requests, "inference.requests");
        responses = orDefault(responses, "inference.responses");
        events = orDefault(events, "inference.events");
        feedback = orDefault(feedback, "inference.feedback");
        alerts = orDefault(alerts, "warden.alerts");
        decisions = orDefault(decisions, "warden.decisions");
        drift = orDefault(drift, "warden.drift");
        performance = orDefault(performance, "warden.performance");
        scores = orDefault(scores, "warden.scores");
        deadLetter = orDefault(deadLetter, "warden.deadletter");
    }

    /** The topics with the two optional ones off. */
    public TopicSettings(
            String requests,
            String responses,
            String events,
            String feedback,
            String alerts,
            String decisions,
            String drift,
            String performance,
            String scores,
            String deadLetter) {
        this(
                requests,
                responses,
                events,
                feedback,
                alerts,
                decisions,
                drift,
                performance,
                scores,
                deadLetter,
                null,
                null);
    }

    public static TopicSettings defaults() {
        return new TopicSettings(null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * These topics with the two optional ones.
     *
     * @param control the control topic, or null for none
     * @param adversarialExamples the adversarial-examples topic, or null for none
     */
    public TopicSettings withOptionalTopics(String control, String adversarialExamples) {
        return new TopicSettings(
                requests,
                responses,
                events,
                feedback,
                alerts,
                decisions,
                drift,
                performance,
                scores,
                deadLetter,
                control,
                adversarialExamples);
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
