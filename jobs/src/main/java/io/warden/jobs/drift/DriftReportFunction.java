package io.warden.jobs.drift;

import io.warden.schemas.DriftReport;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Evaluates each closed window of a model version into a {@link DriftReport}. */
public final class DriftReportFunction
        extends ProcessWindowFunction<DriftAccumulator, DriftReport, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    private final DriftModels models;
    private transient Counter reports;
    private transient Counter drifted;

    public DriftReportFunction(DriftModels models) {
        this.models = models;
    }

    @Override
    public void open(OpenContext openContext) {
        reports = getRuntimeContext().getMetricGroup().counter("driftReports");
        drifted = getRuntimeContext().getMetricGroup().counter("driftedWindows");
    }

    @Override
    public void process(
            String modelKey,
            Context context,
            Iterable<DriftAccumulator> windowed,
            Collector<DriftReport> out) {
        DriftAccumulator acc = windowed.iterator().next();
        DriftModel model = models.find(acc.modelName, acc.modelVersion);
        TimeWindow w = context.window();
        DriftReport report =
                DriftEvaluator.evaluate(
                        model, acc, acc.modelName, acc.modelVersion, w.getStart(), w.getEnd());
        reports.inc();
        if (report.getDrifted()) {
            drifted.inc();
        }
        out.collect(report);
    }
}
