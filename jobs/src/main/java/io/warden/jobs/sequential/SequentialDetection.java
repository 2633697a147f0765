package io.warden.jobs.sequential;

import io.warden.detectors.sequential.Adwin;
import io.warden.detectors.sequential.ChangeDetector;
import io.warden.detectors.sequential.PageHinkley;
import io.warden.jobs.drift.Observation;
import io.warden.schemas.Alert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Sequential change detection per model version (the key): one detector ({@link Adwin} or {@link
 * PageHinkley}) per configured signal, fed the version's rows in event-time order, raising one
 * DRIFT alert per detected change.
 *
 * <p><b>Order.</b> Sequential detectors are order-sensitive, but the order in which a model
 * version's rows arrive here depends on the parallel request/response join and scoring. So rows
 * wait in keyed state, in buckets of {@value #RELEASE_STEP_MS} ms of event time, and a bucket is
 * released when the watermark passes its end plus {@code wait}, sorted by event time, then request
 * id (a stable sort, so the rows of one batched request keep their order). {@code wait} is the join
 * timeout for split input: a pair completes at most that long (in event time) after its request, so
 * by then every row of the bucket has come; for combined input, where rows carry their own record's
 * time, it is zero. The same traffic therefore reaches the detectors in the same order on every run
 * and at every parallelism, and gives the same alerts with the same ids. The price is latency: an
 * alarm comes about {@code wait} plus the watermark's out-of-orderness (plus up to one bucket)
 * after its row's event time. A row that still comes after its bucket was released (the input broke
 * the out-of-orderness or join bounds) is read at once, out of order, and counted as {@code
 * sequentialLateRows}: such rows are the only way two runs can differ.
 *
 * <p><b>One alarm per change.</b> After an alarm the signal's detector is reset (as River's {@code
 * ADWIN} is), and for {@code cooldown} rows of that signal no other alarm is raised; detections
 * within the cooldown are counted ({@code sequentialSuppressed}) but raise nothing.
 *
 * <p><b>State.</b> Per key: a {@link SequentialState} (the detectors' explicit states and the row
 * bookkeeping, O(log rows) for ADWIN) and the waiting rows (the rows of about {@code wait} plus the
 * out-of-orderness of event time; each holds only its signals' values). Released buckets and their
 * timers are gone. All types are Flink POJOs (no Kryo). A config change across a savepoint keeps
 * the state of the signals that remain, starts new ones fresh and drops removed ones.
 *
 * <p>Metrics: {@code sequentialRows} (rows read by the detectors), {@code sequentialAlarms}, {@code
 * sequentialSuppressed}, {@code sequentialLateRows}.
 */
public final class SequentialDetection extends KeyedProcessFunction<String, Observation, Alert> {
    private static final long serialVersionUID = 1L;

    /** Rows wait in buckets of this much event time: one timer and one state write per bucket. */
    static final long RELEASE_STEP_MS = 100;

    private final SequentialModels models;
    private final long waitMillis;

    private transient ValueState<SequentialState> state;
    private transient MapState<Long, List<PendingRow>> pending;
    private transient Map<String, ChangeDetector[]> detectors;
    private transient Counter rowsRead;
    private transient Counter alarms;
    private transient Counter suppressed;
    private transient Counter late;

    /**
     * @param wait how long (in event time) after a row's own time every row up to it has surely
     *     arrived: the join timeout for split input, zero for combined input
     */
    public SequentialDetection(SequentialModels models, Duration wait) {
        if (wait.isNegative()) {
            throw new IllegalArgumentException("wait must not be negative, got " + wait);
        }
        this.models = models;
        this.waitMillis = wait.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        state =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "sequential-state",
                                        TypeInformation.of(SequentialState.class)));
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "sequential-pending",
                                        Types.LONG,
                                        Types.LIST(TypeInformation.of(PendingRow.class))));
        detectors = new HashMap<>();
        for (SequentialModel m : models.all()) {
            ChangeDetector[] ds = new ChangeDetector[m.signals().size()];
            for (int i = 0; i < ds.length; i++) {
                ds[i] = m.newDetector();
            }
            detectors.put(m.configuredKey(), ds);
        }
        rowsRead = getRuntimeContext().getMetricGroup().counter("sequentialRows");
        alarms = getRuntimeContext().getMetricGroup().counter("sequentialAlarms");
        suppressed = getRuntimeContext().getMetricGroup().counter("sequentialSuppressed");
        late = getRuntimeContext().getMetricGroup().counter("sequentialLateRows");
    }

    @Override
    public void processElement(Observation o, Context ctx, Collector<Alert> out) throws Exception {
        SequentialModel model = models.find(o.modelName, o.modelVersion);
        if (model == null) {
            return;
        }
        SequentialState s = current(model, o.modelName, o.modelVersion);
        PendingRow row = new PendingRow(o.eventTime, o.requestId, model.values(o));
        long release = releaseTime(o.eventTime);
        if (release <= ctx.timerService().currentWatermark()) {
            late.inc();
            read(ctx.getCurrentKey(), model, s, List.of(row), out);
            return;
        }
        List<PendingRow> rows = pending.get(release);
        if (rows == null) {
            rows = new ArrayList<>();
            ctx.timerService().registerEventTimeTimer(release);
        }
        rows.add(row);
        pending.put(release, rows);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        List<PendingRow> rows = pending.get(timestamp);
        if (rows == null) {
            return;
        }
        pending.remove(timestamp);
        SequentialState s = state.value();
        SequentialModel model = s == null ? null : models.find(s.modelName, s.modelVersion);
        if (model == null) {
            // The model's sequential detection was switched off across a restart.
            state.clear();
            pending.clear();
            return;
        }
        s = current(model, s.modelName, s.modelVersion);
        List<PendingRow> ordered = new ArrayList<>(rows);
        ordered.sort(PendingRow.ORDER);
        read(ctx.getCurrentKey(), model, s, ordered, out);
    }

    /** The bucket's release time: its last millisecond plus the wait (saturating). */
    long releaseTime(long eventTime) {
        long end =
                Math.floorDiv(eventTime, RELEASE_STEP_MS) * RELEASE_STEP_MS + RELEASE_STEP_MS - 1;
        return end > Long.MAX_VALUE - waitMillis ? Long.MAX_VALUE : end + waitMillis;
    }

    /** The key's state, created on its first row, or brought to the model's current signals. */
    private SequentialState current(SequentialModel model, String name, String version)
            throws Exception {
        SequentialState s = state.value();
        if (s == null) {
            s = SequentialState.fresh(name, version, model);
            state.update(s);
        } else if (!s.follows(model)) {
            s = migrate(s, model);
            state.update(s);
        }
        return s;
    }

    /** Keeps the states of the signals that remain and re-orders the waiting rows' values. */
    private SequentialState migrate(SequentialState old, SequentialModel model) throws Exception {
        int[] from = old.mapTo(model);
        SequentialState s = SequentialState.fresh(old.modelName, old.modelVersion, model);
        for (int i = 0; i < from.length; i++) {
            if (from[i] >= 0) {
                s.signals[i] = old.signals[from[i]];
            }
        }
        List<Map.Entry<Long, List<PendingRow>>> buckets = new ArrayList<>();
        for (Map.Entry<Long, List<PendingRow>> e : pending.entries()) {
            buckets.add(Map.entry(e.getKey(), e.getValue()));
        }
        for (Map.Entry<Long, List<PendingRow>> e : buckets) {
            for (PendingRow r : e.getValue()) {
                double[] values = new double[from.length];
                for (int i = 0; i < from.length; i++) {
                    values[i] = from[i] >= 0 ? r.values[from[i]] : Double.NaN;
                }
                r.values = values;
            }
            pending.put(e.getKey(), e.getValue());
        }
        return s;
    }

    /** Feeds rows, in the given order, to the key's detectors; raises and stores. */
    private void read(
            String key,
            SequentialModel model,
            SequentialState s,
            List<PendingRow> rows,
            Collector<Alert> out)
            throws Exception {
        ChangeDetector[] ds = detectors.get(model.configuredKey());
        for (int i = 0; i < ds.length; i++) {
            s.signals[i].restoreInto(ds[i]);
        }
        for (PendingRow row : rows) {
            for (int i = 0; i < ds.length; i++) {
                double value = row.values[i];
                if (!Double.isNaN(value)) {
                    Alert alert = step(key, model, s, i, ds[i], row, value);
                    if (alert != null) {
                        out.collect(alert);
                    }
                }
            }
        }
        for (int i = 0; i < ds.length; i++) {
            s.signals[i].storeFrom(ds[i]);
        }
        state.update(s);
        rowsRead.inc(rows.size());
    }

    /** One value of one signal; the alert if it raises one. */
    private Alert step(
            String key,
            SequentialModel model,
            SequentialState state,
            int i,
            ChangeDetector d,
            PendingRow row,
            double value) {
        SignalState s = state.signals[i];
        long index = s.rows++;
        if (d.count() == 0) {
            s.start = index;
            s.startTime = row.eventTime;
        }
        Detection found;
        if (d instanceof Adwin a) {
            long width0 = a.width();
            double mean0 = a.mean();
            double variance0 = a.variance();
            if (!a.update(value)) {
                return null;
            }
            found = Detection.adwin(a, s.start, index, width0, mean0, variance0, value);
        } else {
            if (!d.update(value)) {
                return null;
            }
            found = Detection.pageHinkley((PageHinkley) d, s.start, index);
        }
        if (index < s.quietUntil) {
            suppressed.inc();
            return null;
        }
        Alert alert =
                SequentialAlerts.alert(key, state, model, model.signals().get(i), s, found, row);
        alarms.inc();
        d.reset();
        s.quietUntil = index + 1 + model.cooldown();
        return alert;
    }
}
