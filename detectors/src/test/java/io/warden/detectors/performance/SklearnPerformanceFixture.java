package io.warden.detectors.performance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The reference values computed by scikit-learn and SciPy with {@code
 * generate_sklearn_performance.py}, stored next to it as {@code sklearn_performance.json}.
 */
final class SklearnPerformanceFixture {
    private SklearnPerformanceFixture() {}

    static JsonNode load() {
        try (InputStream in =
                SklearnPerformanceFixture.class.getResourceAsStream("sklearn_performance.json")) {
            if (in == null) {
                throw new IllegalStateException(
                        "sklearn_performance.json is missing from test resources");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
