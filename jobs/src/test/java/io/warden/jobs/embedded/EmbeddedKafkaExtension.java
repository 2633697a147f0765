package io.warden.jobs.embedded;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one {@link EmbeddedKafkaCluster} for a test class and closes it after the class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
 *
 * @Test
 * void shouldDoSomething() {
 *     KAFKA.cluster().createTopics(2, "in", "out");
 *     ...
 * }
 * }</pre>
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {

    private final EmbeddedKafkaCluster.Builder builder;
    private EmbeddedKafkaCluster cluster;

    /** A cluster with the defaults of {@link EmbeddedKafkaCluster#start()}. */
    public EmbeddedKafkaExtension() {
        this(EmbeddedKafkaCluster.builder());
    }

    /** A cluster built by {@code builder} (fixed port, broker properties, ...). */
    public EmbeddedKafkaExtension(EmbeddedKafkaCluster.Builder builder) {
        this.builder = builder;
    }

    /** The running cluster; only between the class's first and last test callbacks. */
    public EmbeddedKafkaCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException(
                    "The embedded Kafka cluster is not running: register the extension on a"
                            + " static field");
        }
        return cluster;
    }

    /** Shorthand for {@code cluster().bootstrapServers()}. */
    public String bootstrapServers() {
        return cluster().bootstrapServers();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = builder.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            try {
                cluster.close();
            } finally {
                cluster = null;
            }
        }
    }
}
