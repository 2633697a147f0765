package io.warden.detectors.multivariate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class RowSampleTest {

    private static RowSample.Reservoir filled(int capacity, long seed, int from, int to) {
        RowSample.Reservoir reservoir = new RowSample.Reservoir(capacity, 2, seed);
        for (int i = from; i < to; i++) {
            reservoir.add(new double[] {i, -i});
        }
        return reservoir;
    }

    private static int[] inclusions(
            int items, int trials, java.util.function.LongFunction<RowSample> draw) {
        int[] counts = new int[items];
        for (int t = 0; t < trials; t++) {
            RowSample sample = draw.apply(t);
            for (int r = 0; r < sample.size(); r++) {
                counts[(int) sample.get(r, 0)]++;
            }
        }
        return counts;
    }

    /** Every count within 6 binomial standard deviations of trials * p. */
    private static void assertUniform(int[] counts, int trials, double p) {
        double sd = Math.sqrt(trials * p * (1 - p));
        for (int i = 0; i < counts.length; i++) {
            assertThat((double) counts[i])
                    .as("inclusions of item %d", i)
                    .isBetween(trials * p - 6 * sd, trials * p + 6 * sd);
        }
    }

    @Test
    void keepsEverythingUpToTheCapacityInOrder() {
        RowSample sample = filled(10, 1, 0, 7).snapshot();
        assertThat(sample.size()).isEqualTo(7);
        assertThat(sample.seen()).isEqualTo(7);
        assertThat(sample.isSubsampled()).isFalse();
        assertThat(sample.column(0)).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(sample.row(3)).containsExactly(3, -3);
    }

    @Test
    void sameRowsAndSeedGiveTheSameSample() {
        assertThat(filled(10, 7, 0, 1000).snapshot()).isEqualTo(filled(10, 7, 0, 1000).snapshot());
        assertThat(filled(10, 7, 0, 1000).snapshot())
                .isNotEqualTo(filled(10, 8, 0, 1000).snapshot());
    }

    @Test
    void everyRowIsEquallyLikelyToBeKept() {
        int trials = 4000;
        int[] counts = inclusions(50, trials, seed -> filled(10, seed, 0, 50).snapshot());
        assertUniform(counts, trials, 10.0 / 50);
    }

    @Test
    void mergedReservoirsOfUnequalShardsAreUniformOverTheUnion() {
        int trials = 4000;
        int[] counts =
                inclusions(
                        100,
                        trials,
                        seed ->
                                filled(10, seed, 0, 30)
                                        .merge(filled(10, seed + 1_000_000, 30, 100))
                                        .snapshot());
        assertUniform(counts, trials, 10.0 / 100);
        RowSample merged = filled(10, 1, 0, 30).merge(filled(10, 2, 30, 100)).snapshot();
        assertThat(merged.size()).isEqualTo(10);
        assertThat(merged.seen()).isEqualTo(100);
    }

    @Test
    void mergingSmallShardsKeepsEveryRow() {
        RowSample merged = filled(10, 1, 0, 4).merge(filled(10, 2, 4, 9)).snapshot();
        assertThat(merged.size()).isEqualTo(9);
        assertThat(merged.column(0)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void resumingContinuesAsAReservoirAndShrinksToACapacity() {
        RowSample sample = filled(10, 1, 0, 100).snapshot();
        RowSample.Reservoir resumed = RowSample.Reservoir.resume(sample, 10, 5);
        assertThat(resumed.snapshot()).isEqualTo(sample);
        resumed.add(new double[] {100, -100});
        assertThat(resumed.seen()).isEqualTo(101);
        assertThat(resumed.size()).isEqualTo(10);
        RowSample.Reservoir smaller = RowSample.Reservoir.resume(sample, 4, 5);
        assertThat(smaller.size()).isEqualTo(4);
        assertThat(smaller.seen()).isEqualTo(100);
        RowSample.Reservoir larger = RowSample.Reservoir.resume(sample, 50, 5);
        assertThat(larger.capacity()).as("cannot regrow beyond dropped rows").isEqualTo(10);
    }

    @Test
    void validatesAndSerializes() throws IOException, ClassNotFoundException {
        RowSample sample = filled(10, 1, 0, 100).snapshot();
        assertThat(PcaReconstructionTest.roundTrip(sample)).isEqualTo(sample);
        assertThat(RowSample.ofRowMajor(2, 100, sample.toRowMajorArray())).isEqualTo(sample);
        assertThat(RowSample.of(2, 100, sample.toArray())).isEqualTo(sample);
        assertThatThrownBy(() -> RowSample.ofRowMajor(2, 1, new double[4]))
                .hasMessageContaining("seen (1)");
        assertThatThrownBy(() -> RowSample.ofRowMajor(3, 5, new double[4]))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> filled(10, 1, 0, 1).add(new double[3]))
                .hasMessageContaining("expected 2");
        assertThatThrownBy(() -> filled(10, 1, 0, 1).merge(new RowSample.Reservoir(5, 3, 1)))
                .hasMessageContaining("width");
    }
}
