package io.warden.detectors.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * An ONNX model file pinned to the SHA-256 of its bytes, as the configuration declares it.
 *
 * <p>{@link #readVerified()} reads the file once and checks the digest of exactly the bytes it
 * returns, so a session built from them (see {@link OnnxScorer}) runs the pinned model even if the
 * file is replaced between the check and the load.
 *
 * @param path the model file
 * @param sha256 its pinned SHA-256, 64 hex digits (stored in lowercase)
 */
public record ModelFile(Path path, String sha256) {

    /**
     * Requires both parts and a well-formed digest.
     *
     * @throws IllegalArgumentException naming the file when the digest is not 64 hex digits
     */
    public ModelFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        sha256 = sha256.toLowerCase(Locale.ROOT);
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                    "the SHA-256 pinned for ONNX model file "
                            + path
                            + " must be 64 hex digits, but is '"
                            + sha256
                            + "'");
        }
    }

    /**
     * Reads the file and checks its digest against the pin.
     *
     * @return the file's bytes, whose SHA-256 is {@link #sha256()}
     * @throws ModelIntegrityException naming the file, the expected and the actual digest, when
     *     they differ
     * @throws IllegalArgumentException naming the file when it cannot be read
     */
    public byte[] readVerified() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read ONNX model file " + path + ": " + e, e);
        }
        String actual = sha256Of(bytes);
        if (!actual.equals(sha256)) {
            throw new ModelIntegrityException(path, sha256, actual);
        }
        return bytes;
    }

    /**
     * Writes model bytes to a file (through a temporary file in the same folder and an atomic move,
     * so a reader never sees half a model) and returns the file pinned to their SHA-256.
     *
     * @throws IOException when the file cannot be written
     */
    public static ModelFile write(Path file, byte[] bytes) throws IOException {
        Objects.requireNonNull(file, "file");
        String sha256 = sha256Of(bytes);
        Path absolute = file.toAbsolutePath();
        Path temporary =
                Files.createTempFile(absolute.getParent(), absolute.getFileName() + ".", ".tmp");
        try {
            Files.write(temporary, bytes);
            Files.move(
                    temporary,
                    absolute,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
        return new ModelFile(file, sha256);
    }

    /**
     * The SHA-256 of a file's bytes, to pin it.
     *
     * @return 64 lowercase hex digits
     * @throws IllegalArgumentException naming the file when it cannot be read
     */
    public static String sha256Of(Path file) {
        try {
            return sha256Of(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read ONNX model file " + file + ": " + e, e);
        }
    }

    /** The SHA-256 of bytes, 64 lowercase hex digits. */
    public static String sha256Of(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
