package io.warden.jobs.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warden.detectors.evaluation.WardenOutputs;
import io.warden.schemas.Alert;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.DriftReport;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.codec.CodecException;
import io.warden.schemas.codec.JsonCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns warden's records into the plain values {@code warden evaluate} judges: alerts, quarantine
 * decisions and drift reports, and the requests warden saw, from score records (with their
 * per-request scores) or from the traffic itself (inference requests or events). Other records
 * (performance reports, dead letters, responses, feedback) are counted and skipped.
 *
 * <p>Files are JSON Lines in warden JSON (what {@code warden tail --json} prints: the record type
 * of each line is told by its fields) or Avro container files of one record type.
 */
public final class OutputRecords {
    private static final byte[] AVRO_CONTAINER_MAGIC = {'O', 'b', 'j', 1};
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OutputRecords() {}

    /**
     * Adds a record to {@code out}.
     *
     * @return false for a record of a type evaluation does not use
     */
    public static boolean add(WardenOutputs out, SpecificRecord record) {
        if (record instanceof Alert a) {
            out.add(alert(a));
        } else if (record instanceof QuarantineDecision d) {
            out.add(
                    new WardenOutputs.Decision(
                            d.getDecisionId(),
                            d.getAction().name(),
                            d.getTarget().getType().name(),
                            d.getTarget().getId(),
                            d.getModelName(),
                            d.getEventTime()));
        } else if (record instanceof DriftReport r) {
            out.add(
                    new WardenOutputs.DriftReport(
                            r.getReportId(),
                            r.getModelName(),
                            r.getWindow().getStart(),
                            r.getWindow().getEnd(),
                            r.getDrifted()));
        } else if (record instanceof ScoreRecord s) {
            Map<String, Double> anomaly = new HashMap<>();
            for (DetectorScore d : s.getScores()) {
                // larger = more anomalous: a small p-value, else a large score
                anomaly.put(d.getDetector(), d.getPValue() != null ? -d.getPValue() : d.getScore());
            }
            out.add(
                    request(
                            s.getRequestId(),
                            s.getClientId(),
                            s.getModelName(),
                            s.getEventTime(),
                            anomaly));
        } else if (record instanceof InferenceRequest r) {
            out.add(
                    request(
                            r.getRequestId(),
                            r.getClientId(),
                            r.getModelName(),
                            r.getEventTime(),
                            Map.of()));
        } else if (record instanceof InferenceEvent e) {
            out.add(
                    request(
                            e.getRequestId(),
                            e.getClientId(),
                            e.getModelName(),
                            e.getEventTime(),
                            Map.of()));
        } else {
            return false;
        }
        return true;
    }

    private static WardenOutputs.Request request(
            String id, String client, String model, Instant time, Map<String, Double> anomaly) {
        return new WardenOutputs.Request(id, client, model, time, anomaly);
    }

    /**
     * An alert as a plain value; its detectors are those of its scores that flagged (all of them
     * when none says so), or the kind when it has no scores.
     */
    static WardenOutputs.Alert alert(Alert a) {
        List<String> flagged = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (DetectorScore s : a.getScores()) {
            all.add(s.getDetector());
            if (s.getFlagged()) {
                flagged.add(s.getDetector());
            }
        }
        List<String> detectors =
                !flagged.isEmpty() ? flagged : !all.isEmpty() ? all : List.of(a.getKind().name());
        return new WardenOutputs.Alert(
                a.getAlertId(),
                a.getKind().name(),
                a.getSubject().getType().name(),
                a.getSubject().getId(),
                a.getModelName(),
                a.getEventTime(),
                a.getWindow() == null ? null : a.getWindow().getStart(),
                a.getWindow() == null ? null : a.getWindow().getEnd(),
                detectors,
                a.getEvidence() == null ? Map.of() : a.getEvidence().getDetails());
    }

    /**
     * The record type of a line of warden JSON, told by its fields; null for a type evaluation does
     * not use.
     */
    static Class<? extends SpecificRecord> typeOf(JsonNode n) {
        if (n.has("alert_id")) {
            return Alert.class;
        }
        if (n.has("decision_id")) {
            return QuarantineDecision.class;
        }
        if (n.has("report_id")) {
            return n.has("label_wait_ms") ? null : DriftReport.class;
        }
        if (n.has("request_id") && !n.has("feedback_id") && !n.has("reason_code")) {
            boolean inputs = n.has("inputs");
            boolean outputs = n.has("outputs");
            if (inputs) {
                return outputs ? InferenceEvent.class : InferenceRequest.class;
            }
            return outputs ? null : ScoreRecord.class;
        }
        return null;
    }

    /** Records read from a file: used, and skipped as of a type evaluation does not use. */
    public record FileCounts(long used, long skipped) {}

    /**
     * Reads a JSON Lines or Avro container file into {@code out}.
     *
     * @throws CodecException naming the file and line of a line that is not a warden record
     */
    public static FileCounts read(Path file, WardenOutputs out) throws IOException, CodecException {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n == 4 && Arrays.equals(head, AVRO_CONTAINER_MAGIC)) {
                return readAvro(file, out);
            }
        }
        long used = 0;
        long skipped = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode node = MAPPER.readTree(line);
                    Class<? extends SpecificRecord> type = node.isObject() ? typeOf(node) : null;
                    if (type == null) {
                        skipped++;
                    } else {
                        add(out, JsonCodec.standard().fromJsonNode(node, type));
                        used++;
                    }
                } catch (IOException | CodecException e) {
                    throw new CodecException(file + ":" + number + ": " + e.getMessage(), e);
                }
            }
        }
        return new FileCounts(used, skipped);
    }

    private static FileCounts readAvro(Path file, WardenOutputs out) throws IOException {
        long used = 0;
        long skipped = 0;
        try (DataFileReader<SpecificRecord> reader =
                new DataFileReader<>(file.toFile(), new SpecificDatumReader<>())) {
            for (SpecificRecord r : reader) {
                if (add(out, r)) {
                    used++;
                } else {
                    skipped++;
                }
            }
        }
        return new FileCounts(used, skipped);
    }
}
