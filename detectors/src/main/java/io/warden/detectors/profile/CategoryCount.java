package io.warden.detectors.profile;

import java.io.Serializable;
import java.util.Objects;

/**
 * One category value of a categorical feature and how many reference rows had it.
 *
 * @param value the category value
 * @param count its reference count (a lower bound when the feature's profile is not exact)
 */
public record CategoryCount(String value, long count) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Requires a value and a positive count. */
    public CategoryCount {
        Objects.requireNonNull(value, "value");
        if (count < 1) {
            throw new IllegalArgumentException(
                    "count of category '" + value + "' must be positive, but is " + count);
        }
    }
}
