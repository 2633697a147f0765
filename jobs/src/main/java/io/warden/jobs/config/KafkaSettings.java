package io.warden.jobs.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How warden connects to Kafka.
 *
 * @param bootstrapServers the brokers, {@code host:port[,host:port...]} (required)
 * @param groupId consumer group of the monitor job's sources (default {@code warden-monitor})
 * @param startingOffsets where a source starts when the group has no committed offsets
 * @param delivery exactly-once (Kafka transactions: output visible to {@code read_committed}
 *     consumers after each checkpoint) or at-least-once (lower latency; duplicates after a restart
 *     carry identical ids)
 * @param transactionalIdPrefix prefix of the sinks' transactional ids; unique per job on a cluster
 * @param properties passed to every Kafka client as they are: security ({@code security.protocol},
 *     {@code sasl.*}, {@code ssl.*}) and tuning. Values may use {@code ${env:NAME}} so secrets stay
 *     out of the file.
 */
public record KafkaSettings(
        String bootstrapServers,
        String groupId,
        StartingOffsets startingOffsets,
        Delivery delivery,
        String transactionalIdPrefix,
        Map<String, String> properties)
        implements Serializable {

    /** Where sources start reading. */
    public enum StartingOffsets {
        @JsonProperty("earliest")
        EARLIEST,
        @JsonProperty("latest")
        LATEST,
        /** The group's committed offsets, or the earliest where there are none (default). */
        @JsonProperty("committed-or-earliest")
        COMMITTED_OR_EARLIEST,
        /** The group's committed offsets, or the latest where there are none. */
        @JsonProperty("committed-or-latest")
        COMMITTED_OR_LATEST
    }

    /** The sinks' delivery guarantee. */
    public enum Delivery {
        @JsonProperty("exactly-once")
        EXACTLY_ONCE,
        @JsonProperty("at-least-once")
        AT_LEAST_ONCE
    }

    public KafkaSettings {
        groupId = groupId == null ? "warden-monitor" : groupId;
        startingOffsets =
                startingOffsets == null ? StartingOffsets.COMMITTED_OR_EARLIEST : startingOffsets;
        delivery = delivery == null ? Delivery.EXACTLY_ONCE : delivery;
        transactionalIdPrefix = transactionalIdPrefix == null ? "warden" : transactionalIdPrefix;
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(
                servers, groupId, startingOffsets, delivery, transactionalIdPrefix, properties);
    }

    /** The pass-through properties plus {@code bootstrap.servers}, for any Kafka client. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("bootstrap.servers", bootstrapServers);
        return p;
    }

    /** True for keys whose values must never be logged or shown. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password")
                || k.contains("jaas")
                || k.contains("secret")
                || k.contains("token")
                || k.contains("credential")
                || k.endsWith(".key");
    }

    /** The properties with secret values replaced, safe to log. */
    public Map<String, String> redactedProperties() {
        Map<String, String> out = new TreeMap<>();
        properties.forEach((k, v) -> out.put(k, isSecret(k) ? "******" : v));
        return out;
    }

    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers="
                + bootstrapServers
                + ", groupId="
                + groupId
                + ", startingOffsets="
                + startingOffsets
                + ", delivery="
                + delivery
                + ", transactionalIdPrefix="
                + transactionalIdPrefix
                + ", properties="
                + redactedProperties()
                + "]";
    }
}
