package io.warden.detectors.profile;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * Who and what a profile is about: its id, when it was made, the model and the data it describes.
 * The library never reads the clock: {@code created} is always passed in.
 *
 * @param id the profile's id, or null to derive one from the profile's content ({@code sha256:<16
 *     hex digits>}, see {@link ProfileBuilder#build})
 * @param created when the profile was made, as the caller defines it
 * @param modelName the model's name; not blank
 * @param modelVersion the model's version, or null for any
 * @param source a description of the reference data (file, time range, filters); may be empty
 */
public record ProfileMetadata(
        String id, Instant created, String modelName, String modelVersion, String source)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Validates the fields; a null source becomes empty. */
    public ProfileMetadata {
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(modelName, "modelName");
        if (modelName.isBlank()) {
            throw new IllegalArgumentException("model name must not be blank");
        }
        if (id != null && id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank; use null to derive one");
        }
        if (modelVersion != null && modelVersion.isBlank()) {
            throw new IllegalArgumentException("model version must not be blank; use null");
        }
        source = source == null ? "" : source;
    }

    /** Metadata without an id (derived from the content), version or source. */
    public static ProfileMetadata of(Instant created, String modelName) {
        return new ProfileMetadata(null, created, modelName, null, "");
    }

    /** These metadata with the given id. */
    public ProfileMetadata withId(String newId) {
        return new ProfileMetadata(newId, created, modelName, modelVersion, source);
    }

    /** These metadata with the given model version. */
    public ProfileMetadata withModelVersion(String version) {
        return new ProfileMetadata(id, created, modelName, version, source);
    }

    /** These metadata with the given source description. */
    public ProfileMetadata withSource(String description) {
        return new ProfileMetadata(id, created, modelName, modelVersion, description);
    }
}
