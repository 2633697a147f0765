package io.warden.jobs.cli;

import io.warden.jobs.config.ConfigLoader;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.monitor.MonitorJob;
import io.warden.jobs.monitor.MonitorJobMain;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code warden run}. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the monitor job on a local Flink MiniCluster in this process, against the Kafka"
                    + " cluster the config names, until interrupted (or, with --bounded, until it has"
                    + " read what the input topics hold now).",
            "To run on a Flink cluster instead, submit the job jar: see --print-submit."
        })
final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = {"-c", "--config"},
            required = true,
            description = "The warden.yaml to run with.")
    Path config;

    @Option(names = "--parallelism", description = "Overrides job.parallelism.")
    Integer parallelism;

    @Option(names = "--bounded", description = "Stop at the input topics' current end offsets.")
    boolean bounded;

    @Option(
            names = "--web-ui-port",
            defaultValue = "0",
            description = "Port of Flink's web UI / REST API (0: any free port).")
    int webUiPort;

    @Option(
            names = "--print-submit",
            description = "Print how to submit this config to a Flink cluster, and exit.")
    boolean printSubmit;

    /** This build's version (from the jar manifest), or a placeholder when run from classes. */
    private static String version() {
        String v = RunCommand.class.getPackage().getImplementationVersion();
        return v == null ? "<version>" : v;
    }

    @Override
    public Integer call() throws Exception {
        WardenConfig c = ConfigLoader.load(config);
        if (parallelism != null) {
            c = c.withJob(c.job().withParallelism(parallelism));
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (printSubmit) {
            out.println(
                    "# Flink's own classes are provided by the cluster; the job jar carries the rest:");
            out.println(
                    "flink run -d -c "
                            + MonitorJobMain.class.getName()
                            + " jobs/target/warden-jobs-"
                            + version()
                            + "-flink-job.jar --config "
                            + config.toAbsolutePath());
            out.println("# The config and the files it names are read where `flink run` runs.");
            out.flush();
            return 0;
        }
        MonitorJob.checkTopicsExist(c, Duration.ofSeconds(30));
        c = MonitorJob.forLocalRun(c);
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, Integer.toString(webUiPort));
        int p =
                c.job().parallelism() == null
                        ? Runtime.getRuntime().availableProcessors()
                        : c.job().parallelism();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(p, conf);
        MonitorJob.configure(env, c);
        MonitorJob.build(
                c,
                MonitorJob.kafkaInput(env, c, bounded),
                MonitorJob.kafkaControl(env, c, bounded),
                MonitorJob.kafkaOutputs(c));
        err.println(
                "warden run: monitor job '"
                        + c.job().name()
                        + "' on a local MiniCluster (parallelism "
                        + p
                        + ") against "
                        + c.kafka().bootstrapServers()
                        + (bounded ? " (bounded)" : "; Ctrl-C stops it"));
        err.flush();
        env.execute(c.job().name());
        return 0;
    }
}
