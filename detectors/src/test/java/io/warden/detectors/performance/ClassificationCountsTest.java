package io.warden.detectors.performance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassificationCountsTest {
    private static final JsonNode FIXTURE = SklearnPerformanceFixture.load();

    private static ClassificationCounts count(JsonNode c) {
        ClassificationCounts counts =
                new ClassificationCounts(c.get("classes").asInt(), c.get("bins").asInt());
        for (int i = 0; i < c.get("predicted").size(); i++) {
            counts.add(
                    c.get("predicted").get(i).asInt(),
                    c.get("actual").get(i).asInt(),
                    c.get("confidence").get(i).asDouble());
        }
        return counts;
    }

    @Test
    void accuracyRecallPrecisionAndCalibrationErrorMatchScikitLearn() {
        for (JsonNode c : FIXTURE.get("cases")) {
            ClassificationCounts counts = count(c);
            String seed = "seed " + c.get("seed");
            int n = c.get("predicted").size();
            assertThat(counts.predictions()).as(seed).isEqualTo(n);
            assertThat(counts.labelled()).as(seed).isEqualTo(n);
            assertThat(counts.labelCoverage()).as(seed).isEqualTo(1.0);
            assertThat(counts.accuracy())
                    .as(seed)
                    .isCloseTo(c.get("accuracy").asDouble(), within(1e-12));
            for (int k = 0; k < counts.classes(); k++) {
                double recall = counts.recall(k);
                if (c.get("recall_defined").get(k).asBoolean()) {
                    assertThat(recall)
                            .as(seed + " recall of class " + k)
                            .isCloseTo(c.get("recall").get(k).asDouble(), within(1e-12));
                } else {
                    assertThat(recall).as(seed + " recall of class " + k).isNaN();
                }
                double precision = counts.precision(k);
                if (c.get("precision_defined").get(k).asBoolean()) {
                    assertThat(precision)
                            .as(seed + " precision of class " + k)
                            .isCloseTo(c.get("precision").get(k).asDouble(), within(1e-12));
                } else {
                    assertThat(precision).as(seed + " precision of class " + k).isNaN();
                }
            }
            assertThat(counts.expectedCalibrationError())
                    .as(seed + " ECE")
                    .isCloseTo(c.get("ece").asDouble(), within(1e-9));
            assertThat(counts.meanConfidence())
                    .as(seed + " mean confidence")
                    .isCloseTo(c.get("mean_confidence").asDouble(), within(1e-9));
        }
    }

    @Test
    void theFixtureHasClassesWithoutSupportOrPredictions() {
        JsonNode sparse = FIXTURE.get("cases").get(3);
        assertThat(sparse.get("recall_defined").toString()).contains("false");
        assertThat(sparse.get("precision_defined").toString()).contains("false");
    }

    @Test
    void countsDoNotDependOnOrderAndShardsMergeIntoTheWhole() {
        JsonNode c = FIXTURE.get("cases").get(1);
        ClassificationCounts whole = count(c);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < c.get("predicted").size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(7));
        ClassificationCounts a = new ClassificationCounts(whole.classes(), whole.bins());
        ClassificationCounts b = new ClassificationCounts(whole.classes(), whole.bins());
        for (int j = 0; j < order.size(); j++) {
            int i = order.get(j);
            (j % 3 == 0 ? a : b)
                    .add(
                            c.get("predicted").get(i).asInt(),
                            c.get("actual").get(i).asInt(),
                            c.get("confidence").get(i).asDouble());
        }
        a.merge(b);
        assertThat(a).isEqualTo(whole);
        assertThat(a.expectedCalibrationError()).isEqualTo(whole.expectedCalibrationError());
    }

    @Test
    void unlabelledPredictionsCountOnlyTowardsCoverage() {
        ClassificationCounts counts = new ClassificationCounts(2, 10);
        counts.add(1, 1, 0.9);
        counts.add(0, 1, 0.6);
        counts.addUnlabelled();
        counts.addUnlabelled();
        assertThat(counts.predictions()).isEqualTo(4);
        assertThat(counts.labelled()).isEqualTo(2);
        assertThat(counts.labelCoverage()).isEqualTo(0.5);
        assertThat(counts.accuracy()).isEqualTo(0.5);
        // Bins 9 (0.9, right) and 6 (0.6, wrong): (|1 - 0.9| + |0 - 0.6|) / 2.
        assertThat(counts.expectedCalibrationError()).isCloseTo(0.35, within(1e-12));
    }

    @Test
    void confidenceOneFallsInTheLastBin() {
        ClassificationCounts counts = new ClassificationCounts(2, 10);
        counts.add(0, 0, 1.0);
        assertThat(counts.getBinRows()[9]).isEqualTo(1);
        assertThat(counts.expectedCalibrationError()).isZero();
    }

    @Test
    void withoutLabelsEveryRateIsNaN() {
        ClassificationCounts counts = new ClassificationCounts(3, 10);
        assertThat(counts.labelCoverage()).isNaN();
        counts.addUnlabelled();
        assertThat(counts.labelCoverage()).isZero();
        assertThat(counts.accuracy()).isNaN();
        assertThat(counts.recall(0)).isNaN();
        assertThat(counts.precision(0)).isNaN();
        assertThat(counts.expectedCalibrationError()).isNaN();
        assertThat(counts.meanConfidence()).isNaN();
    }

    @Test
    void rejectsWhatIsNotAClassOrAConfidence() {
        ClassificationCounts counts = new ClassificationCounts(3, 10);
        assertThatThrownBy(() -> counts.add(3, 0, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("predicted class 3 is not in [0, 3)");
        assertThatThrownBy(() -> counts.add(0, -1, 0.5)).hasMessageContaining("actual class -1");
        assertThatThrownBy(() -> counts.add(0, 0, Double.NaN))
                .hasMessageContaining("confidence must be in [0, 1]");
        assertThatThrownBy(() -> new ClassificationCounts(1, 10)).hasMessageContaining("classes");
        assertThatThrownBy(() -> new ClassificationCounts(2, 0)).hasMessageContaining("bins");
        assertThatThrownBy(() -> counts.merge(new ClassificationCounts(3, 15)))
                .hasMessageContaining("cannot merge counts of 3 classes / 15 bins");
    }
}
