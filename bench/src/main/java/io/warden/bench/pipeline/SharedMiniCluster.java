package io.warden.bench.pipeline;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStatsSummarySnapshot;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * One Flink MiniCluster (one TaskManager with a slot per unit of parallelism) that every job of a
 * benchmark runs on, so that no measured run pays for starting a cluster. Jobs are handed to it
 * directly, as Flink's own test environment does, not through its REST API: the caller learns that
 * a job ended as soon as the cluster knows, without a polling delay.
 *
 * <p>Jobs run without restarts ({@code restart-strategy: none}): a failure ends the run instead of
 * being hidden in its time. They checkpoint to files, as on a real cluster.
 */
final class SharedMiniCluster implements AutoCloseable {
    private static final String EXECUTOR = "warden-bench-minicluster";

    private final MiniCluster cluster;
    private final Path checkpoints;

    private SharedMiniCluster(MiniCluster cluster, Path checkpoints) {
        this.cluster = cluster;
        this.checkpoints = checkpoints;
    }

    /**
     * @param checkpoints where jobs keep their checkpoints (Flink's {@code filesystem} checkpoint
     *     storage, as on a real cluster: the default in-memory storage refuses state over 5 MB)
     */
    static SharedMiniCluster start(int slots, Path checkpoints) throws Exception {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        // Keyed state lives on the heap (hashmap backend): managed memory is not used.
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(slots)
                                .build());
        cluster.start();
        return new SharedMiniCluster(cluster, checkpoints);
    }

    /** A new environment whose jobs run on this cluster. */
    StreamExecutionEnvironment newEnvironment() {
        Configuration conf = new Configuration();
        conf.set(DeploymentOptions.TARGET, EXECUTOR);
        conf.set(DeploymentOptions.ATTACHED, true);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        return new StreamExecutionEnvironment(
                new Loader(cluster), conf, Thread.currentThread().getContextClassLoader());
    }

    /**
     * What a job's completed checkpoints were like.
     *
     * @param completed how many completed (-1 if the cluster no longer knows the job)
     * @param maxStateBytes the largest checkpoint's state size (full, not incremental)
     * @param maxDurationMillis the longest time from trigger to completion
     */
    record Checkpoints(long completed, long maxStateBytes, long maxDurationMillis) {
        static final Checkpoints UNKNOWN = new Checkpoints(-1, -1, -1);
    }

    /** The checkpoints of a finished job. */
    Checkpoints checkpoints(JobID job) {
        try {
            CheckpointStatsSnapshot stats =
                    cluster.getArchivedExecutionGraph(job).get().getCheckpointStatsSnapshot();
            if (stats == null) {
                return Checkpoints.UNKNOWN;
            }
            CompletedCheckpointStatsSummarySnapshot summary = stats.getSummaryStats();
            return new Checkpoints(
                    stats.getCounts().getNumberOfCompletedCheckpoints(),
                    summary.getStateSizeStats().getMaximum(),
                    summary.getEndToEndDurationStats().getMaximum());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Checkpoints.UNKNOWN;
        }
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the Flink MiniCluster did not shut down cleanly", e);
        }
    }

    private record Loader(MiniCluster cluster) implements PipelineExecutorServiceLoader {
        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
            return new PipelineExecutorFactory() {
                @Override
                public String getName() {
                    return EXECUTOR;
                }

                @Override
                public boolean isCompatibleWith(Configuration c) {
                    return true;
                }

                @Override
                public PipelineExecutor getExecutor(Configuration c) {
                    return Loader.this::execute;
                }
            };
        }

        @Override
        public Stream<String> getExecutorNames() {
            return Stream.of(EXECUTOR);
        }

        private CompletableFuture<JobClient> execute(
                Pipeline pipeline, Configuration configuration, ClassLoader classLoader)
                throws Exception {
            StreamGraph graph = PipelineExecutorUtils.getStreamGraph(pipeline, configuration);
            return cluster.submitJob(graph)
                    .thenApply(
                            submitted ->
                                    new MiniClusterJobClient(
                                            submitted.getJobID(),
                                            cluster,
                                            classLoader,
                                            MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
        }
    }
}
