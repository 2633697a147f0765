package io.warden.detectors.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class AucTest {
    @Test
    void shouldCountPairsWithTiesAsHalfByHand() {
        // positives above negatives: 0.35 beats 3, 0.5 and 0.6 beat 4 each, 0.2 beats 1 and ties 1
        double auc = Auc.of(new double[] {0.35, 0.5, 0.6, 0.2}, new double[] {0.1, 0.2, 0.3, 0.4});

        assertThat(auc).isEqualTo(12.5 / 16);
    }

    @Test
    void shouldBeOneForPerfectSeparationZeroForReversedAndHalfForConstantScores() {
        assertThat(Auc.of(new double[] {5, 6}, new double[] {1, 2, 3})).isEqualTo(1.0);
        assertThat(Auc.of(new double[] {1, 2}, new double[] {5, 6, 7})).isEqualTo(0.0);
        assertThat(Auc.of(new double[] {3, 3}, new double[] {3, 3, 3})).isEqualTo(0.5);
        assertThat(Auc.of(new double[] {-0.0}, new double[] {0.0})).as("one score").isEqualTo(0.5);
    }

    @Test
    void shouldBeNaNWithoutPositivesOrNegativesAndRejectNaNScores() {
        assertThat(Auc.of(new double[0], new double[] {1})).isNaN();
        assertThat(Auc.of(new double[] {1}, new double[0])).isNaN();
        assertThatThrownBy(() -> Auc.of(new double[] {Double.NaN}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldMatchScikitLearnRocAucScore() throws Exception {
        JsonNode fixture;
        try (InputStream in = AucTest.class.getResourceAsStream("auc-sklearn.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        assertThat(fixture.get("cases")).hasSize(4);
        for (JsonNode c : fixture.get("cases")) {
            double auc = Auc.of(doubles(c.get("positives")), doubles(c.get("negatives")));
            assertThat(auc)
                    .as(c.get("name").asText())
                    .isCloseTo(c.get("auc").asDouble(), within(1e-12));
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
