package io.warden.jobs.embedded;

/**
 * Starts and closes an {@link EmbeddedKafkaCluster}, then returns from {@code main}: run in a child
 * JVM by {@link EmbeddedKafkaClusterITCase} to check that nothing keeps the JVM alive. Prints the
 * non-daemon threads still alive after close, to explain a hang.
 */
public final class StartAndCloseMain {

    private StartAndCloseMain() {}

    public static void main(String[] args) {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start()) {
            cluster.createTopics(1, "start-and-close");
        }
        Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon() && t != Thread.currentThread())
                .forEach(t -> System.out.println("non-daemon thread after close: " + t.getName()));
        System.out.println("closed");
    }
}
