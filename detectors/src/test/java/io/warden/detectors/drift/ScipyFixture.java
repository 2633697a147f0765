package io.warden.detectors.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reference values computed by SciPy 1.10.1, NumPy 1.24.2 and statsmodels 0.13.5 (Debian bookworm)
 * with {@code generate_scipy_drift.py}, stored next to it as {@code scipy_drift.json}. The script
 * documents each section; the samples are stored in full, so Java reads exactly what SciPy saw.
 */
final class ScipyFixture {

    private static final JsonNode ROOT = load();

    private ScipyFixture() {}

    private static JsonNode load() {
        try (InputStream in = ScipyFixture.class.getResourceAsStream("scipy_drift.json")) {
            if (in == null) {
                throw new IllegalStateException("scipy_drift.json is missing from test resources");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entries of a top-level section, e.g. {@code ks_pairs}. */
    static List<JsonNode> section(String name) {
        JsonNode node = ROOT.get(name);
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new IllegalStateException("fixture section " + name + " is missing or empty");
        }
        List<JsonNode> entries = new ArrayList<>();
        node.forEach(entries::add);
        return entries;
    }

    /** The entry of {@code ks_pairs} with the given name. */
    static JsonNode pair(String name) {
        for (JsonNode p : section("ks_pairs")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no ks pair named " + name);
    }

    static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).doubleValue();
        }
        return values;
    }

    static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).longValue();
        }
        return values;
    }

    static boolean[] booleans(JsonNode array) {
        boolean[] values = new boolean[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).booleanValue();
        }
        return values;
    }
}
