package io.warden.jobs.embedded;

import io.warden.jobs.kafka.TopicAdmin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNode;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process, single-node Kafka cluster in KRaft mode (one process acting as broker and
 * controller), built from Kafka's own server jars through {@link KafkaClusterTestKit}. It backs
 * {@code warden demo} and the integration tests; it is never part of the Flink job jar.
 *
 * <pre>{@code
 * try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
 *     kafka.createTopics(3, "inference.events", "warden.alerts");
 *     Map<String, Object> props = kafka.clientProperties(); // bootstrap.servers
 *     ...
 * }
 * }</pre>
 *
 * <p>What is configured, and why:
 *
 * <ul>
 *   <li>Metadata version and feature levels are Kafka 4.2's production defaults (what {@code
 *       kafka-storage format} writes), not the unstable levels the test kit uses by default.
 *   <li>The consumer-offsets and transaction-state topics have replication factor 1, min ISR 1 and
 *       5 partitions, so consumer groups and transactions (Flink's exactly-once Kafka sink) work on
 *       one broker and start quickly. {@code transaction.max.timeout.ms} keeps its default (15
 *       minutes).
 *   <li>{@code group.initial.rebalance.delay.ms=0}: consumer groups form without the usual 3 s
 *       wait.
 *   <li>{@code auto.create.topics.enable=false}: warden creates its topics explicitly, and a
 *       misspelt topic should fail, not appear.
 *   <li>Clients connect to a listener on {@code 127.0.0.1}, on an ephemeral port unless {@link
 *       Builder#port(int)} asks for a fixed one. The test kit also opens a listener for
 *       inter-broker traffic and one for the controller on ephemeral ports of all interfaces;
 *       nothing authenticates on any of them, so this is for local use only.
 *   <li>Data lives in a fresh temporary directory ({@link #logDirectory()}), removed by {@link
 *       #close()}.
 * </ul>
 *
 * <p>Logging: this class configures no logging. The broker logs a lot at INFO; to keep a console
 * quiet, set these loggers to WARN: {@code org.apache.kafka}, {@code kafka}, {@code
 * state.change.logger}. At WARN, each start still logs "Performing controller activation. The
 * metadata log appears to be empty..." ({@code org.apache.kafka.controller.QuorumController}) and
 * each close "Attempting to close NetworkClient that has already been closed" ({@code
 * org.apache.kafka.clients.NetworkClient}); both are harmless, and ERROR silences them. Note that
 * {@code kafka-test-common-runtime} ships a {@code log4j2.yaml} (root logger at INFO to stdout):
 * Log4j 2 picks it up when the classpath has no {@code log4j2-test.*} and no {@code
 * log4j2.properties} of its own.
 *
 * <p>Instances are thread-safe. {@link #close()} stops the broker and controller, waits for their
 * threads to end and deletes the data directory; it is idempotent. Nothing closes the cluster when
 * the JVM exits without calling it (no shutdown hook is registered): a program that may be
 * interrupted, like {@code warden demo}, should close it from its own shutdown handling, or the
 * data directory stays behind in {@code java.io.tmpdir}.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

    /** Partitions of the consumer-offsets and transaction-state topics (Kafka's default: 50). */
    private static final int INTERNAL_TOPIC_PARTITIONS = 5;

    /** How long {@link #createTopics(int, String...)} waits for the partitions' leaders. */
    private static final Duration CREATE_TOPICS_TIMEOUT = Duration.ofSeconds(30);

    private static final String HOST = "127.0.0.1";
    private static final String CLIENT_LISTENER = "CLIENT";
    private static final String INTERNAL_LISTENER = "INTERNAL";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final KafkaClusterTestKit kit;
    private final Path logDirectory;
    private final String bootstrapServers;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaCluster(KafkaClusterTestKit kit, Path logDirectory, int port) {
        this.kit = kit;
        this.logDirectory = logDirectory;
        this.port = port;
        this.bootstrapServers = HOST + ":" + port;
    }

    /** Starts a cluster with the defaults: an ephemeral port, one partition per new topic. */
    public static EmbeddedKafkaCluster start() {
        return builder().start();
    }

    /** Returns a builder for a cluster with a fixed port or other broker settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The {@code bootstrap.servers} string for clients, e.g. {@code 127.0.0.1:41234}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The port clients connect to. */
    public int port() {
        return port;
    }

    /** The directory holding the broker's and controller's data; deleted by {@link #close()}. */
    public Path logDirectory() {
        return logDirectory;
    }

    /**
     * Properties every client (admin, producer, consumer) needs to reach this cluster: only {@code
     * bootstrap.servers}. A new mutable map on each call, so callers can add their own.
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /**
     * Creates topics with {@code partitions} partitions each (replication factor 1) and waits until
     * every partition has a leader that answers, so records produced right afterwards are not lost
     * (see {@link TopicAdmin#createTopics}). Topics that already exist are left as they are.
     *
     * @throws org.apache.kafka.common.errors.TimeoutException if a partition has no ready leader
     *     within 30 s
     */
    public void createTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
        }
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(
                    new NewTopic(
                            Objects.requireNonNull(name, "topic name"), partitions, (short) 1));
        }
        try (TopicAdmin admin = TopicAdmin.create(clientProperties())) {
            admin.createTopics(topics, CREATE_TOPICS_TIMEOUT);
        }
    }

    /**
     * Stops the broker and the controller, waits for their threads to end and deletes {@link
     * #logDirectory()}. Calling it again does nothing.
     *
     * @throws KafkaException if the broker did not shut down cleanly (the directory is deleted
     *     anyway)
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Exception failure = null;
        try {
            kit.close();
        } catch (Exception e) {
            failure = e;
        }
        try {
            deleteRecursively(logDirectory);
        } catch (UncheckedIOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw new KafkaException("Embedded Kafka broker did not shut down cleanly", failure);
        }
        LOG.debug("Embedded Kafka broker at {} stopped", bootstrapServers);
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaCluster[" + bootstrapServers + ", " + logDirectory + "]";
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + root, e);
        }
    }

    /** Options for {@link EmbeddedKafkaCluster}; {@link #start()} builds and starts it. */
    public static final class Builder {
        private int port;
        private int defaultPartitions = 1;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {}

        /** The client port on 127.0.0.1; 0 (the default) picks a free ephemeral port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
            }
            this.port = port;
            return this;
        }

        /** Partitions of topics created without an explicit count ({@code num.partitions}). */
        public Builder defaultPartitions(int defaultPartitions) {
            if (defaultPartitions < 1) {
                throw new IllegalArgumentException(
                        "defaultPartitions must be >= 1, was " + defaultPartitions);
            }
            this.defaultPartitions = defaultPartitions;
            return this;
        }

        /**
         * Sets a broker configuration property, overriding this class's defaults (for example
         * {@code auto.create.topics.enable=true}). Listener settings are managed here; override
         * them at your own risk.
         */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /**
         * Formats storage in a new temporary directory, starts the broker and controller and waits
         * until the broker is registered and ready for clients: about 2 s for the first cluster in
         * a JVM (mostly class loading), a few hundred ms for later ones.
         *
         * @throws KafkaException if the cluster cannot start (for example, the fixed port is
         *     taken); nothing is left running and the directory is deleted
         */
        public EmbeddedKafkaCluster start() {
            long startNanos = System.nanoTime();
            Path dir;
            try {
                dir = Files.createTempDirectory("warden-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not create a data directory for Kafka", e);
            }
            KafkaClusterTestKit kit = null;
            try {
                TestKitNodes nodes = newNodes(dir);
                kit = newTestKit(nodes);
                format(nodes);
                kit.startup();
                kit.waitForReadyBrokers();
                BrokerServer broker = kit.brokers().values().iterator().next();
                int boundPort = broker.boundPort(ListenerName.normalised(CLIENT_LISTENER));
                EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(kit, dir, boundPort);
                LOG.info(
                        "Embedded Kafka broker (KRaft, {}) ready at {} in {} ms, data in {}",
                        MetadataVersion.latestProduction(),
                        cluster.bootstrapServers(),
                        (System.nanoTime() - startNanos) / 1_000_000,
                        dir);
                return cluster;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                KafkaException failure =
                        new KafkaException(
                                "Could not start the embedded Kafka broker"
                                        + (port == 0 ? "" : " on " + HOST + ":" + port)
                                        + ": "
                                        + rootCause(e),
                                e);
                if (kit != null) {
                    try {
                        kit.close();
                    } catch (Exception closeFailure) {
                        failure.addSuppressed(closeFailure);
                    }
                }
                try {
                    deleteRecursively(dir);
                } catch (UncheckedIOException deleteFailure) {
                    failure.addSuppressed(deleteFailure);
                }
                throw failure;
            }
        }

        private static TestKitNodes newNodes(Path dir) {
            return new TestKitNodes.Builder(productionBootstrapMetadata())
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir)
                    .setBrokerListenerName(ListenerName.normalised(INTERNAL_LISTENER))
                    .setControllerListenerName(ListenerName.normalised(CONTROLLER_LISTENER))
                    .build();
        }

        private KafkaClusterTestKit newTestKit(TestKitNodes nodes) throws Exception {
            KafkaClusterTestKit.Builder builder =
                    new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
            brokerConfig().forEach(builder::setConfigProp);
            return builder.build();
        }

        /**
         * Formats the storage of the single (combined) node, as {@link
         * KafkaClusterTestKit#format()} would, but with the formatter's report ("Bootstrap
         * metadata: ...", "Formatting ...") sent to the debug log instead of {@code System.out}.
         */
        private static void format(TestKitNodes nodes) throws Exception {
            TestKitNode node = nodes.controllerNodes().values().iterator().next();
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            new Formatter()
                    .setPrintStream(new PrintStream(report, true, StandardCharsets.UTF_8))
                    .setNodeId(node.id())
                    .setClusterId(nodes.clusterId())
                    .setDirectories(node.initialMetaPropertiesEnsemble().logDirProps().keySet())
                    .setMetadataLogDirectory(node.metadataDirectory())
                    .setReleaseVersion(nodes.bootstrapMetadata().metadataVersion())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setIgnoreFormatted(false)
                    .run();
            LOG.debug(
                    "Formatted Kafka storage: {}", report.toString(StandardCharsets.UTF_8).trim());
        }

        /** The broker configuration: listeners, then our defaults, then the caller's. */
        private Map<String, String> brokerConfig() {
            Map<String, String> config = new TreeMap<>();
            // The test kit binds the INTERNAL and CONTROLLER listeners to pre-bound ephemeral
            // ports whatever the address says; CLIENT is ours, so its port can be fixed.
            config.put(
                    "listeners",
                    INTERNAL_LISTENER
                            + "://localhost:0,"
                            + CONTROLLER_LISTENER
                            + "://localhost:0,"
                            + CLIENT_LISTENER
                            + "://"
                            + HOST
                            + ":"
                            + port);
            config.put(
                    "listener.security.protocol.map",
                    INTERNAL_LISTENER
                            + ":PLAINTEXT,"
                            + CONTROLLER_LISTENER
                            + ":PLAINTEXT,"
                            + CLIENT_LISTENER
                            + ":PLAINTEXT");
            config.put("inter.broker.listener.name", INTERNAL_LISTENER);
            config.put("controller.listener.names", CONTROLLER_LISTENER);

            String internalPartitions = Integer.toString(INTERNAL_TOPIC_PARTITIONS);
            config.put("offsets.topic.replication.factor", "1");
            config.put("offsets.topic.num.partitions", internalPartitions);
            config.put("transaction.state.log.replication.factor", "1");
            config.put("transaction.state.log.min.isr", "1");
            config.put("transaction.state.log.num.partitions", internalPartitions);
            config.put("group.initial.rebalance.delay.ms", "0");
            config.put("auto.create.topics.enable", "false");
            config.put("num.partitions", Integer.toString(defaultPartitions));
            // The test kit enables unstable APIs and features; a real 4.2 broker does not.
            config.put("unstable.api.versions.enable", "false");
            config.put("unstable.feature.versions.enable", "false");

            config.putAll(brokerProperties);
            return config;
        }

        private static BootstrapMetadata productionBootstrapMetadata() {
            MetadataVersion version = MetadataVersion.latestProduction();
            Map<String, Short> features = new TreeMap<>();
            for (Feature feature : Feature.PRODUCTION_FEATURES) {
                features.put(feature.featureName(), feature.defaultLevel(version));
            }
            return BootstrapMetadata.fromVersions(version, features, "warden-embedded");
        }
    }
}
