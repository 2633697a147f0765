package io.warden.jobs.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.jobs.kafka.CheckedProducer;
import io.warden.jobs.kafka.KafkaRecords;
import io.warden.jobs.kafka.TopicAdmin;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class EmbeddedKafkaClusterITCase {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaClusterITCase.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static EmbeddedKafkaCluster kafka;

    @BeforeAll
    static void startCluster() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long heapBefore = runtime.totalMemory() - runtime.freeMemory();
        long start = System.nanoTime();
        kafka = EmbeddedKafkaCluster.start();
        long startMillis = (System.nanoTime() - start) / 1_000_000;
        System.gc();
        long heapAfter = runtime.totalMemory() - runtime.freeMemory();
        // Measured, not asserted: see the report in the test output.
        LOG.info(
                "Broker start took {} ms (class loading included); heap in use grew by {} MB",
                startMillis,
                (heapAfter - heapBefore) / (1024 * 1024));
    }

    @AfterAll
    static void stopCluster() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldReadBackEveryKeyedRecordFromEveryPartition() {
        String topic = "round-trip";
        kafka.createTopics(3, topic);
        int count = 10_000;
        Map<String, String> expected = new HashMap<>();
        try (CheckedProducer producer = CheckedProducer.create(kafka.clientProperties())) {
            for (int i = 0; i < count; i++) {
                String key = "request-" + i;
                String value = "{\"request_id\":\"" + key + "\",\"x\":" + i + "}";
                expected.put(key, value);
                producer.send(topic, key.getBytes(UTF_8), value.getBytes(UTF_8));
            }
            producer.flush();
            assertThat(producer.sent()).isEqualTo(count);
            assertThat(producer.acknowledged()).isEqualTo(count);
            assertThat(producer.failed()).isZero();
        }

        List<ConsumerRecord<byte[], byte[]>> records =
                KafkaRecords.readAll(
                        kafka.bootstrapServers(),
                        topic,
                        count,
                        TIMEOUT,
                        IsolationLevel.READ_UNCOMMITTED);

        assertThat(records).hasSize(count);
        Map<String, String> actual = new HashMap<>();
        Set<Integer> partitions = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            actual.put(new String(record.key(), UTF_8), new String(record.value(), UTF_8));
            partitions.add(record.partition());
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(partitions).containsExactly(0, 1, 2);
    }

    @Test
    void shouldShowCommittedButNotAbortedTransactionsToReadCommittedConsumers() {
        String topic = "transactions";
        kafka.createTopics(3, topic);
        Map<String, Object> config = kafka.clientProperties();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-itcase");
        // Below the broker's transaction.max.timeout.ms (15 min), as for Flink's sink.
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            sendInTransaction(producer, topic, "committed-a", 10);
            producer.commitTransaction();
            sendInTransaction(producer, topic, "aborted", 10);
            producer.flush();
            producer.abortTransaction();
            sendInTransaction(producer, topic, "committed-b", 5);
            producer.commitTransaction();
        }

        List<ConsumerRecord<byte[], byte[]>> committed =
                KafkaRecords.readAll(
                        kafka.bootstrapServers(),
                        topic,
                        15,
                        TIMEOUT,
                        IsolationLevel.READ_COMMITTED);
        assertThat(committed)
                .extracting(r -> new String(r.value(), UTF_8))
                .hasSize(15)
                .allMatch(v -> v.startsWith("committed-"));

        // The aborted records were written, and a read_uncommitted consumer does see them.
        List<ConsumerRecord<byte[], byte[]>> all =
                KafkaRecords.readAll(
                        kafka.bootstrapServers(),
                        topic,
                        25,
                        TIMEOUT,
                        IsolationLevel.READ_UNCOMMITTED);
        assertThat(all)
                .extracting(r -> new String(r.value(), UTF_8))
                .hasSize(25)
                .filteredOn(v -> v.startsWith("aborted"))
                .hasSize(10);
    }

    @Test
    void shouldAcceptTopicsThatAlreadyExist() {
        kafka.createTopics(3, "existing");

        kafka.createTopics(3, "existing", "existing-2");
        kafka.createTopics(5, "existing");

        try (TopicAdmin admin = TopicAdmin.create(kafka.clientProperties())) {
            assertThat(admin.describe(List.of("existing", "existing-2"), TIMEOUT))
                    .hasEntrySatisfying("existing", d -> assertThat(d.partitions()).hasSize(3))
                    .hasEntrySatisfying("existing-2", d -> assertThat(d.partitions()).hasSize(3));
        }
    }

    @Test
    void closeShouldStopTheListenerAndDeleteTheData() throws IOException {
        int port = freePort();
        EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().port(port).start();
        Path dir = cluster.logDirectory();
        try {
            assertThat(cluster.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThat(dir).isDirectory();
            // Clients follow the advertised listener: a round trip proves it is the fixed port.
            cluster.createTopics(1, "fixed-port");
            try (CheckedProducer producer = CheckedProducer.create(cluster.clientProperties())) {
                producer.send("fixed-port", null, "hello".getBytes(UTF_8));
                producer.flush();
            }
            assertThat(
                            KafkaRecords.readAll(
                                    cluster.bootstrapServers(),
                                    "fixed-port",
                                    1,
                                    TIMEOUT,
                                    IsolationLevel.READ_UNCOMMITTED))
                    .hasSize(1);
        } finally {
            cluster.close();
        }

        assertThatThrownBy(() -> connect(port)).isInstanceOf(ConnectException.class);
        assertThat(dir).doesNotExist();
        cluster.close(); // idempotent

        // The port is free again: a new cluster can take it.
        try (EmbeddedKafkaCluster again = EmbeddedKafkaCluster.builder().port(port).start()) {
            assertThat(again.port()).isEqualTo(port);
        }
    }

    @Test
    void shouldFailClearlyWhenTheFixedPortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedKafkaCluster.builder().port(port).start())
                    .isInstanceOf(KafkaException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("Address already in use");
        }
    }

    @Test
    void aJvmThatStartsAndClosesAClusterShouldExit(@TempDir Path tmp) throws Exception {
        File output = tmp.resolve("child.log").toFile();
        Process child =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx256m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                StartAndCloseMain.class.getName())
                        .redirectErrorStream(true)
                        .redirectOutput(output)
                        .start();
        boolean exited = child.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly().waitFor();
        }
        String log = Files.readString(output.toPath());
        assertThat(exited).as("child JVM exited; its output:%n%s", log).isTrue();
        assertThat(child.exitValue()).as("exit code; output:%n%s", log).isZero();
        assertThat(log).contains("closed").doesNotContain("non-daemon thread after close");
    }

    private static void sendInTransaction(
            KafkaProducer<byte[], byte[]> producer, String topic, String prefix, int count) {
        producer.beginTransaction();
        for (int i = 0; i < count; i++) {
            byte[] key = ("k" + i).getBytes(UTF_8);
            producer.send(new ProducerRecord<>(topic, key, (prefix + "-" + i).getBytes(UTF_8)));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
        }
    }
}
