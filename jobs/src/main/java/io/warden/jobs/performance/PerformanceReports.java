package io.warden.jobs.performance;

import io.warden.detectors.performance.AccuracyJudgment;
import io.warden.detectors.performance.ClassificationCounts;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.PerformanceSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.monitor.Ids;
import io.warden.schemas.ClassPerformance;
import io.warden.schemas.PerformanceReport;
import io.warden.schemas.TimeWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.util.Collector;

/** Turns each closed window of a model version into a {@link PerformanceReport}. */
public final class PerformanceReports
        extends ProcessWindowFunction<
                PerformanceAccumulator,
                PerformanceReport,
                String,
                org.apache.flink.streaming.api.windowing.windows.TimeWindow> {
    private static final long serialVersionUID = 1L;

    private final WardenConfig config;
    private transient Counter reports;
    private transient Counter degraded;

    public PerformanceReports(WardenConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        reports = getRuntimeContext().getMetricGroup().counter("performanceReports");
        degraded = getRuntimeContext().getMetricGroup().counter("degradedWindows");
    }

    @Override
    public void process(
            String modelKey,
            Context context,
            Iterable<PerformanceAccumulator> windowed,
            Collector<PerformanceReport> out) {
        PerformanceAccumulator acc = windowed.iterator().next();
        ModelSpec spec = config.model(acc.modelName, acc.modelVersion).orElseThrow();
        var w = context.window();
        PerformanceReport report =
                report(spec, acc.modelName, acc.modelVersion, acc.counts, w.getStart(), w.getEnd());
        reports.inc();
        if (report.getDegraded()) {
            degraded.inc();
        }
        out.collect(report);
    }

    /** The report of one window's counts. */
    static PerformanceReport report(
            ModelSpec spec,
            String modelName,
            String modelVersion,
            ClassificationCounts counts,
            long start,
            long end) {
        PerformanceSettings s = spec.detectors().performance();
        AccuracyJudgment j =
                AccuracyJudgment.judge(
                        counts.correct(),
                        counts.labelled(),
                        s.referenceAccuracy(),
                        s.maxDrop(),
                        s.alpha(),
                        s.minLabels());
        List<String> labels = spec.output().classes();
        List<ClassPerformance> classes = new ArrayList<>(labels.size());
        for (int c = 0; c < labels.size(); c++) {
            classes.add(
                    new ClassPerformance(
                            labels.get(c),
                            counts.support(c),
                            counts.predictedAs(c),
                            counts.truePositives(c),
                            orNull(counts.recall(c)),
                            orNull(counts.precision(c))));
        }
        return PerformanceReport.newBuilder()
                .setReportId(
                        Ids.of(
                                "performance",
                                modelName,
                                modelVersion,
                                Long.toString(start),
                                Long.toString(end)))
                .setModelName(modelName)
                .setModelVersion(modelVersion)
                .setWindow(new TimeWindow(Instant.ofEpochMilli(start), Instant.ofEpochMilli(end)))
                .setLabelWaitMs(s.labelWait().toMillis())
                .setPredictions(counts.predictions())
                .setLabelled(counts.labelled())
                .setCorrect(counts.correct())
                .setAccuracy(orNull(j.accuracy()))
                .setAccuracyLower(orNull(j.lower()))
                .setAccuracyUpper(orNull(j.upper()))
                .setReferenceAccuracy(s.referenceAccuracy())
                .setMaxDrop(s.maxDrop())
                .setPValue(j.pValue())
                .setJudged(j.judged())
                .setDegraded(j.degraded())
                .setExpectedCalibrationError(orNull(counts.expectedCalibrationError()))
                .setReferenceCalibrationError(s.referenceEce())
                .setMeanConfidence(orNull(counts.meanConfidence()))
                .setClasses(classes)
                .build();
    }

    private static Double orNull(double x) {
        return Double.isNaN(x) ? null : x;
    }
}
