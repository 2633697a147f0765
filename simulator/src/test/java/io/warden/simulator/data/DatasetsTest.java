package io.warden.simulator.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vendored data sets against the facts scikit-learn's descriptions state (row, feature and
 * class counts, value ranges) and the first rows of the files, and the stratified split.
 */
class DatasetsTest {

    @Test
    void shouldLoadTheDigitsAsScikitLearnDescribesThem() {
        Dataset digits = Datasets.digits();
        assertThat(digits.size()).isEqualTo(1797);
        assertThat(digits.featureCount()).isEqualTo(64);
        assertThat(digits.classNames())
                .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        // Per-class counts of scikit-learn's load_digits().
        assertThat(digits.classCounts())
                .containsExactly(178, 182, 177, 183, 181, 182, 181, 179, 174, 180);
        assertThat(digits.featureNames().get(0)).isEqualTo("pixel_0_0");
        assertThat(digits.featureNames().get(63)).isEqualTo("pixel_7_7");
        assertThat(digits.row(0)).startsWith(0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5);
        assertThat(digits.label(0)).isZero();
        FeatureBox box = Datasets.digitsBox();
        for (int r = 0; r < digits.size(); r++) {
            assertThat(box.contains(digits.row(r))).isTrue();
            for (double v : digits.row(r)) {
                assertThat(v).isEqualTo(Math.rint(v));
            }
        }
    }

    @Test
    void shouldLoadTheBreastCancerSetAsScikitLearnDescribesIt() {
        Dataset cancer = Datasets.breastCancer();
        assertThat(cancer.size()).isEqualTo(569);
        assertThat(cancer.featureCount()).isEqualTo(30);
        assertThat(cancer.classNames()).containsExactly("malignant", "benign");
        assertThat(cancer.classCounts()).containsExactly(212, 357);
        assertThat(cancer.featureNames().get(0)).isEqualTo("mean radius");
        assertThat(cancer.featureNames().get(29)).isEqualTo("worst fractal dimension");
        assertThat(cancer.row(0)[0]).isEqualTo(17.99f);
        assertThat(cancer.row(0)[29]).isEqualTo(0.1189f);
        assertThat(cancer.label(0)).isZero();
        // Min and max of "mean area" and "worst area" in the description's summary table.
        FeatureBox box = FeatureBox.of(cancer);
        assertThat(box.lower(3)).isEqualTo(143.5f);
        assertThat(box.upper(3)).isEqualTo(2501f);
        assertThat(box.upper(23)).isEqualTo(4254f);
    }

    @Test
    void shouldDocumentThePinnedDigestsNextToTheFiles() throws IOException {
        String doc;
        try (InputStream in = Datasets.class.getResourceAsStream("DATASETS.md")) {
            assertThat(in).isNotNull();
            doc = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(doc).contains(Datasets.DIGITS_SHA256).contains(Datasets.BREAST_CANCER_SHA256);
    }

    @Test
    void shouldSplitEachClassInTheGivenShare() {
        Dataset digits = Datasets.digits();
        Dataset.Split split = Datasets.stratifiedSplit(digits, 0.25, 42);
        int[] all = digits.classCounts();
        int[] test = split.test().classCounts();
        int[] train = split.train().classCounts();
        for (int c = 0; c < all.length; c++) {
            assertThat(test[c]).isEqualTo(Math.round(all[c] * 0.25));
            assertThat(train[c] + test[c]).isEqualTo(all[c]);
        }
    }

    @Test
    void shouldPartitionTheRows() {
        Dataset cancer = Datasets.breastCancer();
        Dataset.Split split = Datasets.stratifiedSplit(cancer, 0.3, 5);
        // Every row lands on exactly one side: compare the multisets of (row, label).
        Map<String, Integer> counts = new HashMap<>();
        for (int r = 0; r < cancer.size(); r++) {
            counts.merge(key(cancer, r), 1, Integer::sum);
        }
        for (Dataset part : new Dataset[] {split.train(), split.test()}) {
            for (int r = 0; r < part.size(); r++) {
                counts.merge(key(part, r), -1, Integer::sum);
            }
        }
        assertThat(counts.values()).allMatch(c -> c == 0);
    }

    private static String key(Dataset data, int r) {
        return Arrays.toString(data.row(r)) + "/" + data.label(r);
    }

    @Test
    void shouldSplitTheSameWayForTheSameSeedOnly() {
        Dataset digits = Datasets.digits();
        Dataset.Split a = Datasets.stratifiedSplit(digits, 0.25, 1);
        Dataset.Split b = Datasets.stratifiedSplit(digits, 0.25, 1);
        Dataset.Split c = Datasets.stratifiedSplit(digits, 0.25, 2);
        assertThat(a.test().features()).isDeepEqualTo(b.test().features());
        assertThat(a.test().labels()).isEqualTo(b.test().labels());
        assertThat(a.test().features()).isNotEqualTo(c.test().features());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 1, -0.1, Double.NaN})
    void shouldRefuseATestFractionOutsideTheOpenUnitInterval(double fraction) {
        assertThatThrownBy(() -> Datasets.stratifiedSplit(Datasets.breastCancer(), fraction, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("testFraction");
    }

    @Test
    void shouldClipIntoTheBox() {
        FeatureBox box = FeatureBox.of(new double[] {0, -1}, new double[] {1, 1});
        double[] x = {2, -3};
        assertThat(box.contains(x)).isFalse();
        assertThat(box.clip(x)).containsExactly(1, -1);
        assertThat(box.contains(x)).isTrue();
        assertThatThrownBy(() -> FeatureBox.of(new double[] {1}, new double[] {0}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
