package io.warden.bench.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole output topic after a job ended, as a {@code read_committed} consumer sees it
 * (without a consumer group: every partition assigned, from the beginning to the end offsets), and
 * sums up its keys and sizes.
 */
final class OutputReader {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /**
     * What a topic holds: the keys of the records that are checked, the bytes of all records' keys
     * and values, and how many records were not checked.
     */
    record Contents(KeyDigest keys, long bytes, long unchecked) {
        long records() {
            return keys.count();
        }
    }

    private OutputReader() {}

    static Contents read(Map<String, Object> kafka, String topic) {
        return read(kafka, topic, value -> true);
    }

    /**
     * Reads {@code topic}; only the records whose value {@code checked} accepts go into the keys,
     * the others are counted.
     */
    static Contents read(Map<String, Object> kafka, String topic, Predicate<byte[]> checked) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        KeyDigest keys = new KeyDigest();
        long bytes = 0;
        long unchecked = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, TIMEOUT)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            while (!reached(consumer, end)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(
                            "could not read " + topic + " to its end within " + TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    byte[] key = r.key() == null ? new byte[0] : r.key();
                    if (checked.test(r.value())) {
                        keys.add(key);
                    } else {
                        unchecked++;
                    }
                    bytes += key.length + (r.value() == null ? 0 : r.value().length);
                }
            }
        }
        return new Contents(keys, bytes, unchecked);
    }

    private static boolean reached(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
