package io.warden.jobs.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.jobs.clients.BlacklightModels.BlacklightModel;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.BlacklightSettings;
import io.warden.jobs.drift.Observation;
import io.warden.jobs.monitor.HarnessOutput;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link BlacklightDetection} in Flink's keyed operator harness, on 8x8 "images" with values 0..16:
 * benign clients send independent random images; an attacker runs a Boundary-attack-like walk (each
 * query its previous one with a few pixels nudged by one) spread round-robin over ten client ids.
 */
class BlacklightDetectionTest {
    private static final int WIDTH = 64;

    private static BlacklightModels models() {
        BlacklightSettings settings =
                new BlacklightSettings(
                        17,
                        List.of(0.0, 16.0),
                        12,
                        1,
                        50,
                        25,
                        Duration.ofHours(1),
                        20_000,
                        4,
                        null);
        ModelSpec spec =
                new ModelSpec(
                        "m",
                        null,
                        null,
                        null,
                        new ModelSpec.FeatureSpec("x", null, List.of(8, 8)),
                        new ModelSpec.OutputSpec("p", null, List.of("a", "b")),
                        ModelSpec.DetectorSettings.defaults().withBlacklight(settings));
        return new BlacklightModels(Map.of("m", BlacklightModel.of(spec, null)));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Observation, Alert> harness(
            int parallelism, int subtask) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new BlacklightDetection(models())),
                o -> o.modelKey,
                Types.STRING,
                128,
                parallelism,
                subtask);
    }

    private static Observation query(String client, String id, long time, double[] x) {
        Observation o = new Observation();
        o.modelName = "m";
        o.modelVersion = "1";
        o.modelKey = Observation.modelKey("m", "1");
        o.requestId = id;
        o.clientId = client;
        o.eventTime = time;
        o.features = x;
        return o;
    }

    private static double[] randomImage(Random r) {
        double[] x = new double[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            x[j] = r.nextInt(17);
        }
        return x;
    }

    private static double[] nudge(Random r, double[] x) {
        double[] y = x.clone();
        for (int k = 0; k < 3; k++) {
            int j = r.nextInt(WIDTH);
            y[j] = Math.max(0, Math.min(16, y[j] + (r.nextBoolean() ? 1 : -1)));
        }
        return y;
    }

    private static List<Alert> alerts(KeyedOneInputStreamOperatorTestHarness<?, ?, Alert> h) {
        return HarnessOutput.values(h);
    }

    @Test
    void shouldCatchAnAttackSpreadOverManyClientIdsAndAlertEachIdOnce() throws Exception {
        var h = harness(1, 0);
        h.open();
        Random r = new Random(3);
        double[] walk = randomImage(r);
        Set<String> attackers = new java.util.HashSet<>();
        long t = 0;
        for (int i = 0; i < 400; i++) {
            for (int b = 0; b < 5; b++) {
                h.processElement(
                        new StreamRecord<>(
                                query("benign-" + b, "b" + i + "-" + b, t, randomImage(r))));
            }
            walk = nudge(r, walk);
            String attacker = "attacker-" + (i % 10);
            attackers.add(attacker);
            h.processElement(new StreamRecord<>(query(attacker, "a" + i, t, walk)));
            t += 10;
        }

        List<Alert> alerts = alerts(h);
        assertThat(alerts)
                .allSatisfy(
                        a -> assertThat(a.getKind()).isEqualTo(AlertKind.BLACKBOX_QUERY_ATTACK));
        assertThat(alerts.stream().map(a -> a.getSubject().getId()).collect(Collectors.toList()))
                .as("each attacking id once, no benign client")
                .containsExactlyInAnyOrderElementsOf(attackers);
        Alert first = alerts.get(0);
        assertThat(first.getEvidence().getDetails().get("matched_clients")).contains("attacker-");
        assertThat(first.getEvidence().getDetails().get("matched_clients"))
                .doesNotContain("benign");
        assertThat(first.getScores().get(0).getDetector()).isEqualTo("query.blacklight");
        assertThat(first.getScores().get(0).getScore())
                .isGreaterThanOrEqualTo(first.getScores().get(0).getThreshold());
        h.close();
    }

    @Test
    void shouldKeepTheHashStoreThroughACheckpointAtAnotherParallelism() throws Exception {
        var h = harness(1, 0);
        h.open();
        Random r = new Random(5);
        double[] walk = randomImage(r);
        List<double[]> earlier = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            walk = nudge(r, walk);
            earlier.add(walk);
            // One query per client id: no single id repeats itself enough to be suspicious yet,
            // but the store remembers every query.
            h.processElement(new StreamRecord<>(query("c" + i, "q" + i, i, walk)));
        }
        int before = alerts(h).size();
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        // Restore at parallelism 2: the union state reaches both subtasks, and the one that owns
        // the model's key (the only one its queries reach) restores its store.
        double[] next = nudge(r, walk);
        int owner = KeyGroupRangeAssignment.assignKeyToParallelOperator("m@1", 128, 2);
        var restored = harness(2, owner);
        restored.initializeState(
                AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        snapshot, 128, 1, 2, owner));
        restored.open();
        restored.processElement(new StreamRecord<>(query("late", "late", 31, next)));
        assertThat(before).as("alerts before the checkpoint").isPositive();
        assertThat(alerts(restored)).as("the restored store remembers the walk").hasSize(1);
        assertThat(alerts(restored).get(0).getSubject().getId()).isEqualTo("late");
        restored.close();

        // Without the checkpoint, the same query is new.
        var fresh = harness(1, 0);
        fresh.open();
        fresh.processElement(new StreamRecord<>(query("late", "late", 31, next)));
        assertThat(alerts(fresh)).isEmpty();
        fresh.close();
    }
}
