package io.warden.schemas.codec;

/** How the bytes of an input topic are encoded; configured per topic. */
public enum InputFormat {
    /**
     * Decide per record: Avro single-object encoding when the bytes start with {@code C3 01};
     * otherwise JSON, parsed once, as warden's plain JSON when the object has warden's id field
     * ({@code request_id}, or {@code feedback_id} for feedback), else as Open Inference Protocol v2
     * when it has OIP's {@code id}/{@code inputs}/{@code outputs}.
     */
    AUTO,
    /** Avro single-object encoding only. */
    AVRO,
    /** warden's plain JSON only (the shape of the Avro records). */
    JSON,
    /** Open Inference Protocol v2 (KServe V2) JSON only; valid for requests and responses. */
    OIP
}
