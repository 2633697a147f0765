package io.warden.detectors.policy;

import io.warden.detectors.policy.AlertView.Kind;
import io.warden.detectors.policy.AlertView.Severity;
import io.warden.detectors.policy.AlertView.SubjectType;
import java.time.Duration;
import java.util.Set;

/** Rules, alerts and times for the policy tests: one client, extraction alerts, whole minutes. */
final class Fixtures {

    private Fixtures() {}

    /** An arbitrary event time to start from (2023-11-14T22:13:20Z). */
    static final long T0 = 1_700_000_000_000L;

    static final PolicyTarget CLIENT = new PolicyTarget(SubjectType.CLIENT, "client-7");

    static final String MODEL = "digits";

    static long minutes(double m) {
        return Math.round(m * 60_000);
    }

    /** A MEDIUM extraction alert about {@link #CLIENT}. */
    static AlertView extraction(String id, long eventTime) {
        return alert(id, Kind.EXTRACTION, Severity.MEDIUM, eventTime);
    }

    static AlertView alert(String id, Kind kind, Severity severity, long eventTime) {
        return new AlertView(id, kind, severity, CLIENT.type(), CLIENT.id(), MODEL, eventTime);
    }

    /** A rule acting on one alert, until released, with no cool-down. */
    static PolicyRule onFirst(
            String name,
            Set<Kind> kinds,
            Severity minSeverity,
            SubjectType subjectType,
            PolicyAction action) {
        return new PolicyRule(name, kinds, minSeverity, subjectType, action, 1, null, null, null);
    }

    /** A rule on client extraction alerts of any severity. */
    static PolicyRule rule(
            String name,
            PolicyAction action,
            int count,
            Duration window,
            Duration duration,
            Duration cooldown) {
        return new PolicyRule(
                name,
                Set.of(Kind.EXTRACTION),
                null,
                SubjectType.CLIENT,
                action,
                count,
                window,
                duration,
                cooldown);
    }
}
