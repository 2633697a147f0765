package io.warden.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A confidence reference file: samples of the max softmax probability, entropy and margin of the
 * monitored model on reference data (its validation set, or a period of known-good traffic).
 *
 * <pre>{@code
 * {"id": "digits-2026-11", "model": "digits",
 *  "confidence": {"msp": [0.99, ...], "entropy": [0.03, ...], "margin": [0.98, ...]}}
 * }</pre>
 *
 * @param id the file's {@code id}, or {@code sha256:<first 16 hex digits>} of its bytes when it has
 *     none
 * @param sha256 SHA-256 of the file's bytes (hex)
 * @param msp max softmax probability samples
 * @param entropy entropy samples (nats)
 * @param margin top-1 minus top-2 probability samples
 */
public record ConfidenceReferenceFile(
        String id, String sha256, double[] msp, double[] entropy, double[] margin) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads and checks a reference file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static ConfidenceReferenceFile read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read reference file " + file + ": " + e, e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "reference file " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read reference file " + file + ": " + e, e);
        }
        JsonNode confidence = root == null ? null : root.get("confidence");
        if (confidence == null || !confidence.isObject()) {
            throw new IllegalArgumentException(
                    "reference file "
                            + file
                            + ": missing object 'confidence' with msp, entropy, margin");
        }
        String sha = sha256(bytes);
        String id =
                root.hasNonNull("id") ? root.get("id").asText() : "sha256:" + sha.substring(0, 16);
        return new ConfidenceReferenceFile(
                id,
                sha,
                samples(file, confidence, "msp"),
                samples(file, confidence, "entropy"),
                samples(file, confidence, "margin"));
    }

    private static double[] samples(Path file, JsonNode confidence, String name) {
        JsonNode arr = confidence.get(name);
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw new IllegalArgumentException(
                    "reference file "
                            + file
                            + ": confidence."
                            + name
                            + " must be a non-empty list of numbers");
        }
        double[] out = new double[arr.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = arr.get(i);
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw new IllegalArgumentException(
                        "reference file "
                                + file
                                + ": confidence."
                                + name
                                + "["
                                + i
                                + "] is not a finite number: "
                                + v);
            }
            out[i] = v.asDouble();
        }
        return out;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
