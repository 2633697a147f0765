package io.warden.detectors.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What really happened in a stretch of traffic: the attackers, the attack requests, the poisoners
 * and their records, and the drift periods. Read from (and written as) JSON Lines, one object per
 * line discriminated by {@code "kind"} ({@code client}, {@code request}, {@code contributor},
 * {@code feedback}, {@code drift}); the format is documented in {@code docs/evaluation.md}.
 *
 * <p>Whatever is not listed is benign: a client, request, contributor or feedback record without an
 * entry is benign (honest), a time outside every drift period has no drift. Roles and attack names
 * are free strings ({@code benign} and {@code honest} are the benign ones), so a new attack needs
 * no new code; unknown fields are ignored and lines of an unknown kind are counted and skipped, so
 * newer writers stay readable.
 *
 * <p>Immutable once read.
 */
public final class GroundTruth {
    /** The role of a client that is not an attacker. */
    public static final String BENIGN = "benign";

    /** The role of a contributor that does not poison. */
    public static final String HONEST = "honest";

    /**
     * A client of a model and what it really is.
     *
     * @param model the model it queries; null: any model
     * @param role {@code benign}, {@code evasion}, {@code query-attack}, {@code extraction}, ...
     * @param firstTime its first request (null: unknown), the start of "time until caught"
     * @param attack free-form parameters of the attack (empty for none)
     */
    public record Client(
            String model,
            String clientId,
            String role,
            Instant firstTime,
            Instant lastTime,
            Map<String, Object> attack) {
        public Client {
            Objects.requireNonNull(clientId, "client_id");
            Objects.requireNonNull(role, "role");
            attack =
                    attack == null
                            ? Map.of()
                            : Collections.unmodifiableMap(new LinkedHashMap<>(attack));
        }

        /** True unless the role is {@link #BENIGN}. */
        public boolean attacker() {
            return !BENIGN.equals(role);
        }
    }

    /**
     * One attack request.
     *
     * @param attack {@code evasion}, {@code query-attack}, {@code extraction}, ...
     * @param method how it was made ({@code fgsm}, {@code pgd}, {@code hopskipjump}, ...), or null
     * @param fooled whether it changed the model's answer, or null when not known
     */
    public record Request(
            String requestId,
            String clientId,
            String model,
            String attack,
            String method,
            Boolean fooled) {
        public Request {
            Objects.requireNonNull(requestId, "request_id");
            Objects.requireNonNull(attack, "attack");
        }
    }

    /** A contributor of feedback labels and what it really is ({@code honest}, ...). */
    public record Contributor(String model, String contributorId, String role) {
        public Contributor {
            Objects.requireNonNull(contributorId, "contributor_id");
            Objects.requireNonNull(role, "role");
        }

        /** True unless the role is {@link #HONEST}. */
        public boolean poisoner() {
            return !HONEST.equals(role);
        }
    }

    /** One poisoned feedback record ({@code label-flip}, {@code backdoor}, ...). */
    public record Feedback(String feedbackId, String contributorId, String model, String attack) {
        public Feedback {
            Objects.requireNonNull(feedbackId, "feedback_id");
            Objects.requireNonNull(attack, "attack");
        }
    }

    /** A period [start, end) of known drift in a model's traffic. */
    public record Drift(
            String model, String segment, Instant start, Instant end, List<String> features) {
        public Drift {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            if (!start.isBefore(end)) {
                throw new IllegalArgumentException(
                        "drift start " + start + " must be before its end " + end);
            }
            features = features == null ? List.of() : List.copyOf(features);
        }

        /** True when {@code t} lies in [start, end). */
        public boolean covers(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> FREE_FORM = new TypeReference<>() {};

    private final List<Client> clients;
    private final Map<String, Request> requests;
    private final List<Contributor> contributors;
    private final Map<String, Feedback> feedback;
    private final List<Drift> drifts;
    private final Map<String, Integer> skippedKinds;

    private GroundTruth(
            List<Client> clients,
            Map<String, Request> requests,
            List<Contributor> contributors,
            Map<String, Feedback> feedback,
            List<Drift> drifts,
            Map<String, Integer> skippedKinds) {
        this.clients = List.copyOf(clients);
        this.requests = Map.copyOf(requests);
        this.contributors = List.copyOf(contributors);
        this.feedback = Map.copyOf(feedback);
        this.drifts = List.copyOf(drifts);
        this.skippedKinds = Map.copyOf(skippedKinds);
    }

    /** A truth of these entries (e.g. built by a traffic generator before it writes them). */
    public static GroundTruth of(List<?> entries) {
        Builder b = new Builder();
        entries.forEach(b::add);
        return b.build();
    }

    /**
     * Reads a ground-truth file.
     *
     * @throws GroundTruthException naming the file and line of an entry that is not valid
     */
    public static GroundTruth read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        }
    }

    /** Reads JSON Lines from {@code in}; {@code source} names it in errors. */
    public static GroundTruth read(Reader in, String source) throws IOException {
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        Builder b = new Builder();
        int number = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                b.add(MAPPER.readTree(line));
            } catch (JsonProcessingException e) {
                throw new GroundTruthException(
                        source + ":" + number + ": not JSON: " + e.getOriginalMessage(), e);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new GroundTruthException(source + ":" + number + ": " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /** Every entry, by kind (clients, requests, contributors, feedback, drift) in read order. */
    public List<Object> entries() {
        List<Object> out = new ArrayList<>();
        out.addAll(clients);
        out.addAll(requests.values());
        out.addAll(contributors);
        out.addAll(feedback.values());
        out.addAll(drifts);
        return out;
    }

    /** Writes every entry as JSON Lines (UTF-8). */
    public void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        entries().forEach(e -> lines.add(toJsonLine(e)));
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** One entry as a line of the file (without the line break). */
    public static String toJsonLine(Object entry) {
        ObjectNode o = MAPPER.createObjectNode();
        if (entry instanceof Client c) {
            o.put("kind", "client");
            putIfPresent(o, "model", c.model());
            o.put("client_id", c.clientId());
            o.put("role", c.role());
            putIfPresent(o, "first_time", c.firstTime());
            putIfPresent(o, "last_time", c.lastTime());
            if (!c.attack().isEmpty()) {
                o.set("attack", MAPPER.valueToTree(new TreeMap<>(c.attack())));
            }
        } else if (entry instanceof Request r) {
            o.put("kind", "request");
            o.put("request_id", r.requestId());
            putIfPresent(o, "client_id", r.clientId());
            putIfPresent(o, "model", r.model());
            o.put("attack", r.attack());
            putIfPresent(o, "method", r.method());
            if (r.fooled() != null) {
                o.put("fooled", r.fooled());
            }
        } else if (entry instanceof Contributor c) {
            o.put("kind", "contributor");
            putIfPresent(o, "model", c.model());
            o.put("contributor_id", c.contributorId());
            o.put("role", c.role());
        } else if (entry instanceof Feedback f) {
            o.put("kind", "feedback");
            o.put("feedback_id", f.feedbackId());
            putIfPresent(o, "contributor_id", f.contributorId());
            putIfPresent(o, "model", f.model());
            o.put("attack", f.attack());
        } else if (entry instanceof Drift d) {
            o.put("kind", "drift");
            o.put("model", d.model());
            putIfPresent(o, "segment", d.segment());
            o.put("start", d.start().toString());
            o.put("end", d.end().toString());
            o.set("features", MAPPER.valueToTree(d.features()));
        } else {
            throw new IllegalArgumentException("not a ground-truth entry: " + entry);
        }
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void putIfPresent(ObjectNode o, String field, Object value) {
        if (value != null) {
            o.put(field, value.toString());
        }
    }

    public List<Client> clients() {
        return clients;
    }

    /** The attack requests by request id. */
    public Map<String, Request> requests() {
        return requests;
    }

    public List<Contributor> contributors() {
        return contributors;
    }

    /** The poisoned feedback records by feedback id. */
    public Map<String, Feedback> feedback() {
        return feedback;
    }

    public List<Drift> drifts() {
        return drifts;
    }

    /** Lines of a kind this reader does not know, by kind: skipped. */
    public Map<String, Integer> skippedKinds() {
        return skippedKinds;
    }

    /** The entry of a client of a model: the model's own, else one for any model, else null. */
    public Client client(String model, String clientId) {
        return find(clients, Client::clientId, Client::model, clientId, model);
    }

    /** True when the client is listed with an attacking role (for this model or any). */
    public boolean isAttacker(String model, String clientId) {
        Client c = client(model, clientId);
        return c != null && c.attacker();
    }

    /** The entry of a contributor: the model's own, else one for any model, else null. */
    public Contributor contributor(String model, String contributorId) {
        return find(
                contributors, Contributor::contributorId, Contributor::model, contributorId, model);
    }

    /**
     * The entry with this id for this model, else the one with this id for any model, else null.
     */
    private static <T> T find(
            List<T> entries,
            Function<T, String> idOf,
            Function<T, String> modelOf,
            String id,
            String model) {
        T any = null;
        for (T e : entries) {
            if (idOf.apply(e).equals(id)) {
                if (Objects.equals(modelOf.apply(e), model)) {
                    return e;
                }
                if (modelOf.apply(e) == null) {
                    any = e;
                }
            }
        }
        return any;
    }

    /** The drift periods of a model. */
    public List<Drift> drifts(String model) {
        return drifts.stream().filter(d -> d.model().equals(model)).toList();
    }

    /** Collects entries, given as values or as parsed JSON lines. */
    private static final class Builder {
        final List<Client> clients = new ArrayList<>();
        final Map<String, Request> requests = new LinkedHashMap<>();
        final List<Contributor> contributors = new ArrayList<>();
        final Map<String, Feedback> feedback = new LinkedHashMap<>();
        final List<Drift> drifts = new ArrayList<>();
        final Map<String, Integer> skipped = new HashMap<>();

        void add(Object entry) {
            if (entry instanceof JsonNode node) {
                addJson(node);
            } else if (entry instanceof Client c) {
                if (clients.stream()
                        .anyMatch(
                                x ->
                                        x.clientId().equals(c.clientId())
                                                && Objects.equals(x.model(), c.model()))) {
                    throw new IllegalArgumentException(
                            "client " + c.clientId() + " of model " + c.model() + " listed twice");
                }
                clients.add(c);
            } else if (entry instanceof Request r) {
                if (requests.putIfAbsent(r.requestId(), r) != null) {
                    throw new IllegalArgumentException(
                            "request " + r.requestId() + " listed twice");
                }
            } else if (entry instanceof Contributor c) {
                contributors.add(c);
            } else if (entry instanceof Feedback f) {
                if (feedback.putIfAbsent(f.feedbackId(), f) != null) {
                    throw new IllegalArgumentException(
                            "feedback " + f.feedbackId() + " listed twice");
                }
            } else if (entry instanceof Drift d) {
                drifts.add(d);
            } else {
                throw new IllegalArgumentException("not a ground-truth entry: " + entry);
            }
        }

        private void addJson(JsonNode n) {
            if (!n.isObject()) {
                throw new IllegalArgumentException("expected a JSON object, got " + n);
            }
            String kind = required(n, "kind");
            switch (kind) {
                case "client" -> {
                    JsonNode a = n.get("attack");
                    Map<String, Object> attack =
                            a != null && a.isObject()
                                    ? MAPPER.convertValue(a, FREE_FORM)
                                    : Map.of();
                    add(
                            new Client(
                                    optional(n, "model"),
                                    required(n, "client_id"),
                                    required(n, "role"),
                                    time(n, "first_time", false),
                                    time(n, "last_time", false),
                                    attack));
                }
                case "request" -> {
                    JsonNode fooled = n.get("fooled");
                    add(
                            new Request(
                                    required(n, "request_id"),
                                    optional(n, "client_id"),
                                    optional(n, "model"),
                                    required(n, "attack"),
                                    optional(n, "method"),
                                    fooled == null || fooled.isNull() ? null : fooled.asBoolean()));
                }
                case "contributor" ->
                        add(
                                new Contributor(
                                        optional(n, "model"),
                                        required(n, "contributor_id"),
                                        required(n, "role")));
                case "feedback" ->
                        add(
                                new Feedback(
                                        required(n, "feedback_id"),
                                        optional(n, "contributor_id"),
                                        optional(n, "model"),
                                        required(n, "attack")));
                case "drift" -> {
                    List<String> features = new ArrayList<>();
                    JsonNode f = n.get("features");
                    if (f != null && f.isArray()) {
                        f.forEach(x -> features.add(x.asText()));
                    }
                    add(
                            new Drift(
                                    required(n, "model"),
                                    optional(n, "segment"),
                                    time(n, "start", true),
                                    time(n, "end", true),
                                    features));
                }
                default -> skipped.merge(kind, 1, Integer::sum);
            }
        }

        GroundTruth build() {
            return new GroundTruth(clients, requests, contributors, feedback, drifts, skipped);
        }

        private static String required(JsonNode n, String field) {
            String v = optional(n, field);
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("missing \"" + field + "\" in " + n);
            }
            return v;
        }

        private static String optional(JsonNode n, String field) {
            JsonNode v = n.get(field);
            return v == null || v.isNull() ? null : v.asText();
        }

        /** ISO-8601 (any offset) or epoch milliseconds. */
        private static Instant time(JsonNode n, String field, boolean required) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                if (required) {
                    throw new IllegalArgumentException("missing \"" + field + "\" in " + n);
                }
                return null;
            }
            if (v.isIntegralNumber()) {
                return Instant.ofEpochMilli(v.asLong());
            }
            try {
                return OffsetDateTime.parse(v.asText()).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "\""
                                + field
                                + "\" is not an ISO-8601 time with offset or epoch milliseconds: "
                                + v,
                        e);
            }
        }
    }
}
