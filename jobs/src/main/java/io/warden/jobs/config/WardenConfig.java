package io.warden.jobs.config;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * The whole of {@code warden.yaml}: Kafka connection, topics, input handling, job settings, the
 * monitored models and the policy that turns alerts into decisions. Load it with {@link
 * ConfigLoader#load}; every section but {@code kafka} and {@code models} has defaults. An annotated
 * example is {@code deploy/warden.example.yaml}.
 */
public record WardenConfig(
        KafkaSettings kafka,
        TopicSettings topics,
        InputSettings input,
        JobSettings job,
        List<ModelSpec> models,
        PolicySettings policy)
        implements Serializable {

    /** A config without a policy. */
    public WardenConfig(
            KafkaSettings kafka,
            TopicSettings topics,
            InputSettings input,
            JobSettings job,
            List<ModelSpec> models) {
        this(kafka, topics, input, job, models, null);
    }

    public WardenConfig {
        policy = policy == null ? PolicySettings.none() : policy;
        topics = topics == null ? TopicSettings.defaults() : topics;
        input = input == null ? InputSettings.defaults() : input;
        job = job == null ? JobSettings.defaults() : job;
        models = models == null ? List.of() : List.copyOf(models);
    }

    /**
     * The spec of a model: an exact name and version match first, then the spec for the name
     * without a version (which covers every version).
     */
    public Optional<ModelSpec> model(String name, String version) {
        ModelSpec any = null;
        for (ModelSpec m : models) {
            if (m.name().equals(name)) {
                if (m.version() == null) {
                    any = m;
                } else if (m.version().equals(version)) {
                    return Optional.of(m);
                }
            }
        }
        return Optional.ofNullable(any);
    }

    /** A copy with another Kafka bootstrap address (the demo and tests point at their broker). */
    public WardenConfig withBootstrapServers(String bootstrapServers) {
        return new WardenConfig(
                kafka.withBootstrapServers(bootstrapServers), topics, input, job, models, policy);
    }

    /** A copy with other job settings. */
    public WardenConfig withJob(JobSettings newJob) {
        return new WardenConfig(kafka, topics, input, newJob, models, policy);
    }
}
