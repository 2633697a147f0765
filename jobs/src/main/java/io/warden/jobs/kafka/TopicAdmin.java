package io.warden.jobs.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and inspects topics through the Kafka Admin API, and after creating them waits until they
 * can take records.
 *
 * <p>Why the wait: producing right after {@code Admin.createTopics(...).all().get()} returns can
 * hit {@code NOT_LEADER_OR_FOLLOWER} on the first batch; the retried batch can then loop on {@code
 * OUT_OF_ORDER_SEQUENCE_NUMBER} until {@code delivery.timeout.ms} and be dropped while {@code
 * flush()} returns normally (KAFKA-15591, seen on Kafka 4.2.0). So {@link #createTopics} returns
 * only when every partition has a leader and that leader answers a {@code ListOffsets} request.
 *
 * <pre>{@code
 * try (TopicAdmin admin = TopicAdmin.create(Map.of("bootstrap.servers", bootstrap))) {
 *     admin.createTopics(List.of(new NewTopic("inference.events", 6, (short) 3)),
 *             Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Every method takes a timeout for the whole operation and throws unchecked exceptions: {@link
 * TimeoutException} when time runs out, {@link InterruptException} when interrupted, and {@link
 * KafkaException} (with the broker's error as cause) otherwise.
 */
public final class TopicAdmin implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    /** Pause between two readiness checks in {@link #awaitLeaders}. */
    private static final long RETRY_BACKOFF_MS = 50;

    private final Admin admin;

    private TopicAdmin(Admin admin) {
        this.admin = admin;
    }

    /**
     * Creates an admin client from {@code properties} (at least {@code bootstrap.servers}, plus any
     * security settings). {@link #close()} closes it.
     */
    public static TopicAdmin create(Map<String, Object> properties) {
        return new TopicAdmin(Admin.create(properties));
    }

    /**
     * Creates the topics that do not exist yet, then waits until every partition of every given
     * topic (new or not) has a leader that answers. A topic that already exists is left as it is:
     * its partition count and configs are not compared with the request.
     *
     * @return the names of the topics this call created
     * @throws TimeoutException if creation or readiness took longer than {@code timeout}
     */
    public Set<String> createTopics(Collection<NewTopic> topics, Duration timeout) {
        Deadline deadline = new Deadline(timeout);
        Map<String, NewTopic> byName = new LinkedHashMap<>();
        for (NewTopic topic : topics) {
            byName.put(topic.name(), topic);
        }
        if (byName.isEmpty()) {
            return Set.of();
        }
        Map<String, KafkaFuture<Void>> results =
                admin.createTopics(
                                byName.values(),
                                new CreateTopicsOptions().timeoutMs(deadline.remainingMs()))
                        .values();
        Set<String> created = new LinkedHashSet<>();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            try {
                get(result.getValue(), "create topic " + result.getKey());
                created.add(result.getKey());
            } catch (KafkaException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        LOG.debug("Created topics {} (of {})", created, byName.keySet());
        awaitLeaders(byName.keySet(), deadline.remaining());
        return created;
    }

    /**
     * Waits until every partition of the given topics has a leader and that leader answers a {@code
     * ListOffsets} request: from then on records produced to them are not lost to KAFKA-15591.
     * Topics that do not exist (yet) count as not ready.
     *
     * @throws TimeoutException naming the partitions that were not ready, if {@code timeout} passes
     *     first
     */
    public void awaitLeaders(Collection<String> topics, Duration timeout) {
        Deadline deadline = new Deadline(timeout);
        Set<String> names = new TreeSet<>(topics);
        // The most telling error seen: an answer (e.g. the topic is unknown) beats a call that
        // merely ran out of time, which is what the last attempt often does near the deadline.
        Throwable error = null;
        while (true) {
            String notReady;
            try {
                notReady = notReadyPartitions(names, deadline);
                if (notReady.isEmpty()) {
                    return;
                }
            } catch (InterruptException e) {
                throw e;
            } catch (KafkaException e) {
                notReady = "topics " + names;
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (error == null || !(cause instanceof TimeoutException)) {
                    error = cause;
                }
            }
            if (deadline.remainingMs() <= RETRY_BACKOFF_MS) {
                String message =
                        "Partitions of "
                                + notReady
                                + " had no ready leader after "
                                + timeout.toMillis()
                                + " ms"
                                + (error == null ? "" : "; error seen: " + error);
                throw error == null
                        ? new TimeoutException(message)
                        : new TimeoutException(message, error);
            }
            try {
                Thread.sleep(RETRY_BACKOFF_MS);
            } catch (InterruptedException e) {
                throw new InterruptException(e);
            }
        }
    }

    /** Whether {@code topic} exists (internal topics included). */
    public boolean exists(String topic, Duration timeout) {
        Set<String> names =
                get(
                        admin.listTopics(
                                        new ListTopicsOptions()
                                                .listInternal(true)
                                                .timeoutMs(new Deadline(timeout).remainingMs()))
                                .names(),
                        "list topics");
        return names.contains(topic);
    }

    /**
     * Describes the given topics: partitions, their leaders and replicas.
     *
     * @throws KafkaException with an {@link
     *     org.apache.kafka.common.errors.UnknownTopicOrPartitionException} cause if a topic does
     *     not exist
     */
    public Map<String, TopicDescription> describe(Collection<String> topics, Duration timeout) {
        return get(
                admin.describeTopics(
                                topics,
                                new DescribeTopicsOptions()
                                        .timeoutMs(new Deadline(timeout).remainingMs()))
                        .allTopicNames(),
                "describe topics " + topics);
    }

    @Override
    public void close() {
        admin.close();
    }

    /** Returns "" when all partitions are ready, else a description of those that are not. */
    private String notReadyPartitions(Set<String> names, Deadline deadline) {
        Map<String, TopicDescription> descriptions =
                get(
                        admin.describeTopics(
                                        names,
                                        new DescribeTopicsOptions()
                                                .timeoutMs(deadline.remainingMs()))
                                .allTopicNames(),
                        "describe topics " + names);
        List<String> leaderless = new ArrayList<>();
        Map<TopicPartition, OffsetSpec> partitions = new LinkedHashMap<>();
        for (TopicDescription description : descriptions.values()) {
            for (TopicPartitionInfo info : description.partitions()) {
                TopicPartition partition = new TopicPartition(description.name(), info.partition());
                if (info.leader() == null || info.leader().isEmpty()) {
                    leaderless.add(partition.toString());
                } else {
                    partitions.put(partition, OffsetSpec.latest());
                }
            }
        }
        if (!leaderless.isEmpty()) {
            return leaderless.toString();
        }
        ListOffsetsResult offsets =
                admin.listOffsets(
                        partitions, new ListOffsetsOptions().timeoutMs(deadline.remainingMs()));
        List<String> unanswered = new ArrayList<>();
        for (TopicPartition partition : partitions.keySet()) {
            try {
                offsets.partitionResult(partition).get();
            } catch (InterruptedException e) {
                throw new InterruptException("Interrupted while listing offsets", e);
            } catch (ExecutionException e) {
                unanswered.add(partition + " (" + e.getCause() + ")");
            }
        }
        return unanswered.isEmpty() ? "" : unanswered.toString();
    }

    private static <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            throw new InterruptException("Interrupted while waiting to " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException timeout) {
                throw new TimeoutException("Could not " + what + ": " + cause, timeout);
            }
            throw new KafkaException("Could not " + what + ": " + cause, cause);
        }
    }

    /** A point in time by which an operation must end. */
    private static final class Deadline {
        private final long endNanos;

        Deadline(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative: " + timeout);
            }
            this.endNanos = System.nanoTime() + timeout.toNanos();
        }

        Duration remaining() {
            return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
        }

        /** Remaining time for an admin request, at least 1 ms (0 would mean "no wait"). */
        int remainingMs() {
            long ms = remaining().toMillis();
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
        }
    }
}
