package io.warden.jobs.cli;

import io.warden.jobs.demo.Demo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code warden demo}. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs everything in this process: an embedded Kafka broker, the monitor job on a Flink"
                    + " MiniCluster, and realistic traffic with known truth against a demo model."
                    + " Prints detections as they happen and a summary of what was caught and what"
                    + " was falsely flagged, and the evaluation against the run's ground truth"
                    + " (see warden evaluate).",
            "Exit code 0 when every input record was accounted for."
        })
final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--requests",
            defaultValue = "6000",
            description = "Requests to play (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(
            names = "--rate",
            defaultValue = "400",
            description = "Requests per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Traffic seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--show",
            defaultValue = "40",
            description =
                    "Print at most this many alerts and dead letters each (default ${DEFAULT-VALUE}).")
    int show;

    @Option(
            names = "--truth-out",
            paramLabel = "FILE",
            description =
                    "Write the run's ground truth (attackers, drift period) here, for warden"
                            + " evaluate.")
    Path truthOut;

    @Option(
            names = "--outputs-out",
            paramLabel = "FILE",
            description =
                    "Write the alerts, decisions, drift reports and scores read here, one JSON"
                            + " object a line (as warden tail --json prints them).")
    Path outputsOut;

    @Override
    public Integer call() throws Exception {
        if (requests < 1 || rate <= 0 || parallelism < 1) {
            spec.commandLine()
                    .getErr()
                    .println("warden demo: --requests, --rate and --parallelism must be positive");
            return WardenCli.EXIT_USAGE;
        }
        Demo.Summary s =
                new Demo(
                                new Demo.Options(requests, rate, seed, parallelism, show),
                                System.out,
                                truthOut,
                                outputsOut)
                        .run();
        return s.accountedFor() ? 0 : WardenCli.EXIT_FAILURE;
    }
}
