package io.warden.jobs.sequential;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.sequential.Adwin;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.DetectorSettings;
import io.warden.jobs.config.ModelSpec.FeatureSpec;
import io.warden.jobs.config.ModelSpec.OutputSpec;
import io.warden.jobs.config.ModelSpec.OutputType;
import io.warden.jobs.config.ModelSpec.SequentialDetector;
import io.warden.jobs.config.ModelSpec.SequentialSettings;
import io.warden.jobs.drift.Observation;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.Severity;
import io.warden.schemas.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link SequentialDetection} in Flink's keyed operator harness, on seeded synthetic streams of one
 * model version: 100 rows per second of event time, msp around 0.8 (noise 0.05).
 */
class SequentialDetectionTest {
    private static final String NAME = "m";
    private static final String VERSION = "1";
    private static final String KEY = Observation.modelKey(NAME, VERSION);
    private static final long T0 = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
    private static final long STEP_MS = 10;
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final double SIGMA = 0.05;

    /** Standard deviations at which the delay bound takes each random quantity. */
    private static final double Z = 4;

    // ---- fixtures ----

    private static ModelSpec spec(SequentialSettings settings) {
        return new ModelSpec(
                NAME,
                VERSION,
                null,
                null,
                new FeatureSpec("input", List.of("a", "b"), null),
                new OutputSpec(
                        "probabilities", OutputType.PROBABILITIES, List.of("w", "x", "y", "z")),
                new DetectorSettings(null, null, settings));
    }

    private static SequentialModels models(List<String> signals, int cooldown) {
        SequentialModel m =
                SequentialModel.of(
                        spec(
                                new SequentialSettings(
                                        true,
                                        SequentialDetector.ADWIN,
                                        signals,
                                        null,
                                        null,
                                        null,
                                        cooldown,
                                        Severity.HIGH)),
                        null);
        return new SequentialModels(Map.of(m.configuredKey(), m));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Observation, Alert> harness(
            SequentialModels models) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Observation, Alert> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new SequentialDetection(models, WAIT)),
                        o -> o.modelKey,
                        Types.STRING);
        h.open();
        return h;
    }

    private static Observation row(long i, int part, double msp) {
        Observation o = new Observation();
        o.modelName = NAME;
        o.modelVersion = VERSION;
        o.modelKey = KEY;
        o.requestId = String.format("req-%06d", i);
        o.eventTime = T0 + i * STEP_MS;
        o.features = new double[] {part, 0};
        o.predictedClass = 0;
        o.msp = msp;
        o.entropy = 0.3 + (1 - msp);
        o.margin = msp / 2;
        return o;
    }

    /**
     * One row per request, msp with mean {@code means[j]} from row {@code changes[j - 1]} on
     * (means[0] before the first change).
     */
    private static List<Observation> stream(int length, long seed, int[] changes, double[] means) {
        Random r = new Random(seed);
        List<Observation> rows = new ArrayList<>(length);
        int regime = 0;
        for (int i = 0; i < length; i++) {
            while (regime < changes.length && i >= changes[regime]) {
                regime++;
            }
            rows.add(row(i, 0, means[regime] + SIGMA * r.nextGaussian()));
        }
        return rows;
    }

    /** Sends the rows in the given order, with a watermark 2 s behind the newest every 100 rows. */
    private static void play(
            KeyedOneInputStreamOperatorTestHarness<String, Observation, Alert> h,
            List<Observation> rows)
            throws Exception {
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < rows.size(); i++) {
            Observation o = rows.get(i);
            // The element's timestamp is the join's (whichever side completed the pair); the
            // operator orders by the observation's own event time.
            h.processElement(new StreamRecord<>(o, o.eventTime + (i % 3) * 7));
            newest = Math.max(newest, o.eventTime);
            if (i % 100 == 99) {
                h.processWatermark(newest - 2_000);
            }
        }
    }

    private static List<Alert> finish(
            KeyedOneInputStreamOperatorTestHarness<String, Observation, Alert> h) throws Exception {
        h.processWatermark(Long.MAX_VALUE);
        return h.extractOutputValues();
    }

    private static long detail(Alert a, String key) {
        return Long.parseLong(a.getEvidence().getDetails().get(key));
    }

    private static long detectingRow(Alert a) {
        return Long.parseLong(a.getEvidence().getRequestIds().get(0).substring(4));
    }

    // ---- tests ----

    @Test
    void shouldRaiseNoAlarmOnAStationaryStream() throws Exception {
        var h = harness(models(List.of("msp", "entropy", "margin"), 1000));
        play(h, stream(20_000, 1, new int[0], new double[] {0.8}));

        assertThat(finish(h)).isEmpty();
        h.close();
    }

    @Test
    void shouldRaiseExactlyOneAlarmForAnAbruptFallWithinTheDerivedDelay() throws Exception {
        int change = 3_000;
        double shift = -0.2;
        long bound = AdwinDelayBound.row(change, shift, SIGMA, new Adwin(), Z);
        var h = harness(models(List.of("msp"), 1000));
        play(h, stream(8_000, 2, new int[] {change}, new double[] {0.8, 0.8 + shift}));

        List<Alert> alerts = finish(h);
        assertThat(alerts).hasSize(1);
        Alert a = alerts.get(0);
        long detected = detectingRow(a);
        System.out.printf(
                "abrupt msp fall of 0.2 at row %d: detected at row %d (delay %d rows, bound %d);"
                        + " ADWIN's estimate: change at row %d, delay %d%n",
                change,
                detected,
                detected - change,
                bound - change,
                detail(a, "change_point_row"),
                detail(a, "delay_rows"));
        assertThat(detected).isBetween((long) change, bound);
        assertThat(detail(a, "detection_row")).isEqualTo(detected);
        // The estimate is a bucket boundary of ADWIN's window; the bucket holding the change has
        // at most (detected - change) / (M - 1) + 1 rows, so a boundary lies that close to it.
        long slack = (detected - change) / (new Adwin().maxBuckets() - 1) + 1;
        assertThat(detail(a, "change_point_row")).isBetween(change - slack, change + slack);
        assertThat(detail(a, "delay_rows")).isEqualTo(detected - detail(a, "change_point_row"));

        assertThat(a.getKind()).isEqualTo(AlertKind.DRIFT);
        assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(a.getSubject().getType()).isEqualTo(SubjectType.MODEL);
        assertThat(a.getSubject().getId()).isEqualTo(KEY);
        assertThat(a.getModelName()).isEqualTo(NAME);
        assertThat(a.getModelVersion()).isEqualTo(VERSION);
        assertThat(a.getEventTime().toEpochMilli()).isEqualTo(T0 + detected * STEP_MS);
        assertThat(a.getWindow().getStart().toEpochMilli()).isEqualTo(T0);
        assertThat(a.getEvidence().getFeatureNames()).isEmpty();
        assertThat(a.getEvidence().getDetails())
                .containsEntry("method", "sequential")
                .containsEntry("signal", "msp")
                .containsEntry("detector", "adwin")
                .containsEntry("direction", "decrease")
                .containsKeys("mean_before", "mean_after", "rows_before", "rows_after");
        double before = Double.parseDouble(a.getEvidence().getDetails().get("mean_before"));
        double after = Double.parseDouble(a.getEvidence().getDetails().get("mean_after"));
        assertThat(before).isBetween(0.79, 0.81);
        assertThat(after).isBetween(0.55, 0.65);
        assertThat(a.getScores())
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.getDetector()).isEqualTo("adwin.msp");
                            assertThat(s.getThreshold()).isEqualTo(1.0);
                            assertThat(s.getScore()).isGreaterThan(1.0);
                            assertThat(s.getFlagged()).isTrue();
                        });
        assertThat(a.getSummary())
                .startsWith("sudden change in m@1: msp fell from 0.")
                .contains("adwin.msp");
        assertThat(SequentialAlerts.isSequential(a)).isTrue();
        h.close();
    }

    @Test
    void shouldRaiseOnePageHinkleyAlarmWithItsStatistic() throws Exception {
        SequentialModel m =
                SequentialModel.of(
                        spec(
                                new SequentialSettings(
                                        true,
                                        SequentialDetector.PAGE_HINKLEY,
                                        List.of("msp"),
                                        null,
                                        10.0,
                                        null,
                                        1000,
                                        null)),
                        null);
        var h = harness(new SequentialModels(Map.of(m.configuredKey(), m)));
        play(h, stream(8_000, 9, new int[] {3_000}, new double[] {0.8, 0.7}));

        List<Alert> alerts = finish(h);
        assertThat(alerts).hasSize(1);
        Alert a = alerts.get(0);
        // lambda / (shift - delta) = 10 / 0.095: about 105 rows.
        assertThat(detectingRow(a)).isBetween(3_000L, 3_300L);
        assertThat(a.getSeverity()).isEqualTo(Severity.MEDIUM);
        assertThat(a.getEvidence().getDetails())
                .containsEntry("detector", "page-hinkley")
                .containsEntry("direction", "decrease")
                .containsKeys("statistic", "threshold", "mean_since_restart");
        assertThat(a.getScores().get(0).getDetector()).isEqualTo("page-hinkley.msp");
        assertThat(a.getScores().get(0).getThreshold()).isEqualTo(10.0);
        assertThat(a.getScores().get(0).getScore()).isGreaterThan(10.0);
        assertThat(a.getSummary()).contains("msp fell (Page-Hinkley statistic");
        assertThat(detail(a, "change_point_row")).isBetween(2_900L, 3_100L);
        h.close();
    }

    @Test
    void shouldGiveTheSameAlarmsWhateverTheArrivalOrder() throws Exception {
        SequentialModels models = models(List.of("msp", "margin"), 500);
        List<Observation> inOrder =
                stream(
                        9_000,
                        3,
                        new int[] {2_500, 5_000, 7_000},
                        new double[] {0.8, 0.65, 0.85, 0.75});
        // Every 10th request is a batch of three rows: same id and time, row order kept.
        List<List<Observation>> requests = new ArrayList<>();
        for (int i = 0; i < inOrder.size(); i++) {
            Observation o = inOrder.get(i);
            List<Observation> request = new ArrayList<>(List.of(o));
            if (i % 10 == 0) {
                request.add(row(i, 1, o.msp - 0.01));
                request.add(row(i, 2, o.msp + 0.01));
            }
            requests.add(request);
        }
        List<Observation> ordered = new ArrayList<>();
        requests.forEach(ordered::addAll);
        // Shuffled within blocks of 150 requests (1.5 s of event time, less than the 2 s the
        // watermark trails), as a parallel join would interleave them.
        Random r = new Random(99);
        List<Observation> shuffled = new ArrayList<>();
        for (int from = 0; from < requests.size(); from += 150) {
            List<List<Observation>> block =
                    new ArrayList<>(requests.subList(from, Math.min(requests.size(), from + 150)));
            Collections.shuffle(block, r);
            block.forEach(shuffled::addAll);
        }
        assertThat(shuffled).isNotEqualTo(ordered);

        var a = harness(models);
        play(a, ordered);
        List<Alert> expected = finish(a);
        var b = harness(models);
        play(b, shuffled);
        List<Alert> actual = finish(b);

        assertThat(expected).hasSizeGreaterThanOrEqualTo(4);
        assertThat(actual).isEqualTo(expected);
        a.close();
        b.close();
    }

    @Test
    void shouldHonourTheCooldownAfterAnAlarm() throws Exception {
        // A fall at row 3,000 and a rise back at 3,400: within 1,000 rows of the first alarm.
        List<Observation> rows =
                stream(8_000, 4, new int[] {3_000, 3_400}, new double[] {0.8, 0.6, 0.8});

        var quiet = harness(models(List.of("msp"), 1000));
        play(quiet, rows);
        List<Alert> one = finish(quiet);
        var eager = harness(models(List.of("msp"), 0));
        play(eager, rows);
        List<Alert> two = finish(eager);

        assertThat(one).hasSize(1);
        assertThat(one.get(0).getEvidence().getDetails()).containsEntry("direction", "decrease");
        assertThat(two).hasSize(2);
        assertThat(two.get(0).getAlertId()).isEqualTo(one.get(0).getAlertId());
        assertThat(two.get(0).getSummary()).isEqualTo(one.get(0).getSummary());
        assertThat(two.get(1).getEvidence().getDetails()).containsEntry("direction", "increase");
        assertThat(detectingRow(two.get(1))).isBetween(3_400L, 4_000L);
        assertThat(two.get(1).getAlertId()).isNotEqualTo(two.get(0).getAlertId());
        quiet.close();
        eager.close();
    }

    @Test
    void shouldCleanUpWaitingRowsAndTimersKeepingOnlyTheDetectorState() throws Exception {
        var h = harness(models(List.of("msp"), 1000));
        play(h, stream(1_000, 5, new int[0], new double[] {0.8}));
        assertThat(h.numEventTimeTimers()).isPositive();
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);

        h.processWatermark(Long.MAX_VALUE);
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numKeyedStateEntries()).isEqualTo(1); // the detectors' state
        h.close();
    }

    @Test
    void shouldReadALateRowAtOnceRatherThanDropIt() throws Exception {
        var h = harness(models(List.of("msp"), 1000));
        List<Observation> rows = stream(4_000, 6, new int[] {3_000}, new double[] {0.8, 0.5});
        play(h, rows.subList(0, 3_000));
        h.processWatermark(Long.MAX_VALUE - 1);
        assertThat(h.extractOutputValues()).isEmpty();

        // The changed rows all come after the watermark passed them.
        for (Observation o : rows.subList(3_000, 4_000)) {
            h.processElement(new StreamRecord<>(o, o.eventTime));
        }
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.extractOutputValues()).singleElement();
        h.close();
    }

    @Test
    void shouldContinueIdenticallyAfterRestoringASnapshot() throws Exception {
        SequentialModels models = models(List.of("msp", "entropy"), 300);
        List<Observation> rows =
                stream(9_000, 7, new int[] {2_000, 6_000}, new double[] {0.8, 0.6, 0.75});
        var whole = harness(models);
        play(whole, rows);
        List<Alert> expected = finish(whole);
        whole.close();

        var first = harness(models);
        play(first, rows.subList(0, 4_550)); // rows wait for the watermark at the snapshot
        List<Alert> before = new ArrayList<>(first.extractOutputValues());
        OperatorSubtaskState snapshot = first.snapshot(1L, 1L);
        first.close();

        KeyedOneInputStreamOperatorTestHarness<String, Observation, Alert> second =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new SequentialDetection(models, WAIT)),
                        o -> o.modelKey,
                        Types.STRING);
        second.initializeState(snapshot);
        second.open();
        assertThat(second.numEventTimeTimers()).isPositive();
        play(second, rows.subList(4_550, rows.size()));
        List<Alert> after = finish(second);
        second.close();

        List<Alert> resumed = new ArrayList<>(before);
        resumed.addAll(after);
        assertThat(expected).hasSize(4); // two changes, two signals
        assertThat(resumed).isEqualTo(expected);
    }

    @Test
    void shouldKeepTheStateOfRemainingSignalsWhenTheConfigChangesAcrossASnapshot()
            throws Exception {
        List<Observation> rows = stream(8_000, 8, new int[] {5_000}, new double[] {0.8, 0.6});
        var whole = harness(models(List.of("msp"), 1000));
        play(whole, rows);
        List<Alert> expected = finish(whole);
        whole.close();

        var first = harness(models(List.of("msp"), 1000));
        play(first, rows.subList(0, 4_000));
        OperatorSubtaskState snapshot = first.snapshot(1L, 1L);
        first.close();

        SequentialModels wider = models(List.of("margin", "msp"), 1000);
        KeyedOneInputStreamOperatorTestHarness<String, Observation, Alert> second =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new SequentialDetection(wider, WAIT)),
                        o -> o.modelKey,
                        Types.STRING);
        second.initializeState(snapshot);
        second.open();
        play(second, rows.subList(4_000, rows.size()));
        List<Alert> after = finish(second);
        second.close();

        // msp carries on as if nothing happened; margin, new, starts at row 0 from the restore.
        assertThat(expected).singleElement();
        assertThat(after)
                .filteredOn(a -> "msp".equals(a.getEvidence().getDetails().get("signal")))
                .containsExactlyElementsOf(expected);
        assertThat(after)
                .filteredOn(a -> "margin".equals(a.getEvidence().getDetails().get("signal")))
                .singleElement()
                .satisfies(a -> assertThat(detail(a, "detection_row")).isLessThan(4_000));
    }
}
