package io.warden.jobs.monitor;

import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.OutputType;
import io.warden.jobs.config.WardenConfig;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.Tensor;
import io.warden.schemas.TensorDatatype;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks decoded traffic against the configured models before any detector sees it: a known model,
 * the configured feature and output tensors present with shapes that fit the config (an optional
 * leading batch dimension allowed), no NaN or infinite values, and probability rows that are
 * probabilities. A record that fails gets a {@link Rejection} naming the tensor and the rule; the
 * job sends it to the dead-letter topic.
 */
public final class TrafficValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How far a probability row's sum may be from 1 (float32 rounding over many classes). */
    static final double PROBABILITY_SUM_TOLERANCE = 1e-3;

    private final WardenConfig config;

    public TrafficValidator(WardenConfig config) {
        this.config = config;
    }

    /** Why a record was rejected. */
    public record Rejection(DeadLetterReason code, String reason) {}

    /** The rejection of a decoded record, or null when it is valid. */
    public Rejection check(Ingested in) {
        return switch (in.kind) {
            case REQUEST -> checkRequest(in.request);
            case RESPONSE -> checkResponse(in.response);
            case EVENT -> checkEvent(in.event);
            case FEEDBACK -> checkFeedback(in.feedback);
            case REJECTED ->
                    throw new IllegalArgumentException("cannot validate " + in.kind + " records");
        };
    }

    /** The rejection of a request, or null when it is valid. */
    public Rejection checkRequest(InferenceRequest r) {
        return check(
                r.getRequestId(),
                r.getModelName(),
                r.getModelVersion(),
                spec -> checkFeatures(spec, r.getInputs()).rejection());
    }

    /** The rejection of a response, or null when it is valid. */
    public Rejection checkResponse(InferenceResponse r) {
        return check(
                r.getRequestId(),
                r.getModelName(),
                r.getModelVersion(),
                spec -> checkOutputs(spec, r.getOutputs()).rejection());
    }

    /** The rejection of a combined event (also what a join produced), or null when it is valid. */
    public Rejection checkEvent(InferenceEvent e) {
        return check(
                e.getRequestId(),
                e.getModelName(),
                e.getModelVersion(),
                spec -> {
                    TensorCheck in = checkFeatures(spec, e.getInputs());
                    if (in.rejection() != null) {
                        return in.rejection();
                    }
                    TensorCheck out = checkOutputs(spec, e.getOutputs());
                    if (out.rejection() != null) {
                        return out.rejection();
                    }
                    if (in.rows() != out.rows()) {
                        return invalid(
                                "the request has "
                                        + in.rows()
                                        + " rows of features but the response has "
                                        + out.rows()
                                        + " rows of outputs");
                    }
                    return null;
                });
    }

    /**
     * The rejection of a feedback record, or null when it is valid: an id, a configured model, and
     * a label that is one of the model's classes. A record without request id (one that carries its
     * own features) is valid when its feature tensor, if it has one, holds one sample of the
     * model's features with finite values; the performance join has no prediction for it and passes
     * it by.
     */
    public Rejection checkFeedback(FeedbackRecord f) {
        if (f.getFeedbackId() == null || f.getFeedbackId().isBlank()) {
            return invalid("feedback_id is empty");
        }
        if (f.getRequestId() != null && f.getRequestId().isBlank()) {
            return invalid("request_id is blank (leave it out for a record with its own features)");
        }
        ModelSpec spec = config.model(f.getModelName(), f.getModelVersion()).orElse(null);
        if (spec == null) {
            return unknownModel(f.getModelName(), f.getModelVersion());
        }
        List<String> classes = spec.output().classes();
        if (!classes.contains(f.getLabel())) {
            return invalid(
                    "label '"
                            + f.getLabel()
                            + "' is not one of the model's classes "
                            + (classes.size() <= 20
                                    ? classes.toString()
                                    : classes.subList(0, 20)
                                            + " (and "
                                            + (classes.size() - 20)
                                            + " more)"));
        }
        String row = f.getAttributes().get("row");
        if (row != null && !row.matches("0|[1-9][0-9]{0,8}")) {
            return invalid("attributes.row must be a row index (0, 1, ...), got '" + row + "'");
        }
        if (f.getRequestId() == null && !f.getFeatures().isEmpty()) {
            TensorCheck features = checkFeatures(spec, f.getFeatures());
            if (features.rejection() != null) {
                return features.rejection();
            }
            if (features.rows() != 1) {
                return invalid(
                        "features: a feedback record labels one sample, but its tensor holds "
                                + features.rows()
                                + " rows");
            }
        }
        return null;
    }

    /**
     * The feature values of a valid feedback record that carries its own features (no request id, a
     * feature tensor), in the configured order; null for any other record.
     *
     * @param spec the record's model
     */
    public static double[] ownFeatures(FeedbackRecord f, ModelSpec spec) {
        if (f.getRequestId() != null || f.getFeatures().isEmpty()) {
            return null;
        }
        for (Tensor t : f.getFeatures()) {
            if (t.getName().equals(spec.features().tensor())) {
                List<Double> data = t.getData();
                double[] x = new double[data.size()];
                for (int j = 0; j < x.length; j++) {
                    x[j] = data.get(j);
                }
                return x;
            }
        }
        return null;
    }

    /** The checks every record gets (an id, a configured model), then the model's own rules. */
    private Rejection check(
            String requestId, String model, String version, Function<ModelSpec, Rejection> rules) {
        if (requestId == null || requestId.isBlank()) {
            return invalid("request_id is empty");
        }
        ModelSpec spec = config.model(model, version).orElse(null);
        return spec == null ? unknownModel(model, version) : rules.apply(spec);
    }

    /** The outcome of checking one tensor: its number of rows, or why it is rejected. */
    private record TensorCheck(long rows, Rejection rejection) {
        static TensorCheck rejected(String reason) {
            return new TensorCheck(0, invalid(reason));
        }
    }

    private Rejection unknownModel(String name, String version) {
        List<String> known = new ArrayList<>();
        for (ModelSpec m : config.models()) {
            known.add(m.version() == null ? m.name() : m.name() + ":" + m.version());
        }
        return new Rejection(
                DeadLetterReason.UNKNOWN_MODEL,
                "model '"
                        + name
                        + "'"
                        + (version == null ? "" : " version '" + version + "'")
                        + " is not configured (configured: "
                        + known
                        + ")");
    }

    private static TensorCheck checkFeatures(ModelSpec spec, List<Tensor> inputs) {
        ModelSpec.FeatureSpec f = spec.features();
        List<Long> sample = new ArrayList<>();
        if (f.names() != null) {
            sample.add((long) f.names().size());
        } else {
            f.shape().forEach(d -> sample.add((long) d));
        }
        return checkTensor("inputs", inputs, f.tensor(), sample, OutputType.LOGITS);
    }

    private static TensorCheck checkOutputs(ModelSpec spec, List<Tensor> outputs) {
        ModelSpec.OutputSpec o = spec.output();
        return checkTensor(
                "outputs", outputs, o.tensor(), List.of((long) o.classes().size()), o.type());
    }

    /**
     * Checks one tensor; {@code type} PROBABILITIES adds the probability rules (LOGITS means: any
     * finite numbers).
     */
    private static TensorCheck checkTensor(
            String side, List<Tensor> tensors, String name, List<Long> sample, OutputType type) {
        Tensor t = null;
        for (Tensor candidate : tensors) {
            if (candidate.getName().equals(name)) {
                t = candidate;
                break;
            }
        }
        String at = side + "." + name;
        if (t == null) {
            List<String> names = new ArrayList<>();
            tensors.forEach(x -> names.add(x.getName()));
            return TensorCheck.rejected(
                    side + ": no tensor named '" + name + "' (found " + names + ")");
        }
        if (t.getDatatype() == TensorDatatype.BYTES || t.getDatatype() == TensorDatatype.UNKNOWN) {
            return TensorCheck.rejected(
                    at + ": datatype " + t.getDatatype() + ", expected a numeric tensor");
        }
        List<Long> shape = t.getShape();
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                return TensorCheck.rejected(at + ": shape " + shape + " has a negative dimension");
            }
            count *= d;
        }
        List<Double> data = t.getData();
        if (count != data.size()) {
            return TensorCheck.rejected(
                    at
                            + ": shape "
                            + shape
                            + " holds "
                            + count
                            + " values but data has "
                            + data.size());
        }
        long rows;
        if (shape.equals(sample)) {
            rows = 1;
        } else if (shape.size() == sample.size() + 1
                && shape.subList(1, shape.size()).equals(sample)) {
            rows = shape.get(0);
        } else {
            return TensorCheck.rejected(
                    at
                            + ": shape "
                            + shape
                            + " does not fit the configured "
                            + sample
                            + " (an optional leading batch dimension is allowed)");
        }
        if (rows == 0) {
            return TensorCheck.rejected(at + ": the batch is empty");
        }
        int bad = 0;
        int first = -1;
        for (int i = 0; i < data.size(); i++) {
            if (!Double.isFinite(data.get(i))) {
                bad++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (bad > 0) {
            return TensorCheck.rejected(
                    at
                            + ": "
                            + bad
                            + " value(s) are NaN or infinite (first at index "
                            + first
                            + ")");
        }
        if (type == OutputType.PROBABILITIES) {
            int width = (int) (count / rows);
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                for (int k = 0; k < width; k++) {
                    double p = data.get(r * width + k);
                    if (p < 0 || p > 1 + PROBABILITY_SUM_TOLERANCE) {
                        return TensorCheck.rejected(
                                at
                                        + ": row "
                                        + r
                                        + " has "
                                        + p
                                        + " at class "
                                        + k
                                        + ", not a probability (output.type is probabilities)");
                    }
                    sum += p;
                }
                if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
                    return TensorCheck.rejected(
                            at
                                    + ": row "
                                    + r
                                    + " sums to "
                                    + String.format(java.util.Locale.ROOT, "%.6g", sum)
                                    + ", expected 1 (output.type is probabilities)");
                }
            }
        }
        return new TensorCheck(rows, null);
    }

    private static Rejection invalid(String reason) {
        return new Rejection(DeadLetterReason.INVALID, reason);
    }
}
