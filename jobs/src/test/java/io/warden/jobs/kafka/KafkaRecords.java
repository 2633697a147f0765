package io.warden.jobs.kafka;

import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.CodecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads records back from Kafka in tests, without a consumer group (the consumer is assigned every
 * partition and starts at the beginning), so nothing waits for a rebalance or commits offsets.
 */
public final class KafkaRecords {

    private static final Duration POLL = Duration.ofMillis(100);

    /** How long {@link #readCommitted} waits for the expected records. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private KafkaRecords() {}

    /**
     * The committed records of {@code topic} (a job's output, Avro single-object encoded), decoded
     * as {@code type}: at least {@code expectedCount}, within a minute, and whatever else the topic
     * holds; see {@link #readAll}.
     *
     * @throws AssertionError when too few arrive, or one does not decode
     */
    public static <T extends SpecificRecord> List<T> readCommitted(
            String bootstrapServers, String topic, int expectedCount, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                readAll(
                        bootstrapServers,
                        topic,
                        expectedCount,
                        READ_TIMEOUT,
                        IsolationLevel.READ_COMMITTED)) {
            try {
                out.add(AvroCodec.standard().decode(r.value(), type));
            } catch (CodecException e) {
                throw new AssertionError("undecodable output on " + topic, e);
            }
        }
        return out;
    }

    /**
     * Reads {@code topic} from the beginning until at least {@code expectedCount} records have
     * arrived, then on to the end offsets of that moment, so that records beyond the expected ones
     * (duplicates, say) are returned too and an equality assertion on the size catches them.
     *
     * @param isolationLevel {@link IsolationLevel#READ_COMMITTED} to see only committed
     *     transactional records (and stop at the last stable offset)
     * @return the records in partition order, each partition in offset order
     * @throws AssertionError if fewer than {@code expectedCount} records arrived within {@code
     *     timeout}, saying how many did
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(
            String bootstrapServers,
            String topic,
            int expectedCount,
            Duration timeout,
            IsolationLevel isolationLevel) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolationLevel.toString().toLowerCase(Locale.ROOT));
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, timeout)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            if (partitions.isEmpty()) {
                throw new AssertionError("Topic '" + topic + "' does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);

            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new HashMap<>();
            int count = 0;
            while (count < expectedCount) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(
                            "Read "
                                    + count
                                    + " of "
                                    + expectedCount
                                    + " expected records from topic '"
                                    + topic
                                    + "' ("
                                    + isolationLevel
                                    + ") within "
                                    + timeout.toMillis()
                                    + " ms; positions "
                                    + positions(consumer, partitions));
                }
                count += poll(consumer, byPartition);
            }
            // Then up to the end as it is now, to return records beyond the expected ones.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, remaining(deadline));
            while (!reached(consumer, end) && System.nanoTime() - deadline < 0) {
                poll(consumer, byPartition);
            }

            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(count);
            for (TopicPartition partition : partitions) {
                records.addAll(byPartition.getOrDefault(partition, List.of()));
            }
            return records;
        }
    }

    private static int poll(
            KafkaConsumer<byte[], byte[]> consumer,
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition) {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            byPartition
                    .computeIfAbsent(
                            new TopicPartition(record.topic(), record.partition()),
                            p -> new ArrayList<>())
                    .add(record);
            n++;
        }
        return n;
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

    private static Map<TopicPartition, Long> positions(
            KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition partition : partitions) {
            positions.put(partition, consumer.position(partition));
        }
        return positions;
    }

    /** Time left before the deadline, but at least a second for one last request. */
    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(deadlineNanos - System.nanoTime(), 1_000_000_000L));
    }
}
