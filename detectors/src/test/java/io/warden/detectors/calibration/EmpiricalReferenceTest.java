package io.warden.detectors.calibration;

import static io.warden.detectors.core.Direction.HIGH_IS_ANOMALOUS;
import static io.warden.detectors.core.Direction.LOW_IS_ANOMALOUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EmpiricalReferenceTest {

    /** Many ties (small integers) plus a few continuous values, in no particular order. */
    private static double[] sampleWithTies(long seed, int n) {
        Random random = new Random(seed);
        double[] sample = new double[n];
        for (int i = 0; i < n; i++) {
            sample[i] = i % 7 == 0 ? random.nextGaussian() * 5 : random.nextInt(12);
        }
        return sample;
    }

    /** Queries on, between, below and above the sample's values. */
    private static List<Double> queries(double[] sample) {
        List<Double> queries = new ArrayList<>();
        for (double v : sample) {
            queries.add(v);
            queries.add(v + 0.25);
            queries.add(v - 0.25);
        }
        queries.addAll(List.of(-1e9, 1e9, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
        return queries;
    }

    // Brute-force counts over the unsorted sample, written independently of the binary searches.

    private static long countAtLeast(double[] sample, double x) {
        return Arrays.stream(sample).filter(r -> r >= x).count();
    }

    private static long countAtMost(double[] sample, double x) {
        return Arrays.stream(sample).filter(r -> r <= x).count();
    }

    @Test
    void pValuesEqualABruteForceCountIncludingTies() {
        double[] sample = sampleWithTies(1, 500);
        EmpiricalReference reference = EmpiricalReference.of(sample);
        double n = sample.length;
        for (double x : queries(sample)) {
            assertThat(reference.pValue(x, HIGH_IS_ANOMALOUS))
                    .as("high p-value of %s", x)
                    .isEqualTo((1 + countAtLeast(sample, x)) / (n + 1));
            assertThat(reference.pValue(x, LOW_IS_ANOMALOUS))
                    .as("low p-value of %s", x)
                    .isEqualTo((1 + countAtMost(sample, x)) / (n + 1));
        }
    }

    @Test
    void searchesAreExactForEveryReferenceSizeFromOneToSixtyFour() {
        Random random = new Random(12);
        for (int n = 1; n <= 64; n++) {
            double[] sample = new double[n];
            for (int i = 0; i < n; i++) {
                sample[i] = random.nextInt(n / 2 + 1); // ties at every size
            }
            EmpiricalReference reference = EmpiricalReference.of(sample);
            for (double x = -1; x <= n / 2 + 1; x += 0.5) {
                assertThat(reference.pValue(x, HIGH_IS_ANOMALOUS))
                        .as("n=%d, high p-value of %s", n, x)
                        .isEqualTo((1 + countAtLeast(sample, x)) / (n + 1.0));
                assertThat(reference.pValue(x, LOW_IS_ANOMALOUS))
                        .as("n=%d, low p-value of %s", n, x)
                        .isEqualTo((1 + countAtMost(sample, x)) / (n + 1.0));
            }
        }
    }

    @Test
    void tiedValuesCountAsAtLeastAsExtreme() {
        EmpiricalReference reference = EmpiricalReference.of(new double[] {3, 2, 1, 2, 2});
        assertThat(reference.pValue(2, HIGH_IS_ANOMALOUS)).isEqualTo(5.0 / 6); // 2,2,2,3 + x
        assertThat(reference.pValue(2, LOW_IS_ANOMALOUS)).isEqualTo(5.0 / 6); // 1,2,2,2 + x
        assertThat(reference.pValue(3, HIGH_IS_ANOMALOUS)).isEqualTo(2.0 / 6);
        assertThat(reference.pValue(1, LOW_IS_ANOMALOUS)).isEqualTo(2.0 / 6);
        assertThat(reference.pValue(2.5, HIGH_IS_ANOMALOUS)).isEqualTo(2.0 / 6);
    }

    @Test
    void scoreBeyondEveryReferenceValueGetsTheSmallestPValue() {
        double[] sample = sampleWithTies(2, 999);
        EmpiricalReference reference = EmpiricalReference.of(sample);
        double smallest = 1.0 / 1000;
        assertThat(reference.smallestPValue()).isEqualTo(smallest);
        assertThat(reference.pValue(reference.max() + 1, HIGH_IS_ANOMALOUS)).isEqualTo(smallest);
        assertThat(reference.pValue(Double.POSITIVE_INFINITY, HIGH_IS_ANOMALOUS))
                .isEqualTo(smallest);
        assertThat(reference.pValue(reference.min() - 1, LOW_IS_ANOMALOUS)).isEqualTo(smallest);
        assertThat(reference.pValue(Double.NEGATIVE_INFINITY, LOW_IS_ANOMALOUS))
                .isEqualTo(smallest);
    }

    @Test
    void scoreOnTheNormalSideOfEveryReferenceValueGetsPValueOne() {
        EmpiricalReference reference = EmpiricalReference.of(sampleWithTies(3, 100));
        assertThat(reference.pValue(reference.min() - 1, HIGH_IS_ANOMALOUS)).isEqualTo(1.0);
        assertThat(reference.pValue(reference.max() + 1, LOW_IS_ANOMALOUS)).isEqualTo(1.0);
    }

    @Test
    void pValuesAreUniformOnExchangeableContinuousData() {
        // With a fresh reference of n = 99 and a fresh score from the same distribution, the
        // p-value is uniform on {1/100, ..., 100/100}, so P(p <= 0.05) is exactly 5/100.
        Random random = new Random(4);
        int trials = 20_000;
        int n = 99;
        int rejections = 0;
        double[] sample = new double[n];
        for (int t = 0; t < trials; t++) {
            for (int i = 0; i < n; i++) {
                sample[i] = random.nextGaussian();
            }
            double p =
                    EmpiricalReference.of(sample).pValue(random.nextGaussian(), HIGH_IS_ANOMALOUS);
            if (p <= 0.05) {
                rejections++;
            }
        }
        double rate = (double) rejections / trials;
        double sigma = Math.sqrt(0.05 * 0.95 / trials);
        assertThat(rate).isCloseTo(0.05, within(4 * sigma));
    }

    @Test
    void cdfAndStrictFractionsEqualABruteForceCount() {
        double[] sample = sampleWithTies(5, 300);
        EmpiricalReference reference = EmpiricalReference.of(sample);
        double n = sample.length;
        for (double x : queries(sample)) {
            long below = Arrays.stream(sample).filter(r -> r < x).count();
            long above = Arrays.stream(sample).filter(r -> r > x).count();
            assertThat(reference.cdf(x)).isEqualTo(countAtMost(sample, x) / n);
            assertThat(reference.fractionBelow(x)).isEqualTo(below / n);
            assertThat(reference.fractionAbove(x)).isEqualTo(above / n);
        }
    }

    @Test
    void quantileIsTheSmallestValueWhoseCdfReachesTheLevel() {
        double[] sample = sampleWithTies(6, 101);
        EmpiricalReference reference = EmpiricalReference.of(sample);
        double[] ascending = sample.clone();
        Arrays.sort(ascending);
        List<Double> levels = new ArrayList<>(List.of(0.0, 1e-9, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0));
        for (int k = 0; k <= sample.length; k++) {
            levels.add((double) k / sample.length);
        }
        for (double q : levels) {
            double expected = Double.NaN;
            for (double v : ascending) {
                if ((double) countAtMost(sample, v) / sample.length >= q) {
                    expected = v;
                    break;
                }
            }
            assertThat(reference.quantile(q)).as("quantile %s", q).isEqualTo(expected);
        }
        assertThat(reference.quantile(0)).isEqualTo(ascending[0]);
        assertThat(reference.quantile(1)).isEqualTo(ascending[ascending.length - 1]);
    }

    @Test
    void medianOfOneToFiveIsThree() {
        EmpiricalReference reference = EmpiricalReference.of(new double[] {5, 1, 4, 2, 3});
        assertThat(reference.quantile(0.5)).isEqualTo(3);
        assertThat(reference.quantile(0.2)).isEqualTo(1);
        assertThat(reference.quantile(0.21)).isEqualTo(2);
        assertThat(reference.min()).isEqualTo(1);
        assertThat(reference.max()).isEqualTo(5);
    }

    @Test
    void negativeZeroTiesWithPositiveZero() {
        EmpiricalReference reference = EmpiricalReference.of(new double[] {-0.0, 0.0, -0.0, 1});
        assertThat(reference.pValue(0.0, LOW_IS_ANOMALOUS)).isEqualTo(4.0 / 5);
        assertThat(reference.pValue(-0.0, HIGH_IS_ANOMALOUS)).isEqualTo(5.0 / 5);
        assertThat(reference.min()).isEqualTo(0.0); // stored as +0.0
    }

    @Test
    void infinitiesAreOrdinaryValues() {
        EmpiricalReference reference =
                EmpiricalReference.of(
                        new double[] {Double.POSITIVE_INFINITY, 1, Double.NEGATIVE_INFINITY});
        assertThat(reference.pValue(Double.POSITIVE_INFINITY, HIGH_IS_ANOMALOUS))
                .isEqualTo(2.0 / 4);
        assertThat(reference.quantile(1)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(reference.quantile(0)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void largeSampleIsSubsampledUniformlyAndDeterministically() {
        int total = 50_000;
        int maxSize = 2_000;
        double[] sample = new double[total];
        for (int i = 0; i < total; i++) {
            sample[i] = i; // ordered input: a biased subsample would show at once
        }
        EmpiricalReference reference = EmpiricalReference.of(sample, maxSize);

        assertThat(reference.size()).isEqualTo(maxSize);
        assertThat(reference.sampledFrom()).isEqualTo(total);
        assertThat(reference.isSubsampled()).isTrue();
        assertThat(EmpiricalReference.of(sample, maxSize)).isEqualTo(reference);

        double[] kept = reference.toArray();
        assertThat(Arrays.stream(kept).distinct().count())
                .as("a subset: no value twice")
                .isEqualTo(maxSize);
        assertThat(reference.min()).isGreaterThanOrEqualTo(0.0);
        assertThat(reference.max()).isLessThanOrEqualTo(total - 1.0);
        // Dvoretzky-Kiefer-Wolfowitz: sup |F_m - F| <= sqrt(ln(2/delta) / 2m) with prob. 1-delta.
        double bound = Math.sqrt(Math.log(2 / 1e-6) / (2.0 * maxSize));
        for (double x = 0; x < total; x += 997) {
            double trueCdf = (x + 1) / total;
            assertThat(reference.cdf(x)).as("cdf at %s", x).isCloseTo(trueCdf, within(bound));
        }
    }

    @Test
    void sampleAtMostMaxSizeIsKeptWhole() {
        double[] sample = sampleWithTies(7, 1000);
        EmpiricalReference reference = EmpiricalReference.of(sample, 1000);
        double[] expected = sample.clone();
        Arrays.sort(expected);
        assertThat(reference.toArray()).containsExactly(expected);
        assertThat(reference.isSubsampled()).isFalse();
    }

    @Test
    void builderGivesTheSameReferenceAsTheArrayFactory() {
        double[] sample = sampleWithTies(8, 5_000);
        EmpiricalReference.Builder builder = EmpiricalReference.builder(1_000);
        for (double v : sample) {
            builder.add(v);
        }
        assertThat(builder.offered()).isEqualTo(5_000);
        assertThat(builder.build()).isEqualTo(EmpiricalReference.of(sample, 1_000));
    }

    @Test
    void subsampleIsAMultisetSubsetOfTheInput() {
        double[] sample = sampleWithTies(9, 10_000);
        EmpiricalReference reference = EmpiricalReference.of(sample, 500);
        Map<Double, Integer> available = new HashMap<>();
        for (double v : sample) {
            available.merge(v + 0.0, 1, Integer::sum);
        }
        for (double v : reference.toArray()) {
            int left = available.merge(v, -1, Integer::sum);
            assertThat(left).as("copies of %s left", v).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void referenceSurvivesJavaSerialization() throws Exception {
        EmpiricalReference reference = EmpiricalReference.of(sampleWithTies(10, 2_000), 1_000);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(reference);
        }
        Object copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = in.readObject();
        }
        assertThat(copy).isInstanceOf(EmpiricalReference.class).isEqualTo(reference);
        assertThat(((EmpiricalReference) copy).pValue(3, HIGH_IS_ANOMALOUS))
                .isEqualTo(reference.pValue(3, HIGH_IS_ANOMALOUS));
    }

    @Test
    void toArrayIsADefensiveCopy() {
        EmpiricalReference reference = EmpiricalReference.of(new double[] {1, 2, 3});
        reference.toArray()[0] = 100;
        assertThat(reference.min()).isEqualTo(1);
    }

    @Test
    void rejectsAnEmptySample() {
        assertThatThrownBy(() -> EmpiricalReference.of(new double[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> EmpiricalReference.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be empty");
    }

    @Test
    void rejectsNaNInTheSampleNamingItsPosition() {
        assertThatThrownBy(() -> EmpiricalReference.of(new double[] {1, 2, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("#2 is NaN");
    }

    @Test
    void rejectsNaNQueries() {
        EmpiricalReference reference = EmpiricalReference.of(new double[] {1, 2});
        assertThatThrownBy(() -> reference.pValue(Double.NaN, HIGH_IS_ANOMALOUS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> reference.cdf(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsQuantileLevelsOutsideTheUnitInterval() {
        EmpiricalReference reference = EmpiricalReference.of(new double[] {1, 2});
        for (double q : new double[] {-0.1, 1.1, Double.NaN}) {
            assertThatThrownBy(() -> reference.quantile(q))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be in [0, 1]");
        }
    }

    @Test
    void rejectsAMaximumSizeBelowOne() {
        assertThatThrownBy(() -> EmpiricalReference.of(new double[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSize must be at least 1");
    }
}
