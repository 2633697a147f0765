package io.warden.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.bench.pipeline.BenchInput.Expected;
import io.warden.bench.pipeline.BenchInput.Formats;
import io.warden.bench.pipeline.OutputReader.Contents;
import io.warden.bench.pipeline.PipelineBenchmark.Job;
import io.warden.bench.pipeline.PipelineBenchmark.Options;
import io.warden.bench.pipeline.PipelineBenchmark.RunResult;
import io.warden.jobs.config.KafkaSettings.Delivery;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineBenchmarkTest {

    @Test
    void shouldParseOptionsOverTheDefaults() {
        Options o =
                Options.parse(
                        "--requests",
                        "500_000",
                        "--parallelism",
                        "3",
                        "--delivery",
                        "at-least-once",
                        "--checkpoint-interval",
                        "500ms",
                        "--formats",
                        "avro",
                        "--no-calibration");
        assertThat(o.requests()).isEqualTo(500_000);
        assertThat(o.parallelism()).isEqualTo(3);
        assertThat(o.partitions()).isEqualTo(3);
        assertThat(o.delivery()).isEqualTo(Delivery.AT_LEAST_ONCE);
        assertThat(o.checkpointInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.formats()).isEqualTo(Formats.AVRO);
        assertThat(o.calibrate()).isFalse();
        assertThat(o.runs()).isEqualTo(Options.defaults().runs());
    }

    @Test
    void shouldTurnTheAttackDetectorsOnOnlyWhenAsked() {
        assertThat(Options.defaults().attackDetectors()).isFalse();
        assertThat(Options.parse("--attack-detectors", "--runs", "2").attackDetectors()).isTrue();
        assertThat(Options.parse("--attack-detectors", "--runs", "2").runs()).isEqualTo(2);
    }

    @Test
    void shouldRejectFewerPartitionsThanTheParallelism() {
        assertThatThrownBy(() -> Options.parse("--parallelism", "4", "--partitions", "2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitions");
        assertThatThrownBy(() -> Options.parse("--delivery", "maybe-once"))
                .hasMessageContaining("at-least-once");
    }

    @Test
    void shouldAcceptARunThatWroteExactlyTheExpectedKeys() {
        Expected expected = expected(List.of("a", "b"), List.of("c"), List.of("x"));
        PipelineBenchmark.verify(run(List.of("b", "a"), List.of("c"), List.of("x")), expected);
    }

    @Test
    void shouldFailARunThatLostOrDuplicatedARecord() {
        Expected expected = expected(List.of("a", "b"), List.of("c"), List.of("x"));
        // Same count, but "a" twice and "b" missing.
        assertThatThrownBy(
                        () ->
                                PipelineBenchmark.verify(
                                        run(List.of("a", "a"), List.of("c"), List.of("x")),
                                        expected))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("scores");
        assertThatThrownBy(
                        () ->
                                PipelineBenchmark.verify(
                                        run(List.of("a", "b"), List.of(), List.of("x")), expected))
                .hasMessageContaining("dead letters")
                .hasMessageContaining("account for 4 input records, not 5");
    }

    @Test
    void shouldTakeTheMiddleValueOrTheMeanOfTheTwoMiddleValuesAsMedian() {
        RunResult fast = withTime(1);
        RunResult slow = withTime(4);
        RunResult middle = withTime(2);
        assertThat(PipelineBenchmark.median(List.of(slow, fast, middle), RunResult::seconds))
                .isEqualTo(2.0);
        assertThat(PipelineBenchmark.median(List.of(slow, fast), RunResult::seconds))
                .isEqualTo(2.5);
    }

    private static Expected expected(List<String> scores, List<String> dead, List<String> alerts) {
        return new Expected(digest(scores), digest(dead), digest(alerts));
    }

    /** A monitor run over 5 input records: 2 joined pairs and one dead letter. */
    private static RunResult run(List<String> scores, List<String> dead, List<String> alerts) {
        return new RunResult(
                Job.MONITOR,
                1,
                false,
                5,
                3,
                1_000_000_000L,
                2_000_000_000L,
                900,
                new SharedMiniCluster.Checkpoints(2, 1000, 10),
                new Contents(digest(scores), 0, 0),
                new Contents(digest(dead), 0, 0),
                new Contents(digest(alerts), 0, 0),
                1);
    }

    private static RunResult withTime(long seconds) {
        Contents none = new Contents(new KeyDigest(), 0, 0);
        return new RunResult(
                Job.PASS_THROUGH,
                1,
                false,
                0,
                0,
                seconds * 1_000_000_000L,
                seconds * 2_000_000_000L,
                0,
                SharedMiniCluster.Checkpoints.UNKNOWN,
                none,
                none,
                none,
                0);
    }

    private static KeyDigest digest(List<String> keys) {
        KeyDigest d = new KeyDigest();
        keys.forEach(d::add);
        return d;
    }
}
