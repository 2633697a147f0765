package io.warden.jobs.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link KafkaProducer} of byte arrays that checks the outcome of every send, so that lost
 * records fail loudly instead of silently.
 *
 * <p>{@code KafkaProducer.flush()} returns normally even when batches were dropped (for example
 * after {@code delivery.timeout.ms}, or KAFKA-15591 right after topic creation); only the send
 * callbacks tell. This class counts records sent, acknowledged and failed, keeps the first failure,
 * and makes {@link #flush()} throw a {@link ProduceFailedException} if any send failed. Failures
 * are sticky: once a send failed, every later {@code flush()} throws too; use a new producer to
 * start afresh.
 *
 * <pre>{@code
 * try (CheckedProducer producer = CheckedProducer.create(Map.of("bootstrap.servers", bootstrap))) {
 *     for (Event e : events) {
 *         producer.send("inference.events", e.requestId(), e.bytes());
 *     }
 *     producer.flush(); // throws if any record was not written
 * }
 * }</pre>
 *
 * <p>Defaults ({@link #defaults()}), overridable through the properties: {@code acks=all},
 * idempotence on, {@code linger.ms=5}, {@code compression.type=lz4}. Keys and values are always
 * serialized as byte arrays. Not transactional: for transactions use a {@code KafkaProducer}, whose
 * {@code commitTransaction()} itself fails if a send in the transaction failed.
 *
 * <p>Thread-safe, like {@code KafkaProducer}.
 */
public final class CheckedProducer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckedProducer.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<FirstFailure> firstFailure = new AtomicReference<>();

    /** Failures already reported by an exception; close() reports any beyond these. */
    private final AtomicLong reportedFailures = new AtomicLong();

    private final AtomicBoolean closed = new AtomicBoolean();

    private CheckedProducer(KafkaProducer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /**
     * Creates a producer from {@code properties} (at least {@code bootstrap.servers}) on top of
     * {@link #defaults()}. Serializer settings are ignored: keys and values are byte arrays.
     */
    public static CheckedProducer create(Map<String, ?> properties) {
        Map<String, Object> config = defaults();
        config.putAll(properties);
        return new CheckedProducer(
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    /** The settings {@link #create} starts from, as a new mutable map. */
    public static Map<String, Object> defaults() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return config;
    }

    /** Sends a keyed record; see {@link #send(ProducerRecord, Callback)}. */
    public Future<RecordMetadata> send(String topic, byte[] key, byte[] value) {
        return send(new ProducerRecord<>(topic, key, value), null);
    }

    /** Sends a record; see {@link #send(ProducerRecord, Callback)}. */
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        return send(record, null);
    }

    /**
     * Sends a record asynchronously and records its outcome. {@code callback}, if not null, is
     * called after the outcome was counted, on the producer's I/O thread (keep it short).
     *
     * <p>Like {@code KafkaProducer.send}, this may block up to {@code max.block.ms} for metadata or
     * buffer space. A failure the producer throws synchronously (rather than through the callback)
     * is counted, kept and rethrown.
     */
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        Objects.requireNonNull(record, "record");
        String topic = record.topic();
        Callback checked =
                (metadata, exception) -> {
                    if (exception == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        recordFailure(topic, exception);
                    }
                    if (callback != null) {
                        callback.onCompletion(metadata, exception);
                    }
                };
        try {
            return producer.send(record, checked);
        } catch (RuntimeException e) {
            recordFailure(topic, e);
            throw e;
        } finally {
            // Counted after the hand-over, so flush() can tell which sends it must have seen.
            sent.incrementAndGet();
        }
    }

    /**
     * Waits until every record sent before this call is acknowledged or has failed.
     *
     * @throws ProduceFailedException if any record sent so far through this producer failed, or if
     *     a record sent before this call was neither acknowledged nor failed afterwards
     */
    public void flush() {
        long sentBefore = sent.get();
        producer.flush();
        throwIfFailed();
        long completed = acknowledged.get() + failed.get();
        if (completed < sentBefore) {
            throw new ProduceFailedException(
                    (sentBefore - completed)
                            + " of "
                            + sentBefore
                            + " records were neither acknowledged nor failed after flush()",
                    0,
                    sentBefore,
                    null);
        }
    }

    /** Records handed to the producer so far (including those that failed). */
    public long sent() {
        return sent.get();
    }

    /** Records the broker acknowledged so far. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Records that failed so far. */
    public long failed() {
        return failed.get();
    }

    /** The first failure, if any send failed. */
    public Optional<Exception> firstFailure() {
        FirstFailure first = firstFailure.get();
        return first == null ? Optional.empty() : Optional.of(first.exception());
    }

    /**
     * Sends what is buffered, waits for it and closes the producer.
     *
     * @throws ProduceFailedException if records failed that no earlier {@link #flush()} has
     *     reported
     */
    @Override
    public void close() {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    /**
     * Like {@link #close()}, but waits at most {@code timeout} for buffered records; records still
     * pending then fail (and are reported).
     */
    public void close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        producer.close(timeout);
        if (failed.get() > reportedFailures.get()) {
            throwIfFailed();
        }
    }

    private void recordFailure(String topic, Exception exception) {
        // Kept before counting, so that whoever sees failed() > 0 also sees the first failure.
        if (firstFailure.compareAndSet(null, new FirstFailure(topic, exception))) {
            LOG.error("Could not write a record to topic '{}'", topic, exception);
        }
        failed.incrementAndGet();
    }

    private void throwIfFailed() {
        long failures = failed.get();
        if (failures == 0) {
            return;
        }
        reportedFailures.set(failures);
        FirstFailure first = firstFailure.get();
        throw new ProduceFailedException(
                failures
                        + " of "
                        + sent.get()
                        + " records could not be written to Kafka; first failure (topic '"
                        + first.topic()
                        + "'): "
                        + first.exception(),
                failures,
                sent.get(),
                first.exception());
    }

    private record FirstFailure(String topic, Exception exception) {}
}
