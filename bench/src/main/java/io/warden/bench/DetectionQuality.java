package io.warden.bench;

import io.warden.detectors.sequential.Adwin;
import io.warden.detectors.sequential.ChangeDetector;
import io.warden.detectors.sequential.DetectionDelay;
import io.warden.detectors.sequential.PageHinkley;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.commons.math3.special.Erf;

/**
 * Detection quality of the sequential detectors at the settings the monitor job uses by default
 * (ADWIN &delta; = 0.002; Page-Hinkley &delta; = 0.005, &lambda; = 50, fading &alpha; = 1, both
 * directions; {@code DetectionQualityTest} checks them against the job's {@code
 * SequentialModel.newDetector()}), on seeded synthetic signals on [0, 1] with a known change point:
 * how many changes are detected, how many rows after the change, and how often a stream raises an
 * alarm where nothing changed. The figures are counts, not timings: the same on every machine.
 * {@code docs/detection-quality.md} shows the tables and how to regenerate them:
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.warden.bench.DetectionQuality [seeds [long-streams]]
 * </pre>
 *
 * <p>Streams: {@value #BEFORE} rows before the change and {@value #AFTER} after it; the no-change
 * streams have the same {@value #LENGTH} rows. Run i of a scenario uses seed {@code SEED_STRIDE *
 * scenario + i} for {@link Random}, whose algorithm its Javadoc specifies, so a run with fewer
 * seeds repeats the first runs of a longer one. Besides, long streams of {@value #LONG_LENGTH} rows
 * without change show how false alarms spread over a detector's life.
 */
public final class DetectionQuality {

    /** Rows before the change. */
    public static final int BEFORE = 10_000;

    /** Rows from the change on. */
    public static final int AFTER = 5_000;

    /** Rows of every stream. */
    public static final int LENGTH = BEFORE + AFTER;

    /** Runs per scenario in {@code docs/detection-quality.md}. */
    public static final int DEFAULT_SEEDS = 200;

    /** Rows of the long streams without change. */
    public static final int LONG_LENGTH = 100_000;

    /**
     * Where the late part of a long stream starts: after twice the memory 1 / (1 &minus; &alpha;)
     * of Page-Hinkley's sums at the detector's own default fading &alpha; = 1 &minus;
     * 10<sup>&minus;4</sup>, where its false alarms used to concentrate (the job does not fade).
     */
    public static final int LATE_FROM = 20_000;

    /** Long streams per signal in {@code docs/detection-quality.md}. */
    public static final int DEFAULT_LONG_SEEDS = 50;

    private static final long SEED_STRIDE = 1_000_000L;

    /** Long streams of signal k use the seeds of scenario LONG_SEED_BASE + k. */
    private static final int LONG_SEED_BASE = 100;

    private static final double CONFIDENCE_SD = 0.1;

    /** &Phi; is tabulated on [&minus;PHI_RANGE, PHI_RANGE], PHI_STEPS points per unit. */
    private static final int PHI_RANGE = 9;

    private static final int PHI_STEPS = 1000;

    private static final double[] PHI = phiTable();

    private DetectionQuality() {}

    private static double[] phiTable() {
        double[] table = new double[2 * PHI_RANGE * PHI_STEPS + 1];
        for (int i = 0; i < table.length; i++) {
            table[i] = normalCdf((double) i / PHI_STEPS - PHI_RANGE);
        }
        return table;
    }

    /**
     * &Phi;(x), the standard normal CDF, by commons-math's erfc (pure Java: the same everywhere).
     */
    static double normalCdf(double x) {
        return 0.5 * Erf.erfc(-x / Math.sqrt(2));
    }

    /**
     * &Phi;(x) interpolated linearly in {@link #PHI} (steps of 0.001: error at most 0.001&sup2; / 8
     * times max |&Phi;''| = 0.242, under 4e-8), a hundred times faster than {@link #normalCdf}; 0
     * or 1 beyond &plusmn;9, where &Phi; is within 1e-18 of them.
     */
    static double phi(double x) {
        double position = (Math.min(Math.max(x, -PHI_RANGE), PHI_RANGE) + PHI_RANGE) * PHI_STEPS;
        int i = Math.min((int) position, PHI.length - 2);
        return PHI[i] + (position - i) * (PHI[i + 1] - PHI[i]);
    }

    /**
     * Page-Hinkley's fading factor &alpha; as the job sets it by default ({@code
     * SequentialSettings.DEFAULT_FADING}): {@value}, no fading, unlike the detector's own default.
     * The job is not on this runner's classpath ({@code benchmarks.jar}), so the value is repeated
     * here and {@code DetectionQualityTest} checks that they agree.
     */
    public static final double PAGE_HINKLEY_FADING = 1.0;

    /** A detector at the job's default settings. */
    public enum Detector {
        ADWIN("ADWIN", Adwin::new),
        PAGE_HINKLEY(
                "Page-Hinkley", () -> PageHinkley.builder().alpha(PAGE_HINKLEY_FADING).build());

        private final String label;
        private final Supplier<ChangeDetector> factory;

        Detector(String label, Supplier<ChangeDetector> factory) {
            this.label = label;
            this.factory = factory;
        }

        /** The detector's name in the table. */
        public String label() {
            return label;
        }

        /** A fresh detector at the job's default settings. */
        public ChangeDetector create() {
            return factory.get();
        }
    }

    /** One kind of per-request signal on [0, 1], drawn at a level that the change moves. */
    public enum Signal {
        /**
         * A confidence (msp-like): N(level, 0.1&sup2;) clipped to [0, 1]; level 0.8 before the
         * change (about 2% of its values clip at 1), lower after it.
         */
        CONFIDENCE("confidence, N(0.8, 0.1²) clipped", 0.8) {
            @Override
            double draw(Random random, double level) {
                return Math.min(1.0, Math.max(0.0, level + CONFIDENCE_SD * random.nextGaussian()));
            }
        },
        /**
         * A standard normal feature read through its reference CDF, as the job reads feature
         * signals: &Phi;(level + Z), uniform on [0, 1] before the change (level 0); a rise of the
         * feature by s standard deviations moves the signal's mean to &Phi;(s/&radic;2).
         */
        FEATURE("feature through its CDF, Φ(N(0, 1))", 0) {
            @Override
            double draw(Random random, double level) {
                return phi(level + random.nextGaussian());
            }
        },
        /** An error indicator: 1 with probability level, else 0. */
        ERROR("error indicator, Bernoulli(0.1)", 0.1) {
            @Override
            double draw(Random random, double level) {
                return random.nextDouble() < level ? 1.0 : 0.0;
            }
        };

        private final String label;
        private final double baseline;

        Signal(String label, double baseline) {
            this.label = label;
            this.baseline = baseline;
        }

        /** The level before a change, and throughout a stream without change. */
        public double baseline() {
            return baseline;
        }

        /** The signal's description in the table. */
        public String label() {
            return label;
        }

        abstract double draw(Random random, double level);

        /** A stream of the given seed: level {@code before} up to changeIndex, {@code after} on. */
        double[] stream(long seed, int length, int changeIndex, double before, double after) {
            Random random = new Random(seed);
            double[] values = new double[length];
            for (int i = 0; i < length; i++) {
                values[i] = draw(random, i < changeIndex ? before : after);
            }
            return values;
        }
    }

    /**
     * A stream of {@value #LENGTH} rows of a signal whose level changes from {@code before} to
     * {@code after} at row {@value #BEFORE}; without change when they are equal.
     *
     * @param change how the table names the change
     */
    public record Scenario(Signal signal, String change, double before, double after) {

        /** Whether the level changes. */
        public boolean changes() {
            return before != after;
        }

        /** The first row of the new level; {@value #LENGTH} (none) for a stream without change. */
        public int changeIndex() {
            return changes() ? BEFORE : LENGTH;
        }

        /** The stream of the given seed. */
        public double[] stream(long seed) {
            return signal.stream(seed, LENGTH, BEFORE, before, after);
        }
    }

    /** The scenarios of the table, in its order; a scenario's seeds follow from its position. */
    public static List<Scenario> scenarios() {
        List<Scenario> scenarios = new ArrayList<>();
        for (double sds : new double[] {0.5, 1, 2}) {
            scenarios.add(
                    new Scenario(
                            Signal.CONFIDENCE,
                            String.format(
                                    Locale.ROOT,
                                    "−%s sd: 0.8 → %.2f before clipping",
                                    sd(sds),
                                    Signal.CONFIDENCE.baseline - sds * CONFIDENCE_SD),
                            Signal.CONFIDENCE.baseline,
                            Signal.CONFIDENCE.baseline - sds * CONFIDENCE_SD));
        }
        scenarios.add(none(Signal.CONFIDENCE));
        for (double sds : new double[] {0.5, 1, 2}) {
            double signalMean = normalCdf(sds / Math.sqrt(2));
            scenarios.add(
                    new Scenario(
                            Signal.FEATURE,
                            String.format(
                                    Locale.ROOT,
                                    "+%s sd of the feature: mean 0.5 → %.3f",
                                    sd(sds),
                                    signalMean),
                            0,
                            sds));
        }
        scenarios.add(none(Signal.FEATURE));
        scenarios.add(new Scenario(Signal.ERROR, "rate 0.1 → 0.2", Signal.ERROR.baseline, 0.2));
        scenarios.add(none(Signal.ERROR));
        return List.copyOf(scenarios);
    }

    private static Scenario none(Signal signal) {
        return new Scenario(signal, "none", signal.baseline, signal.baseline);
    }

    private static String sd(double sds) {
        return sds == Math.rint(sds) ? Long.toString((long) sds) : Double.toString(sds);
    }

    /**
     * One detector on one scenario over many seeds.
     *
     * @param summary the runs' {@link DetectionDelay.Summary}
     * @param p90Delay the 90th percentile (nearest rank) of the detected runs' delays; &minus;1 if
     *     none
     * @param runsWithoutAlarm runs without any alarm before the change (for a stream without
     *     change: without any alarm at all)
     */
    public record Row(
            Detector detector,
            Scenario scenario,
            DetectionDelay.Summary summary,
            long p90Delay,
            int runsWithoutAlarm) {

        /** False alarms per 10,000 rows before the change (the whole stream without change). */
        public double falseAlarmsPer10k() {
            return summary.falseAlarmRate() * 10_000;
        }

        /** Share of the runs without any false alarm. */
        public double shareWithoutAlarm() {
            return (double) runsWithoutAlarm / summary.runs();
        }
    }

    /** Every detector on every scenario, seeds 0 to {@code seeds} &minus; 1 of each scenario. */
    public static List<Row> measure(int seeds) {
        if (seeds < 1) {
            throw new IllegalArgumentException("seeds must be at least 1, but is " + seeds);
        }
        List<Scenario> scenarios = scenarios();
        Detector[] detectors = Detector.values();
        List<List<DetectionDelay>> runs = new ArrayList<>();
        for (int k = 0; k < detectors.length * scenarios.size(); k++) {
            runs.add(new ArrayList<>());
        }
        for (int s = 0; s < scenarios.size(); s++) {
            Scenario scenario = scenarios.get(s);
            for (int i = 0; i < seeds; i++) {
                double[] stream = scenario.stream(SEED_STRIDE * s + i);
                for (int d = 0; d < detectors.length; d++) {
                    ChangeDetector detector = detectors[d].create();
                    runs.get(d * scenarios.size() + s)
                            .add(DetectionDelay.measure(detector, stream, scenario.changeIndex()));
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int d = 0; d < detectors.length; d++) {
            for (int s = 0; s < scenarios.size(); s++) {
                List<DetectionDelay> r = runs.get(d * scenarios.size() + s);
                rows.add(
                        new Row(
                                detectors[d],
                                scenarios.get(s),
                                DetectionDelay.Summary.of(r),
                                percentile90(r),
                                (int) r.stream().filter(x -> x.falseAlarms() == 0).count()));
            }
        }
        return List.copyOf(rows);
    }

    private static long percentile90(List<DetectionDelay> runs) {
        long[] delays =
                runs.stream()
                        .filter(DetectionDelay::detected)
                        .mapToLong(r -> r.delay().getAsLong())
                        .sorted()
                        .toArray();
        return delays.length == 0 ? -1 : delays[(int) Math.ceil(0.9 * delays.length) - 1];
    }

    /**
     * A Markdown table's header: the columns, the first {@code text} left-aligned, the rest right.
     */
    private static StringBuilder header(String columns, int text) {
        StringBuilder out = new StringBuilder("| ").append(columns).append(" |\n|");
        int count = columns.split("\\|", -1).length;
        for (int c = 0; c < count; c++) {
            out.append(c < text ? " --- |" : " ---: |");
        }
        return out.append('\n');
    }

    /** The rows as a Markdown table. */
    public static String table(List<Row> rows) {
        StringBuilder out =
                header(
                        "detector | signal | change | detected | delay mean | median | p90 | max"
                                + " | false alarms (per 10k rows) | runs without false alarm",
                        3);
        for (Row row : rows) {
            DetectionDelay.Summary s = row.summary();
            boolean changes = row.scenario().changes();
            out.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %s | %s | %s | %s | %s | %d (%.3f) | %d/%d (%.1f%%) |\n",
                            row.detector().label(),
                            row.scenario().signal().label(),
                            row.scenario().change(),
                            changes ? s.detected() + "/" + s.runs() : "–",
                            changes && s.detected() > 0
                                    ? String.format(Locale.ROOT, "%.0f", s.meanDelay())
                                    : "–",
                            changes && s.detected() > 0 ? Long.toString(s.medianDelay()) : "–",
                            changes && s.detected() > 0 ? Long.toString(row.p90Delay()) : "–",
                            changes && s.detected() > 0 ? Long.toString(s.maxDelay()) : "–",
                            s.falseAlarms(),
                            row.falseAlarmsPer10k(),
                            row.runsWithoutAlarm(),
                            s.runs(),
                            100 * row.shareWithoutAlarm()));
        }
        return out.toString();
    }

    /**
     * One detector on long streams of one signal without change, at the level before the change of
     * the table's scenarios: how the false alarms spread over the stream.
     *
     * @param runs number of streams of {@value #LONG_LENGTH} rows
     * @param runsWithoutAlarm streams without any alarm
     * @param early alarms in rows [0, {@value #BEFORE}) over all streams
     * @param late alarms in rows [{@value #LATE_FROM}, {@value #LONG_LENGTH}) over all streams
     * @param total alarms over all streams
     */
    public record LongRow(
            Detector detector,
            Signal signal,
            int runs,
            int runsWithoutAlarm,
            long early,
            long late,
            long total) {

        /** Alarms per 10,000 rows in rows [0, {@value #BEFORE}). */
        public double earlyPer10k() {
            return early * 10_000.0 / ((long) runs * BEFORE);
        }

        /** Alarms per 10,000 rows in rows [{@value #LATE_FROM}, {@value #LONG_LENGTH}). */
        public double latePer10k() {
            return late * 10_000.0 / ((long) runs * (LONG_LENGTH - LATE_FROM));
        }

        /** Alarms per 10,000 rows over whole streams. */
        public double totalPer10k() {
            return total * 10_000.0 / ((long) runs * LONG_LENGTH);
        }
    }

    /**
     * Every detector on {@code seeds} long streams without change of every signal, fed without
     * reset from row 0 to the end (Page-Hinkley restarts itself after each alarm; ADWIN keeps the
     * newer part of its window).
     */
    public static List<LongRow> measureLong(int seeds) {
        if (seeds < 1) {
            throw new IllegalArgumentException("seeds must be at least 1, but is " + seeds);
        }
        List<LongRow> rows = new ArrayList<>();
        for (Detector detector : Detector.values()) {
            for (Signal signal : Signal.values()) {
                int quiet = 0;
                long early = 0;
                long late = 0;
                long total = 0;
                for (int i = 0; i < seeds; i++) {
                    double[] stream =
                            signal.stream(
                                    SEED_STRIDE * (LONG_SEED_BASE + signal.ordinal()) + i,
                                    LONG_LENGTH,
                                    LONG_LENGTH,
                                    signal.baseline,
                                    signal.baseline);
                    ChangeDetector d = detector.create();
                    long alarms = 0;
                    for (int row = 0; row < stream.length; row++) {
                        if (d.update(stream[row])) {
                            alarms++;
                            early += row < BEFORE ? 1 : 0;
                            late += row >= LATE_FROM ? 1 : 0;
                        }
                    }
                    quiet += alarms == 0 ? 1 : 0;
                    total += alarms;
                }
                rows.add(new LongRow(detector, signal, seeds, quiet, early, late, total));
            }
        }
        return List.copyOf(rows);
    }

    /** The long-stream rows as a Markdown table. */
    public static String longTable(List<LongRow> rows) {
        StringBuilder out =
                header(
                        "detector | signal | streams without alarm | alarms | per 10k rows: all"
                                + " | rows 0–10k | rows 20k–100k",
                        2);
        for (LongRow row : rows) {
            out.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %d/%d | %d | %.3f | %.3f | %.3f |\n",
                            row.detector().label(),
                            row.signal().label(),
                            row.runsWithoutAlarm(),
                            row.runs(),
                            row.total(),
                            row.totalPer10k(),
                            row.earlyPer10k(),
                            row.latePer10k()));
        }
        return out.toString();
    }

    /**
     * Prints the tables: {@code args[0]} seeds per scenario (default {@value #DEFAULT_SEEDS}),
     * {@code args[1]} long streams per signal (default {@value #DEFAULT_LONG_SEEDS}).
     */
    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_SEEDS;
        PrintStream out =
                new PrintStream(
                        new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        out.printf(
                Locale.ROOT,
                "%d seeds per scenario; %d rows before the change, %d after; ADWIN delta %s, clock %d;"
                        + " Page-Hinkley delta %s, threshold %s, alpha %s, both directions%n%n",
                seeds,
                BEFORE,
                AFTER,
                Adwin.DEFAULT_DELTA,
                Adwin.DEFAULT_CLOCK,
                PageHinkley.DEFAULT_DELTA,
                PageHinkley.DEFAULT_THRESHOLD,
                PAGE_HINKLEY_FADING);
        out.print(table(measure(seeds)));
        int longSeeds = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_LONG_SEEDS;
        out.printf(
                Locale.ROOT,
                "%n%d streams of %d rows without change per signal%n%n",
                longSeeds,
                LONG_LENGTH);
        out.print(longTable(measureLong(longSeeds)));
    }
}
