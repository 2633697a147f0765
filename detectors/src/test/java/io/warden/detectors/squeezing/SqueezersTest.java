package io.warden.detectors.squeezing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Against SciPy's median filter and NumPy's rounding, by generate_scipy_squeezing.py. */
class SqueezersTest {

    private static JsonNode fixture(String section) throws IOException {
        try (InputStream in = SqueezersTest.class.getResourceAsStream("scipy_squeezing.json")) {
            assertThat(in).as("fixture").isNotNull();
            JsonNode node = new ObjectMapper().readTree(in).get(section);
            assertThat(node.size()).isPositive();
            return node;
        }
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    @Test
    void medianSmoothingMatchesScipyReflectMode() throws IOException {
        JsonNode cases = fixture("median");
        assertThat(cases.size()).isGreaterThanOrEqualTo(8);
        for (JsonNode c : cases) {
            MedianSmoothing m =
                    new MedianSmoothing(
                            c.get("height").asInt(),
                            c.get("width").asInt(),
                            c.get("window").asInt());
            float[] image = floats(c.get("image"));
            // Squeeze from the middle of a larger array, to check offsets too.
            float[] in = new float[image.length + 3];
            System.arraycopy(image, 0, in, 3, image.length);
            float[] out = new float[image.length + 5];
            m.squeeze(in, 3, out, 5, image.length);
            float[] got = java.util.Arrays.copyOfRange(out, 5, out.length);
            assertThat(got).as("%s", m).containsExactly(floats(c.get("smoothed")));
        }
    }

    @Test
    void bitDepthReductionMatchesNumpy() throws IOException {
        for (JsonNode c : fixture("bit_depth")) {
            BitDepthReduction b =
                    new BitDepthReduction(
                            c.get("bits").asInt(),
                            c.get("min").asDouble(),
                            c.get("max").asDouble());
            float[] x = floats(c.get("x"));
            float[] out = new float[x.length];
            b.squeeze(x, 0, out, 0, x.length);
            assertThat(out).as("%s", b).containsExactly(floats(c.get("squeezed")));
        }
    }

    @Test
    void roundingGoesToTheNearestMultipleOfEachStep() {
        Rounding r = new Rounding(new double[] {0.5, 10});
        float[] out = new float[2];
        r.squeeze(new float[] {1.3f, 26f}, 0, out, 0, 2);
        assertThat(out).containsExactly(1.5f, 30f);
        Rounding.to(0.25).squeeze(new float[] {0.1f, -0.2f}, 0, out, 0, 2);
        assertThat(out).containsExactly(0f, -0.25f);
        assertThatThrownBy(() -> r.squeeze(new float[3], 0, new float[3], 0, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 steps");
    }

    @Test
    void rejectsImpossibleSettings() {
        assertThatThrownBy(() -> new BitDepthReduction(0, 0, 1)).hasMessageContaining("bits");
        assertThatThrownBy(() -> new BitDepthReduction(4, 1, 1)).hasMessageContaining("range");
        assertThatThrownBy(() -> new MedianSmoothing(8, 8, 9)).hasMessageContaining("window");
        assertThatThrownBy(() -> new Rounding(new double[] {0})).hasMessageContaining("step 0");
        assertThatThrownBy(
                        () ->
                                new MedianSmoothing(8, 8, 2)
                                        .squeeze(new float[30], 0, new float[30], 0, 30))
                .hasMessageContaining("8x8");
    }
}
