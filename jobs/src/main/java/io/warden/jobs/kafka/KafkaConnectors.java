package io.warden.jobs.kafka;

import io.warden.jobs.config.KafkaSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.monitor.IngestDeserializer;
import io.warden.jobs.monitor.Ingested;
import io.warden.jobs.monitor.ModelCatalog;
import io.warden.jobs.onnx.ModelRolloutDeserializer;
import io.warden.schemas.ModelRollout;
import io.warden.schemas.codec.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Flink Kafka sources and sinks as warden's config describes them: one source over the input topics
 * that decodes and validates in the reader ({@link IngestDeserializer}), and sinks that write Avro
 * single-object records keyed by their deterministic id, exactly-once (Kafka transactions) or
 * at-least-once.
 */
public final class KafkaConnectors {
    /**
     * Producer transaction timeout: must stay below the broker's {@code transaction.max.timeout.ms}
     * (default 15 min) or the job restarts forever.
     */
    static final String DEFAULT_TRANSACTION_TIMEOUT_MS = "60000";

    private KafkaConnectors() {}

    /**
     * Which record each input topic carries in the config's input mode; the feedback topic when a
     * model has realised performance on.
     */
    public static Map<String, Ingested.Kind> inputTopics(WardenConfig config) {
        Map<String, Ingested.Kind> topics = new LinkedHashMap<>();
        switch (config.input().mode()) {
            case SPLIT -> {
                topics.put(config.topics().requests(), Ingested.Kind.REQUEST);
                topics.put(config.topics().responses(), Ingested.Kind.RESPONSE);
            }
            case COMBINED -> topics.put(config.topics().events(), Ingested.Kind.EVENT);
        }
        if (config.models().stream().anyMatch(ModelCatalog::performanceOn)) {
            topics.put(config.topics().feedback(), Ingested.Kind.FEEDBACK);
        }
        return topics;
    }

    /**
     * The monitor job's input source.
     *
     * @param bounded stop at the offsets that are latest when the job starts (replay, tests);
     *     otherwise read forever
     */
    @SuppressWarnings("deprecation") // the connector's API still takes OffsetResetStrategy
    public static KafkaSource<Ingested> inputSource(WardenConfig config, boolean bounded) {
        KafkaSettings kafka = config.kafka();
        Map<String, Ingested.Kind> topics = inputTopics(config);
        OffsetsInitializer start =
                switch (kafka.startingOffsets()) {
                    case EARLIEST -> OffsetsInitializer.earliest();
                    case LATEST -> OffsetsInitializer.latest();
                    case COMMITTED_OR_EARLIEST ->
                            OffsetsInitializer.committedOffsets(
                                    org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST);
                    case COMMITTED_OR_LATEST ->
                            OffsetsInitializer.committedOffsets(
                                    org.apache.kafka.clients.consumer.OffsetResetStrategy.LATEST);
                };
        KafkaSourceBuilder<Ingested> builder =
                KafkaSource.<Ingested>builder()
                        .setProperties(kafka.clientProperties())
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopics(List.copyOf(topics.keySet()))
                        .setGroupId(kafka.groupId())
                        .setStartingOffsets(start)
                        .setDeserializer(new IngestDeserializer(topics, config))
                        // Only committed output of upstream transactional producers.
                        .setProperty("isolation.level", "read_committed")
                        .setProperty("commit.offsets.on.checkpoint", "true");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * The source of the control topic ({@code topics.control}), whose {@link ModelRollout} records
     * roll new ONNX model versions into the running job. It starts at the job's committed offsets,
     * else at the end of the topic: a job started afresh serves the models its config pins, and a
     * job restored from a checkpoint or savepoint resumes from the checkpointed offsets (its
     * rolled-in models are in the scoring operator's state).
     *
     * @param bounded stop at the offsets that are latest when the job starts
     */
    @SuppressWarnings("deprecation") // the connector's API still takes OffsetResetStrategy
    public static KafkaSource<ModelRollout> controlSource(WardenConfig config, boolean bounded) {
        KafkaSettings kafka = config.kafka();
        KafkaSourceBuilder<ModelRollout> builder =
                KafkaSource.<ModelRollout>builder()
                        .setProperties(kafka.clientProperties())
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopics(config.topics().control())
                        .setGroupId(kafka.groupId())
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(
                                        org.apache.kafka.clients.consumer.OffsetResetStrategy
                                                .LATEST))
                        .setDeserializer(new ModelRolloutDeserializer())
                        .setProperty("isolation.level", "read_committed")
                        .setProperty("commit.offsets.on.checkpoint", "true");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * A sink writing Avro single-object records to {@code topic}, keyed by {@code key}.
     *
     * @param name distinguishes this sink's transactional ids from the job's other sinks
     */
    public static <T extends SpecificRecord> KafkaSink<T> sink(
            WardenConfig config, String topic, KeySelector<T, String> key, String name) {
        KafkaSettings kafka = config.kafka();
        Properties producer = kafka.clientProperties();
        producer.putIfAbsent("transaction.timeout.ms", DEFAULT_TRANSACTION_TIMEOUT_MS);
        producer.putIfAbsent("compression.type", "lz4");
        producer.putIfAbsent("linger.ms", "5");
        boolean exactlyOnce = kafka.delivery() == KafkaSettings.Delivery.EXACTLY_ONCE;
        return KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new AvroRecordSerializer<>(topic, key))
                .setDeliveryGuarantee(
                        exactlyOnce
                                ? DeliveryGuarantee.EXACTLY_ONCE
                                : DeliveryGuarantee.AT_LEAST_ONCE)
                .setTransactionalIdPrefix(
                        kafka.transactionalIdPrefix() + "-" + config.job().name() + "-" + name)
                .build();
    }

    /** Avro single-object value, UTF-8 key; the broker sets the timestamp. */
    static final class AvroRecordSerializer<T extends SpecificRecord>
            implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;

        private final String topic;
        private final KeySelector<T, String> key;

        AvroRecordSerializer(String topic, KeySelector<T, String> key) {
            this.topic = topic;
            this.key = key;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                T element, KafkaSinkContext context, Long timestamp) {
            String k;
            try {
                k = key.getKey(element);
            } catch (Exception e) {
                throw new IllegalStateException("cannot compute the Kafka key of " + element, e);
            }
            return new ProducerRecord<>(
                    topic,
                    null,
                    null,
                    k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                    AvroCodec.standard().encode(element));
        }
    }
}
