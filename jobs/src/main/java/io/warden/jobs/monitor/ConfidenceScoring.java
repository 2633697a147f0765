package io.warden.jobs.monitor;

import io.warden.detectors.confidence.ConfidenceAssessment;
import io.warden.detectors.core.DetectorResult;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.OutputType;
import io.warden.jobs.monitor.ModelCatalog.ModelRuntime;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Evidence;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import io.warden.schemas.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Scores every joined inference event with the confidence-anomaly detector of its model and emits
 * one {@link ScoreRecord} per event; an event whose most anomalous row is flagged also raises a
 * CONFIDENCE_ANOMALY {@link Alert} about that request. Stateless: the detectors' references are
 * read-only and travel with the job graph.
 */
public final class ConfidenceScoring extends ProcessFunction<InferenceEvent, ScoreRecord> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Alert> ALERTS =
            new OutputTag<>("confidence-alerts", TypeInformation.of(Alert.class));

    private final ModelCatalog catalog;

    private transient Counter scored;
    private transient Counter alerts;

    public ConfidenceScoring(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void open(OpenContext openContext) {
        scored = getRuntimeContext().getMetricGroup().counter("scored");
        alerts = getRuntimeContext().getMetricGroup().counter("confidenceAlerts");
    }

    @Override
    public void processElement(InferenceEvent event, Context ctx, Collector<ScoreRecord> out) {
        ModelRuntime model = catalog.find(event.getModelName(), event.getModelVersion());
        ModelSpec spec = model.spec();
        String predicted = null;
        List<DetectorScore> scores = new ArrayList<>();
        boolean flagged = false;
        if (model.confidence() != null) {
            Worst worst = worstRow(model, event);
            ConfidenceAssessment a = worst.assessment;
            predicted = spec.output().classes().get(a.confidence().predictedClass());
            for (DetectorResult r : a.results()) {
                scores.add(
                        new DetectorScore(
                                r.detector(),
                                r.score(),
                                r.threshold(),
                                Double.isNaN(r.pValue()) ? null : r.pValue(),
                                r.flagged()));
            }
            flagged = a.flagged();
            if (flagged) {
                alerts.inc();
                ctx.output(
                        ALERTS, alert(event, model, a, worst.row, worst.rows, scores, predicted));
            }
        }
        scored.inc();
        out.collect(
                ScoreRecord.newBuilder()
                        .setRequestId(event.getRequestId())
                        .setEventTime(event.getEventTime())
                        .setModelName(event.getModelName())
                        .setModelVersion(event.getModelVersion())
                        .setClientId(event.getClientId())
                        .setPredictedClass(predicted)
                        .setScores(scores)
                        .setFlagged(flagged)
                        .build());
    }

    private record Worst(ConfidenceAssessment assessment, int row, int rows) {}

    /** Assesses each row of a (possibly batched) output and keeps the most anomalous. */
    private static Worst worstRow(ModelRuntime model, InferenceEvent event) {
        ModelSpec.OutputSpec out = model.spec().output();
        Tensor t = null;
        for (Tensor candidate : event.getOutputs()) {
            if (candidate.getName().equals(out.tensor())) {
                t = candidate;
                break;
            }
        }
        if (t == null) {
            throw new IllegalStateException(
                    "validated event without output tensor " + out.tensor());
        }
        int k = out.classes().size();
        List<Double> data = t.getData();
        int rows = data.size() / k;
        double[] row = new double[k];
        ConfidenceAssessment worst = null;
        int worstRow = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                row[j] = data.get(r * k + j);
            }
            ConfidenceAssessment a =
                    out.type() == OutputType.LOGITS
                            ? model.confidence().assessLogits(row)
                            : model.confidence().assess(row);
            if (worst == null || a.smallestPValue() < worst.smallestPValue()) {
                worst = a;
                worstRow = r;
            }
        }
        return new Worst(worst, worstRow, rows);
    }

    private static Alert alert(
            InferenceEvent event,
            ModelRuntime model,
            ConfidenceAssessment a,
            int row,
            int rows,
            List<DetectorScore> scores,
            String predicted) {
        Map<String, String> details = new LinkedHashMap<>();
        if (event.getClientId() != null) {
            details.put("client_id", event.getClientId());
        }
        details.put("predicted_class", predicted);
        if (rows > 1) {
            details.put("row", row + " of " + rows);
        }
        String kind = AlertKind.CONFIDENCE_ANOMALY.name();
        return Alert.newBuilder()
                .setAlertId(
                        Ids.of(
                                kind,
                                event.getModelName(),
                                event.getModelVersion(),
                                SubjectType.REQUEST.name(),
                                event.getRequestId()))
                .setEventTime(event.getEventTime())
                .setModelName(event.getModelName())
                .setModelVersion(event.getModelVersion())
                .setKind(AlertKind.CONFIDENCE_ANOMALY)
                .setSeverity(model.spec().detectors().confidence().severity())
                .setSubject(new Subject(SubjectType.REQUEST, event.getRequestId()))
                .setSummary(a.explanation())
                .setScores(scores)
                .setEvidence(
                        Evidence.newBuilder()
                                .setRequestIds(List.of(event.getRequestId()))
                                .setFeatureNames(List.of())
                                .setDetails(details)
                                .build())
                .setAtlasTechnique(null)
                .setWindow(null)
                .setProfileId(model.confidenceProfileId())
                .build();
    }
}
