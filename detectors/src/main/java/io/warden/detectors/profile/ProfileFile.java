package io.warden.detectors.profile;

import java.util.Objects;

/**
 * A profile read from a file, with the SHA-256 of the file's bytes, so that a configuration can pin
 * the exact file and a drift report can name it.
 *
 * @param profile the profile
 * @param sha256 SHA-256 of the bytes read, 64 lowercase hex digits
 */
public record ProfileFile(ReferenceProfile profile, String sha256) {

    /** Requires both parts and a well-formed digest. */
    public ProfileFile {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(sha256, "sha256");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits: " + sha256);
        }
    }
}
