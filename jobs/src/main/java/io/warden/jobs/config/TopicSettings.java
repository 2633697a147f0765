package io.warden.jobs.config;

import java.io.Serializable;

/** Topic names; every one has the default shown in the design's topic contracts. */
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
        String deadLetter)
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

    public static TopicSettings defaults() {
        return new TopicSettings(null, null, null, null, null, null, null, null, null, null);
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
