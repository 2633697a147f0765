package io.warden.detectors.onnx;

import java.nio.file.Path;

/**
 * A model file whose SHA-256 is not the pinned one: replaced, tampered with or truncated, or the
 * pin is out of date. Nothing is loaded from such a file.
 */
public final class ModelIntegrityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String expectedSha256;
    private final String actualSha256;

    /**
     * @param file the file read
     * @param expectedSha256 the pinned digest
     * @param actualSha256 the digest of the bytes read
     */
    public ModelIntegrityException(Path file, String expectedSha256, String actualSha256) {
        super(
                "ONNX model file "
                        + file
                        + " does not match its pinned SHA-256: expected "
                        + expectedSha256
                        + ", actual "
                        + actualSha256
                        + "; refusing to load it (a replaced or tampered file, or an out-of-date"
                        + " pin)");
        this.file = file;
        this.expectedSha256 = expectedSha256;
        this.actualSha256 = actualSha256;
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** The pinned digest, 64 lowercase hex digits. */
    public String expectedSha256() {
        return expectedSha256;
    }

    /** The digest of the bytes read, 64 lowercase hex digits. */
    public String actualSha256() {
        return actualSha256;
    }
}
