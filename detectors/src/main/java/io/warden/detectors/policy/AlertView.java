package io.warden.detectors.policy;

import java.io.Serializable;
import java.util.Objects;

/**
 * What the {@link PolicyEngine} needs to know of an alert: the fields of the {@code Alert} contract
 * ({@code schemas/src/main/avro/Alert.avsc}) that rules match on or decisions carry, as plain Java
 * values. The nested enums have the contract's symbols, in its order, so an operator maps an alert
 * by name, e.g. {@code AlertView.Kind.valueOf(alert.getKind().name())}.
 *
 * @param alertId the alert's id; it becomes one of the decision's reasons; not null
 * @param kind what was found; not null
 * @param severity how bad; not null
 * @param subjectType what the alert is about; not null
 * @param subjectId which one; not null
 * @param modelName the model the alert concerns; may be null
 * @param eventTime the alert's event time in epoch milliseconds
 */
public record AlertView(
        String alertId,
        Kind kind,
        Severity severity,
        SubjectType subjectType,
        String subjectId,
        String modelName,
        long eventTime)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The contract's {@code AlertKind}. */
    public enum Kind {
        DRIFT,
        CONFIDENCE_ANOMALY,
        DATA_QUALITY,
        PERFORMANCE,
        EVASION,
        BLACKBOX_QUERY_ATTACK,
        EXTRACTION,
        POISONING,
        INTEGRITY,
        UNKNOWN
    }

    /** The contract's {@code Severity}, from least to most severe; rules compare by this order. */
    public enum Severity {
        INFO,
        LOW,
        MEDIUM,
        HIGH,
        CRITICAL
    }

    /** The contract's {@code SubjectType}. */
    public enum SubjectType {
        MODEL,
        CLIENT,
        CONTRIBUTOR,
        REQUEST,
        FEEDBACK_RECORD,
        UNKNOWN
    }

    /** Checks that only {@code modelName} is null. */
    public AlertView {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(subjectType, "subjectType");
        Objects.requireNonNull(subjectId, "subjectId");
    }

    /** The alert's subject, which is the target of the decisions it leads to. */
    public PolicyTarget target() {
        return new PolicyTarget(subjectType, subjectId);
    }
}
