package io.warden.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.bench.pipeline.BenchInput.Formats;
import io.warden.bench.pipeline.BenchInput.Produced;
import io.warden.bench.pipeline.PipelineBenchmark.Job;
import io.warden.bench.pipeline.PipelineBenchmark.Options;
import io.warden.bench.pipeline.PipelineBenchmark.Report;
import io.warden.bench.pipeline.PipelineBenchmark.RunResult;
import io.warden.jobs.config.KafkaSettings.Delivery;
import io.warden.jobs.demo.DemoTraffic.Truth;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline benchmark's whole code path on a tiny input: broker, MiniCluster, both jobs, the
 * output check, the calibration passes, the CPU profiles and the report. Asserts the accounting,
 * never a time.
 */
class PipelineBenchmarkSmokeTest {

    @TempDir Path profiles;

    @Test
    void shouldRunBothJobsOverAllInputAndWriteExactlyTheExpectedOutput() throws Exception {
        Options options =
                new Options(
                        2_000,
                        2,
                        3,
                        Delivery.EXACTLY_ONCE,
                        Duration.ofMillis(200),
                        1,
                        0,
                        Formats.MIXED,
                        7,
                        true,
                        profiles);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Report report =
                new PipelineBenchmark(
                                options, new PrintStream(printed, true, StandardCharsets.UTF_8))
                        .run();

        Produced in = report.input();
        int noResponse = in.truths().getOrDefault(Truth.NO_RESPONSE, 0);
        int garbage = in.truths().getOrDefault(Truth.GARBAGE, 0);
        assertThat(in.requestRecords()).isEqualTo(2_000);
        assertThat(in.responseRecords()).isEqualTo(2_000 - noResponse - garbage);
        assertThat(in.jsonRecords()).isPositive();
        assertThat(in.avroRecords()).isGreaterThan(in.jsonRecords());
        int joinable =
                in.truths().getOrDefault(Truth.BENIGN, 0)
                        + in.truths().getOrDefault(Truth.AMBIGUOUS, 0);
        assertThat(in.monitor().scores().count()).isEqualTo(joinable);
        assertThat(in.monitor().alerts().count()).isPositive();

        assertThat(report.runs())
                .extracting(RunResult::job)
                .containsExactly(Job.MONITOR, Job.PASS_THROUGH);
        for (RunResult r : report.runs()) {
            assertThat(r.inputRecords()).isEqualTo(in.records());
            assertThat(r.accountedInput()).isEqualTo(in.records());
            assertThat(r.recordsPerSecond()).isPositive();
            assertThat(r.cpuMicrosPerRecord()).isPositive();
            assertThat(r.checkpoints().completed()).isPositive();
        }
        RunResult monitor = report.measured(Job.MONITOR).get(0);
        assertThat(monitor.scores().keys()).isEqualTo(in.monitor().scores());
        assertThat(monitor.deadLetters().keys()).isEqualTo(in.monitor().deadLetters());
        assertThat(monitor.alerts().keys()).isEqualTo(in.monitor().alerts());
        RunResult pass = report.measured(Job.PASS_THROUGH).get(0);
        assertThat(pass.scores().records() + pass.deadLetters().records()).isEqualTo(in.records());
        assertThat(pass.alerts().records()).isZero();

        assertThat(report.calibration())
                .hasSize(2)
                .allSatisfy(p -> assertThat(p.records()).isEqualTo(in.records()));
        assertThat(report.ratio()).isPositive();
        assertThat(report.peakHeapAfterGc()).isPositive();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains(
                        "| monitor |",
                        "| pass-through |",
                        "monitor / pass-through",
                        "within Flink task threads: ");
        assertThat(profiles.resolve("r01-monitor.jfr")).isNotEmptyFile();
        assertThat(profiles.resolve("r02-pass-through.jfr")).isNotEmptyFile();
    }
}
