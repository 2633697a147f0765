package io.warden.jobs.monitor;

import io.warden.jobs.config.WardenConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the monitor job in tests: over what the config's input topics hold when it starts, to the
 * end, on the test's MiniCluster, writing to the config's Kafka outputs. Without restarts, so that
 * a failing job fails the test instead of restarting for ever.
 */
public final class MonitorRuns {
    private MonitorRuns() {}

    /** Runs the job at the config's parallelism. */
    public static void runBounded(WardenConfig config) throws Exception {
        runBounded(config, null);
    }

    /**
     * @param parallelism overrides the config's, when not null
     */
    public static void runBounded(WardenConfig config, Integer parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MonitorJob.configure(env, config);
        if (parallelism != null) {
            env.setParallelism(parallelism);
        }
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(noRestarts);
        MonitorJob.build(
                config, MonitorJob.kafkaInput(env, config, true), MonitorJob.kafkaOutputs(config));
        env.execute(config.job().name());
    }
}
