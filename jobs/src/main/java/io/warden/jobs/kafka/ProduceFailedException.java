package io.warden.jobs.kafka;

import org.apache.kafka.common.KafkaException;

/**
 * Thrown by {@link CheckedProducer#flush()} and {@link CheckedProducer#close()} when records could
 * not be written: says how many of how many, and carries the first failure as its cause.
 */
public final class ProduceFailedException extends KafkaException {

    private static final long serialVersionUID = 1L;

    private final long failed;
    private final long sent;

    ProduceFailedException(String message, long failed, long sent, Throwable firstFailure) {
        super(message, firstFailure);
        this.failed = failed;
        this.sent = sent;
    }

    /** How many records had failed when this was thrown. */
    public long failed() {
        return failed;
    }

    /** How many records had been sent (handed to the producer) when this was thrown. */
    public long sent() {
        return sent;
    }
}
