package io.warden.jobs.monitor;

import io.warden.detectors.confidence.Confidence;
import io.warden.detectors.confidence.ConfidenceAssessment;
import io.warden.detectors.core.DetectorResult;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.OutputType;
import io.warden.jobs.drift.Observation;
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

    /**
     * One per row of every event of a model with drift, sequential, performance or ONNX detection
     * on; a fresh object per row.
     */
    public static final OutputTag<Observation> OBSERVATIONS =
            new OutputTag<>("observations", TypeInformation.of(Observation.class));

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
        Rows rows = rows(model, event);
        String predicted = null;
        List<DetectorScore> scores = new ArrayList<>();
        boolean flagged = false;
        ConfidenceAssessment worst = null;
        int worstRow = 0;
        double[] probabilities = new double[rows.classes];
        for (int r = 0; r < rows.count; r++) {
            rows.probabilities(r, probabilities);
            Confidence confidence;
            if (model.confidence() != null) {
                ConfidenceAssessment a =
                        spec.output().type() == OutputType.LOGITS
                                ? model.confidence().assessLogits(probabilities)
                                : model.confidence().assess(probabilities);
                if (worst == null || a.smallestPValue() < worst.smallestPValue()) {
                    worst = a;
                    worstRow = r;
                }
                confidence = a.confidence();
            } else {
                confidence =
                        spec.output().type() == OutputType.LOGITS
                                ? Confidence.ofLogits(probabilities)
                                : Confidence.ofProbabilities(probabilities);
            }
            if (r == 0) {
                predicted = spec.output().classes().get(confidence.predictedClass());
            }
            if (model.observed()) {
                Observation o = observation(event, rows, r, confidence);
                if (spec.servedModel() != null || catalog.keepsOutputs()) {
                    o.outputs = new double[rows.classes];
                    rows.probabilities(r, o.outputs);
                }
                ctx.output(OBSERVATIONS, o);
            }
        }
        if (worst != null) {
            predicted = spec.output().classes().get(worst.confidence().predictedClass());
            for (DetectorResult r : worst.results()) {
                scores.add(Scores.of(r));
            }
            flagged = worst.flagged();
            if (flagged) {
                alerts.inc();
                ctx.output(
                        ALERTS,
                        alert(event, model, worst, worstRow, rows.count, scores, predicted));
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

    private static Observation observation(InferenceEvent event, Rows rows, int r, Confidence c) {
        Observation o = new Observation();
        o.modelName = event.getModelName();
        o.modelVersion = event.getModelVersion();
        o.modelKey = Observation.modelKey(o.modelName, o.modelVersion);
        o.requestId = event.getRequestId();
        o.clientId = event.getClientId();
        o.row = r;
        o.eventTime = event.getEventTime().toEpochMilli();
        o.features = rows.features(r);
        o.predictedClass = c.predictedClass();
        o.msp = c.msp();
        o.entropy = c.entropy();
        o.margin = c.margin();
        return o;
    }

    /**
     * A validated event's rows: the output tensor's probabilities and the feature tensor's values.
     */
    private static final class Rows {
        final int count;
        final int classes;
        final int width;
        final List<Double> outputs;
        final List<Double> inputs;

        Rows(int count, int classes, int width, List<Double> outputs, List<Double> inputs) {
            this.count = count;
            this.classes = classes;
            this.width = width;
            this.outputs = outputs;
            this.inputs = inputs;
        }

        void probabilities(int row, double[] into) {
            for (int j = 0; j < classes; j++) {
                into[j] = outputs.get(row * classes + j);
            }
        }

        double[] features(int row) {
            double[] x = new double[width];
            for (int j = 0; j < width; j++) {
                x[j] = inputs.get(row * width + j);
            }
            return x;
        }
    }

    private static Rows rows(ModelRuntime model, InferenceEvent event) {
        ModelSpec spec = model.spec();
        List<Double> outputs = tensor(event.getOutputs(), spec.output().tensor()).getData();
        List<Double> inputs = tensor(event.getInputs(), spec.features().tensor()).getData();
        int classes = spec.output().classes().size();
        return new Rows(
                outputs.size() / classes, classes, spec.features().width(), outputs, inputs);
    }

    private static Tensor tensor(List<Tensor> tensors, String name) {
        for (Tensor candidate : tensors) {
            if (candidate.getName().equals(name)) {
                return candidate;
            }
        }
        throw new IllegalStateException("validated event without tensor " + name);
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
