package io.warden.jobs.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.jobs.embedded.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CheckedProducerITCase {

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void flushShouldThrowWhenTheTopicDoesNotExist() {
        Map<String, Object> config = KAFKA.cluster().clientProperties();
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 300);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600);
        try (CheckedProducer producer = CheckedProducer.create(config)) {
            for (int i = 0; i < 3; i++) {
                producer.send("no-such-topic", key(i), "lost".getBytes(UTF_8));
            }

            assertThatThrownBy(producer::flush)
                    .isInstanceOf(ProduceFailedException.class)
                    .hasMessageContaining("3 of 3 records could not be written")
                    .hasMessageContaining("topic 'no-such-topic'")
                    .hasMessageContaining("not present in metadata")
                    .hasCauseInstanceOf(TimeoutException.class)
                    .satisfies(
                            e -> {
                                ProduceFailedException failure = (ProduceFailedException) e;
                                assertThat(failure.failed()).isEqualTo(3);
                                assertThat(failure.sent()).isEqualTo(3);
                            });
            assertThat(producer.acknowledged()).isZero();
            assertThat(producer.failed()).isEqualTo(3);
            assertThat(producer.firstFailure()).containsInstanceOf(TimeoutException.class);

            // Sticky: a later flush still reports the failure.
            assertThatThrownBy(producer::flush).isInstanceOf(ProduceFailedException.class);
        } // close() does not throw again: the failures were reported.
    }

    @Test
    void flushShouldThrowWhenTheBrokerRejectsRecordsItAccepted() {
        // A failure only the broker sees: KafkaProducer.flush() itself returns normally here.
        String topic = "small-records";
        try (TopicAdmin admin = TopicAdmin.create(KAFKA.cluster().clientProperties())) {
            admin.createTopics(
                    List.of(
                            new NewTopic(topic, 1, (short) 1)
                                    .configs(Map.of("max.message.bytes", "1024"))),
                    TIMEOUT);
        }
        byte[] big = new byte[16 * 1024];
        new Random(42).nextBytes(big); // incompressible
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            producer.send(topic, key(1), "fits".getBytes(UTF_8));
            producer.flush();
            producer.send(topic, key(2), big);

            assertThatThrownBy(producer::flush)
                    .isInstanceOf(ProduceFailedException.class)
                    .hasMessageContaining("1 of 2 records could not be written")
                    .hasCauseInstanceOf(RecordTooLargeException.class);
            assertThat(producer.acknowledged()).isEqualTo(1);
        }
    }

    @Test
    void closeShouldReportFailuresThatNoFlushReported() {
        Map<String, Object> config = KAFKA.cluster().clientProperties();
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300);
        CheckedProducer producer = CheckedProducer.create(config);
        producer.send("no-such-topic-either", key(1), "lost".getBytes(UTF_8));

        assertThatThrownBy(producer::close)
                .isInstanceOf(ProduceFailedException.class)
                .hasMessageContaining("1 of 1 records could not be written");
        assertThatCode(producer::close).doesNotThrowAnyException();
    }

    @Test
    void shouldCountAcknowledgedRecordsAndCallTheCallerBack() {
        String topic = "counted";
        KAFKA.cluster().createTopics(2, topic);
        AtomicLong callbacks = new AtomicLong();
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (int i = 0; i < 100; i++) {
                producer.send(
                        new ProducerRecord<>(topic, key(i), new byte[] {(byte) i}),
                        (metadata, exception) -> {
                            if (exception == null) {
                                callbacks.incrementAndGet();
                            }
                        });
            }
            producer.flush();

            assertThat(producer.sent()).isEqualTo(100);
            assertThat(producer.acknowledged()).isEqualTo(100);
            assertThat(producer.failed()).isZero();
            assertThat(producer.firstFailure()).isEmpty();
            assertThat(callbacks).hasValue(100);
        }
        assertThat(
                        KafkaRecords.readAll(
                                KAFKA.bootstrapServers(),
                                topic,
                                100,
                                TIMEOUT,
                                IsolationLevel.READ_UNCOMMITTED))
                .hasSize(100);
    }

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(UTF_8);
    }
}
