package io.warden.jobs.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.jobs.embedded.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicAdminITCase {

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TopicAdmin admin;

    @BeforeEach
    void createAdmin() {
        admin = TopicAdmin.create(KAFKA.cluster().clientProperties());
    }

    @AfterEach
    void closeAdmin() {
        admin.close();
    }

    @Test
    void createTopicsShouldReturnOnlyTheTopicsItCreated() {
        assertThat(admin.createTopics(List.of(new NewTopic("first", 2, (short) 1)), TIMEOUT))
                .containsExactly("first");

        assertThat(
                        admin.createTopics(
                                List.of(
                                        new NewTopic("first", 2, (short) 1),
                                        new NewTopic("second", 1, (short) 1)),
                                TIMEOUT))
                .containsExactly("second");
        assertThat(admin.exists("first", TIMEOUT)).isTrue();
        assertThat(admin.exists("second", TIMEOUT)).isTrue();
        assertThat(admin.exists("third", TIMEOUT)).isFalse();
    }

    @Test
    void recordsProducedRightAfterCreateTopicsShouldAllArrive() {
        // KAFKA-15591: without waiting for leaders, the first batches can be lost silently.
        List<NewTopic> topics = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            topics.add(new NewTopic("fresh-" + t, 3, (short) 1));
        }
        admin.createTopics(topics, TIMEOUT);

        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (NewTopic topic : topics) {
                for (int i = 0; i < 300; i++) {
                    producer.send(topic.name(), ("k" + i).getBytes(UTF_8), new byte[] {1});
                }
            }
            producer.flush();
        }
        for (NewTopic topic : topics) {
            assertThat(
                            KafkaRecords.readAll(
                                    KAFKA.bootstrapServers(),
                                    topic.name(),
                                    300,
                                    TIMEOUT,
                                    IsolationLevel.READ_UNCOMMITTED))
                    .hasSize(300);
        }
    }

    @Test
    void awaitLeadersShouldNameTheTopicItGaveUpOn() {
        // 3 s, so that at least one metadata answer (the topic is unknown) comes back even on a
        // busy machine; with less the last error can be the admin call's own timeout.
        assertThatThrownBy(
                        () -> admin.awaitLeaders(List.of("never-created"), Duration.ofSeconds(3)))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("never-created")
                .hasMessageContaining("had no ready leader after 3000 ms")
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void describeShouldFailForAMissingTopic() {
        assertThatThrownBy(() -> admin.describe(List.of("missing"), TIMEOUT))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining("missing")
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }
}
