package io.warden.detectors.policy;

import java.io.Serializable;
import java.util.Objects;

/**
 * What a decision acts on: the subject of the alerts behind it, e.g. {@code CLIENT c-17}. It is
 * also the key the operator partitions the policy by (one {@link PolicyState} per target).
 *
 * @param type the kind of subject; not null
 * @param id the subject's id; not null
 */
public record PolicyTarget(AlertView.SubjectType type, String id) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Checks that neither field is null. */
    public PolicyTarget {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
    }

    /** {@code TYPE id}, as in summaries. */
    @Override
    public String toString() {
        return type + " " + id;
    }
}
