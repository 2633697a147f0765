package io.warden.jobs.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer for commands that read topics ({@code tail}, {@code evaluate}): committed records only
 * (unless {@code -X isolation.level=read_uncommitted}), no consumer group, no committed offsets, no
 * topic created by asking for it; the command assigns itself the partitions, so it starts reading
 * at once and leaves nothing behind.
 */
final class AssignedConsumer implements AutoCloseable {
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Object bootstrap;

    AssignedConsumer(KafkaOptions kafka) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("isolation.level", "read_committed");
        defaults.put("allow.auto.create.topics", "false");
        Map<String, Object> props = kafka.clientProperties(defaults);
        props.remove("group.id");
        props.put("enable.auto.commit", "false");
        bootstrap = props.get("bootstrap.servers");
        consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    KafkaConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    /** The partitions of a topic; empty when the topic does not exist. */
    List<TopicPartition> partitionsOf(String topic) {
        List<TopicPartition> out = new ArrayList<>();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos != null) {
            infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
        }
        return out;
    }

    /** "topic 'x' does not exist on host:port", for error messages. */
    String missing(String topic) {
        return "topic '" + topic + "' does not exist on " + bootstrap;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
