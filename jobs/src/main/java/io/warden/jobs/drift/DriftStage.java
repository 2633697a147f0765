package io.warden.jobs.drift;

import io.warden.jobs.config.Durations;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.DriftSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.schemas.Alert;
import io.warden.schemas.DriftReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The windowed-drift part of the monitor graph: observations, re-timed to their request's event
 * time, go into event-time windows per model version (tumbling, or sliding where configured; one
 * window chain per distinct window setting), each closed window becomes a {@link DriftReport}, and
 * the reports pass through hysteresis into DRIFT alerts.
 *
 * <p>Observations leave the request/response join at the time of whichever side completed the pair,
 * which depends on arrival order; so they are re-stamped with the request's own event time here,
 * with a watermark that allows for the join's wait. Windows therefore get the same rows on every
 * run. A row that still comes later than that is counted ({@code lateObservations}) and left out of
 * drift statistics; it was scored and reported like any other request.
 */
public final class DriftStage {
    private DriftStage() {}

    /** The window setting of a model, e.g. {@code 1m} or {@code 5m/1m}. */
    private record WindowSpec(Duration size, Duration slide) {
        String name() {
            return Durations.format(size)
                    + (slide == null ? "" : "-every-" + Durations.format(slide));
        }
    }

    /**
     * Adds windowed drift for the models with drift on.
     *
     * @return the DRIFT alerts, or null when no model has drift on
     */
    public static DataStream<Alert> build(
            WardenConfig config,
            DriftModels models,
            DataStream<Observation> observations,
            Sink<DriftReport> reportSink) {
        if (models.isEmpty()) {
            return null;
        }
        // A pair completes at most the join timeout after its request (later ones are orphans),
        // so a window waits that long past its end for the last of its rows.
        Duration delay = config.input().joinTimeout();
        Map<WindowSpec, Set<String>> groups = new LinkedHashMap<>();
        for (ModelSpec m : config.models()) {
            DriftSettings d = m.detectors().drift();
            if (d != null && d.enabled()) {
                groups.computeIfAbsent(new WindowSpec(d.window(), d.slide()), k -> new HashSet<>())
                        .add(m.name());
            }
        }
        List<DataStream<DriftReport>> reports = new ArrayList<>();
        OutputTag<Observation> late =
                new OutputTag<>("late-observations", TypeInformation.of(Observation.class));
        for (Map.Entry<WindowSpec, Set<String>> g : groups.entrySet()) {
            Set<String> names = Set.copyOf(g.getValue());
            String name = "drift-window-" + g.getKey().name();
            SingleOutputStreamOperator<DriftReport> windowed =
                    observations
                            .filter(
                                    o ->
                                            names.contains(o.modelName)
                                                    && models.find(o.modelName, o.modelVersion)
                                                            != null)
                            .name(name + "-models")
                            .uid(name + "-models")
                            .keyBy(o -> o.modelKey)
                            .window(
                                    new ObservationWindows(
                                            g.getKey().size(), g.getKey().slide(), delay))
                            .allowedLateness(delay)
                            .sideOutputLateData(late)
                            .aggregate(new DriftAggregate(models), new DriftReportFunction(models))
                            .name(name)
                            .uid(name);
            windowed.getSideOutput(late)
                    .process(new CountLate())
                    .name(name + "-late")
                    .uid(name + "-late");
            reports.add(windowed);
        }
        DataStream<DriftReport> all = reports.get(0);
        for (int i = 1; i < reports.size(); i++) {
            all = all.union(reports.get(i));
        }
        all.sinkTo(reportSink).name("drift-sink").uid("drift-sink");
        return all.keyBy(r -> Observation.modelKey(r.getModelName(), r.getModelVersion()))
                .process(new DriftAlerting(models))
                .name("drift-hysteresis")
                .uid("drift-hysteresis");
    }

    /** Counts observations too late for their drift window; they emit nothing. */
    private static final class CountLate extends ProcessFunction<Observation, Observation> {
        private static final long serialVersionUID = 1L;
        private transient Counter late;

        @Override
        public void open(OpenContext openContext) {
            late = getRuntimeContext().getMetricGroup().counter("lateObservations");
        }

        @Override
        public void processElement(Observation o, Context ctx, Collector<Observation> out) {
            late.inc();
        }
    }
}
