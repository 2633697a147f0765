package io.warden.bench.pipeline;

import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.kafka.KafkaConnectors;
import io.warden.jobs.monitor.IngestDeserializer;
import io.warden.jobs.monitor.Ingested;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Single-threaded reference points for reading the jobs' figures: how fast one plain Kafka consumer
 * reads the input topics from the same broker, and how fast it reads them while also decoding and
 * validating every record with the jobs' own {@link IngestDeserializer}. The difference is the
 * per-record cost of decoding and validation on one core, outside Flink.
 */
final class Calibration {
    /**
     * One single-threaded pass over the input.
     *
     * @param cpuNanos CPU time of the reading thread (the consumer does its network I/O in it; the
     *     broker's work is not included)
     * @param maxTopicLead the most records one input topic was ever read ahead of the other: how
     *     far apart the consumer's fetches let requests and their responses drift
     */
    record Pass(String what, long records, long nanos, long cpuNanos, long maxTopicLead) {
        double recordsPerSecond() {
            return records / (nanos / 1e9);
        }

        double cpuMicrosPerRecord() {
            return cpuNanos / 1e3 / records;
        }
    }

    private Calibration() {}

    /** Reads the input topics once without decoding, then once decoding every record. */
    static List<Pass> run(Map<String, Object> kafka, WardenConfig config, long expectedRecords) {
        List<Pass> passes = new ArrayList<>();
        passes.add(pass("consume only", kafka, config, null, expectedRecords));
        IngestDeserializer decoder =
                new IngestDeserializer(KafkaConnectors.inputTopics(config), config);
        passes.add(pass("consume + decode + validate", kafka, config, decoder, expectedRecords));
        return passes;
    }

    private static Pass pass(
            String what,
            Map<String, Object> kafka,
            WardenConfig config,
            IngestDeserializer decoder,
            long expectedRecords) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        CountingCollector out = new CountingCollector();
        String requests = config.topics().requests();
        long records = 0;
        long lead = 0;
        long maxLead = 0;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : KafkaConnectors.inputTopics(config).keySet()) {
                for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (records < expectedRecords) {
                if (System.nanoTime() - start > Duration.ofMinutes(5).toNanos()) {
                    throw new IllegalStateException(
                            "calibration read " + records + " of " + expectedRecords + " records");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    records++;
                    lead += r.topic().equals(requests) ? 1 : -1;
                    maxLead = Math.max(maxLead, Math.abs(lead));
                    if (decoder != null) {
                        decoder.deserialize(r, out);
                    }
                }
            }
        }
        long nanos = System.nanoTime() - start;
        long cpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;
        if (decoder != null && out.count != records) {
            throw new IllegalStateException(
                    "the decoder emitted " + out.count + " elements for " + records + " records");
        }
        return new Pass(what, records, nanos, cpuNanos, maxLead);
    }

    private static final class CountingCollector implements Collector<Ingested> {
        long count;

        @Override
        public void collect(Ingested record) {
            count++;
        }

        @Override
        public void close() {}
    }
}
