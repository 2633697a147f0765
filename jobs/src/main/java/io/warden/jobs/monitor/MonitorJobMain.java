package io.warden.jobs.monitor;

import io.warden.jobs.config.ConfigLoader;
import io.warden.jobs.config.WardenConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the job jar on a Flink cluster:
 *
 * <pre>{@code
 * flink run -d warden-jobs-VERSION-flink-job.jar --config /etc/warden/warden.yaml
 * }</pre>
 *
 * The config (and the files it names) is read on the client that submits the job; what the
 * operators need travels with the job graph.
 */
public final class MonitorJobMain {
    private MonitorJobMain() {}

    public static void main(String[] args) throws Exception {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            }
        }
        if (configFile == null) {
            System.err.println("usage: flink run <warden job jar> --config warden.yaml");
            System.exit(2);
        }
        WardenConfig config = ConfigLoader.load(configFile);
        MonitorJob.checkTopicsExist(config, Duration.ofSeconds(30));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MonitorJob.configure(env, config);
        MonitorJob.build(
                config,
                MonitorJob.kafkaInput(env, config, false),
                MonitorJob.kafkaControl(env, config, false),
                MonitorJob.kafkaOutputs(config));
        env.execute(config.job().name());
    }
}
