package io.warden.detectors.evaluation;

import java.util.List;

/**
 * How warden did against a {@link GroundTruth}: built by {@link Evaluation}. Times are ISO-8601
 * strings, delays seconds of event time; a value that cannot be measured with the inputs given is
 * null (and NaN never appears), so the report serialises to plain JSON.
 */
public record EvaluationReport(
        Inputs inputs,
        List<RoleResult> roles,
        List<SubjectResult> attackers,
        List<AlertCount> alertKinds,
        List<AlertCount> detectors,
        List<RequestRate> requestRates,
        List<AucResult> aucs,
        List<DecisionCount> decisions,
        List<DriftDetection> drifts) {

    public EvaluationReport {
        roles = List.copyOf(roles);
        attackers = List.copyOf(attackers);
        alertKinds = List.copyOf(alertKinds);
        detectors = List.copyOf(detectors);
        requestRates = List.copyOf(requestRates);
        aucs = List.copyOf(aucs);
        decisions = List.copyOf(decisions);
        drifts = List.copyOf(drifts);
    }

    /**
     * What was read.
     *
     * @param requests requests seen (from scores or traffic), null when no request stream was read
     */
    public record Inputs(
            int alerts,
            int decisions,
            int driftReports,
            Integer requests,
            int duplicatesDropped,
            int truthClients,
            int truthRequests,
            int truthContributors,
            int truthFeedback,
            int truthDrifts) {}

    /**
     * The attackers (clients) or poisoners (contributors) of one role.
     *
     * @param subject {@code client} or {@code contributor}
     * @param medianUntilCaught median queries (clients) or feedback records (contributors) until
     *     the first alert, over the caught ones whose count is known
     */
    public record RoleResult(
            String subject,
            String role,
            int total,
            int caught,
            int withDecision,
            Double medianUntilCaught,
            Double medianDelaySeconds) {}

    /**
     * One attacker or poisoner.
     *
     * @param firstAlertKind the kind of the first alert about it (null: not caught)
     * @param delaySeconds first alert time minus its first activity (the truth's {@code
     *     first_time}, else its first request seen)
     * @param untilCaught its requests (feedback records) up to and including the first alert's
     *     event time
     * @param untilCaughtSource {@code requests} when counted in the request stream, {@code alert}
     *     when taken from the alert's own count ({@code queries} / {@code records} in its details)
     * @param requests its requests seen, null without a request stream
     */
    public record SubjectResult(
            String subject,
            String id,
            String model,
            String role,
            boolean caught,
            String firstAlertKind,
            String firstAlertTime,
            Double delaySeconds,
            Long untilCaught,
            String untilCaughtSource,
            Integer requests,
            String firstDecision) {}

    /**
     * Alerts of one kind (or raised by one detector), judged against the truth.
     *
     * @param falseDuringDrift the false ones raised in a known drift period of their model (e.g. a
     *     drifted benign request flagged as an outlier): explained, but still false
     * @param unjudged alerts whose subject the truth cannot judge (subject type UNKNOWN)
     * @param notices drift episodes' "recovered" notices, neither true nor false
     */
    public record AlertCount(
            String name,
            int alerts,
            int trueAlerts,
            int falseAlerts,
            int falseDuringDrift,
            int unjudged,
            int notices) {}

    /**
     * Per-request detection by request-level alerts of one kind ({@code any}: of every kind).
     *
     * @param benignRequests benign requests seen, null without a request stream
     * @param falsePositiveRate flagged benign requests over benign requests, null without a request
     *     stream
     */
    public record RequestRate(
            String alertKind,
            String attack,
            int attackRequests,
            int detected,
            Double detectionRate,
            Integer benignRequests,
            int falseFlags,
            Double falsePositiveRate) {}

    /** AUC of one detector's per-request score, attack requests of one kind against benign ones. */
    public record AucResult(
            String detector, String attack, int positives, int negatives, double auc) {}

    /** Decisions of one action on one target type, judged against the truth. */
    public record DecisionCount(
            String action,
            String targetType,
            int decisions,
            int onAttackers,
            int onBenign,
            int unjudged) {}

    /**
     * The first detection of a known drift period by one source ({@code drift report}: the first
     * drifted report overlapping the period, timed at its window's end; otherwise the kind of
     * model-level alert and, for sequential detectors, the detector).
     *
     * @param source null when nothing detected the period
     * @param firstTime null when missed
     */
    public record DriftDetection(
            String model,
            String segment,
            String start,
            String end,
            String source,
            String firstTime,
            Double delaySeconds) {}
}
