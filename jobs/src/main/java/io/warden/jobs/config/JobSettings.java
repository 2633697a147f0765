package io.warden.jobs.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the Flink job itself.
 *
 * @param name job name shown by Flink
 * @param parallelism operator parallelism; null leaves Flink's default
 * @param checkpointInterval how often state and Kafka offsets are checkpointed; with exactly-once
 *     delivery this is also how often output becomes visible to {@code read_committed} readers
 * @param checkpointDir where checkpoints go (a URI such as {@code file:///var/warden/checkpoints}
 *     or {@code s3://bucket/warden}); null leaves the cluster's {@code state.checkpoints.dir}, and
 *     local runs use a folder under the system's temp directory. State beyond a few megabytes (a
 *     backlog waiting in the join) needs a file system: Flink's in-memory storage refuses it.
 * @param emitScores write every scored request to the scores topic
 * @param stateBackend where keyed state lives: {@code hashmap} (default: on the JVM heap) or {@code
 *     rocksdb} (on local disk, with incremental checkpoints: for many clients, contributors or a
 *     long label wait)
 */
public record JobSettings(
        String name,
        Integer parallelism,
        Duration checkpointInterval,
        String checkpointDir,
        Boolean emitScores,
        StateBackend stateBackend)
        implements Serializable {

    /** Where keyed state lives, as config names it. */
    public enum StateBackend {
        @JsonProperty("hashmap")
        HASHMAP,
        @JsonProperty("rocksdb")
        ROCKSDB
    }

    public JobSettings {
        name = name == null ? "warden-monitor" : name;
        checkpointInterval =
                checkpointInterval == null ? Duration.ofSeconds(10) : checkpointInterval;
        emitScores = emitScores != null && emitScores;
        stateBackend = stateBackend == null ? StateBackend.HASHMAP : stateBackend;
    }

    /** Settings with state on the heap. */
    public JobSettings(
            String name,
            Integer parallelism,
            Duration checkpointInterval,
            String checkpointDir,
            Boolean emitScores) {
        this(name, parallelism, checkpointInterval, checkpointDir, emitScores, null);
    }

    public static JobSettings defaults() {
        return new JobSettings(null, null, null, null, null);
    }

    public JobSettings withStateBackend(StateBackend backend) {
        return new JobSettings(
                name, parallelism, checkpointInterval, checkpointDir, emitScores, backend);
    }

    public JobSettings withParallelism(Integer p) {
        return new JobSettings(
                name, p, checkpointInterval, checkpointDir, emitScores, stateBackend);
    }

    public JobSettings withCheckpointInterval(Duration interval) {
        return new JobSettings(
                name, parallelism, interval, checkpointDir, emitScores, stateBackend);
    }

    public JobSettings withCheckpointDir(String dir) {
        return new JobSettings(
                name, parallelism, checkpointInterval, dir, emitScores, stateBackend);
    }

    public JobSettings withEmitScores(boolean emit) {
        return new JobSettings(
                name, parallelism, checkpointInterval, checkpointDir, emit, stateBackend);
    }
}
