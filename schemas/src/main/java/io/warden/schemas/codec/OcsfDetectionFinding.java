package io.warden.schemas.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warden.schemas.Alert;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Severity;
import io.warden.schemas.SubjectType;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/**
 * An {@link Alert} as an OCSF Detection Finding (class 2004 of the Open Cybersecurity Schema
 * Framework, version {@value #OCSF_VERSION}), the JSON shape SIEMs (Splunk, Elastic, Sentinel,
 * Datadog, Security Lake) ingest as findings.
 *
 * <p>Mapping: {@code finding_info.uid} is the alert id, {@code finding_info.title} the alert kind,
 * {@code finding_info.desc} and {@code message} the summary, {@code finding_info.analytic.name} the
 * detectors; {@code time} is the alert's event time (epoch milliseconds); {@code severity_id} 1..5
 * from INFO..CRITICAL; the MITRE ATLAS technique goes to {@code finding_info.attacks[]} and {@code
 * attacks[]} as {@code technique.uid} (ATLAS ids, not ATT&amp;CK ones); the model is the affected
 * {@code resources[]} entry; the subject, when a client or contributor, is an {@code observables[]}
 * entry; scores, evidence and window are kept whole under {@code unmapped}. Every finding is a new
 * one ({@code activity_id} 1, {@code status_id} 1) and an alert ({@code is_alert}).
 */
public final class OcsfDetectionFinding {
    /** The OCSF version the findings follow. */
    public static final String OCSF_VERSION = "1.4.0";

    /** Detection Finding. */
    public static final int CLASS_UID = 2004;

    /** Findings. */
    public static final int CATEGORY_UID = 2;

    /** Create. */
    public static final int ACTIVITY_CREATE = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OcsfDetectionFinding() {}

    /** The finding of an alert, as one line of JSON. */
    public static String toJson(Alert a) {
        try {
            return MAPPER.writeValueAsString(toNode(a));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The finding of an alert. */
    public static ObjectNode toNode(Alert a) {
        ObjectNode f = MAPPER.createObjectNode();
        f.put("class_uid", CLASS_UID);
        f.put("class_name", "Detection Finding");
        f.put("category_uid", CATEGORY_UID);
        f.put("category_name", "Findings");
        f.put("activity_id", ACTIVITY_CREATE);
        f.put("activity_name", "Create");
        f.put("type_uid", CLASS_UID * 100 + ACTIVITY_CREATE);
        f.put("time", a.getEventTime().toEpochMilli());
        f.put("severity_id", severityId(a.getSeverity()));
        f.put("severity", label(a.getSeverity().name()));
        f.put("status_id", 1);
        f.put("status", "New");
        f.put("is_alert", true);
        f.put("message", a.getSummary());

        ObjectNode metadata = f.putObject("metadata");
        metadata.put("version", OCSF_VERSION);
        ObjectNode product = metadata.putObject("product");
        product.put("name", "warden");
        product.put("vendor_name", "warden");
        metadata.put("uid", a.getAlertId());

        ObjectNode info = f.putObject("finding_info");
        info.put("uid", a.getAlertId());
        info.put("title", a.getKind().name());
        info.put("desc", a.getSummary());
        info.putArray("types").add(a.getKind().name());
        StringBuilder detectors = new StringBuilder();
        for (DetectorScore s : a.getScores()) {
            if (detectors.length() > 0) {
                detectors.append(", ");
            }
            detectors.append(s.getDetector());
        }
        ObjectNode analytic = info.putObject("analytic");
        analytic.put("name", detectors.toString());
        analytic.put("type_id", 99);
        analytic.put("type", "Other");
        if (a.getAtlasTechnique() != null) {
            ObjectNode attack = MAPPER.createObjectNode();
            ObjectNode technique = attack.putObject("technique");
            technique.put("uid", a.getAtlasTechnique());
            technique.put("src_url", "https://atlas.mitre.org/techniques/" + a.getAtlasTechnique());
            info.putArray("attacks").add(attack);
            f.putArray("attacks").add(attack.deepCopy());
        }

        ObjectNode model = f.putArray("resources").addObject();
        model.put("type", "ML Model");
        model.put("name", a.getModelName());
        if (a.getModelVersion() != null) {
            model.put("version", a.getModelVersion());
        }
        SubjectType subject = a.getSubject().getType();
        if (subject == SubjectType.CLIENT || subject == SubjectType.CONTRIBUTOR) {
            ObjectNode observable = f.putArray("observables").addObject();
            observable.put("name", subject.name().toLowerCase(Locale.ROOT) + "_id");
            observable.put("type_id", 99);
            observable.put("type", "Other");
            observable.put("value", a.getSubject().getId());
        }

        ObjectNode unmapped = f.putObject("unmapped");
        ObjectNode subjectNode = unmapped.putObject("subject");
        subjectNode.put("type", subject.name());
        subjectNode.put("id", a.getSubject().getId());
        ArrayNode scores = unmapped.putArray("scores");
        for (DetectorScore s : a.getScores()) {
            ObjectNode score = scores.addObject();
            score.put("detector", s.getDetector());
            score.put("score", s.getScore());
            score.put("threshold", s.getThreshold());
            if (s.getPValue() != null) {
                score.put("p_value", s.getPValue());
            }
            score.put("flagged", s.getFlagged());
        }
        ObjectNode evidence = unmapped.putObject("evidence");
        ArrayNode requests = evidence.putArray("request_ids");
        a.getEvidence().getRequestIds().forEach(requests::add);
        ArrayNode features = evidence.putArray("feature_names");
        a.getEvidence().getFeatureNames().forEach(features::add);
        ObjectNode details = evidence.putObject("details");
        for (Map.Entry<String, String> d : a.getEvidence().getDetails().entrySet()) {
            details.put(d.getKey(), d.getValue());
        }
        if (a.getProfileId() != null) {
            unmapped.put("profile_id", a.getProfileId());
        }
        return f;
    }

    /** OCSF severity ids: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
    static int severityId(Severity s) {
        return switch (s) {
            case INFO -> 1;
            case LOW -> 2;
            case MEDIUM -> 3;
            case HIGH -> 4;
            case CRITICAL -> 5;
        };
    }

    private static String label(String name) {
        return name.equals("INFO")
                ? "Informational"
                : name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
    }
}
