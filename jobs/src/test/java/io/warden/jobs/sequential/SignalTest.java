package io.warden.jobs.sequential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.DetectorSettings;
import io.warden.jobs.config.ModelSpec.FeatureSpec;
import io.warden.jobs.config.ModelSpec.OutputSpec;
import io.warden.jobs.config.ModelSpec.OutputType;
import io.warden.jobs.demo.DemoModel;
import io.warden.jobs.demo.DemoProfile;
import io.warden.jobs.drift.Observation;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SignalTest {
    private static final ModelSpec SPEC =
            new ModelSpec(
                    DemoModel.NAME,
                    null,
                    null,
                    null,
                    new FeatureSpec(DemoModel.INPUT_TENSOR, DemoModel.FEATURES, null),
                    new OutputSpec(
                            DemoModel.OUTPUT_TENSOR, OutputType.PROBABILITIES, DemoModel.CLASSES),
                    DetectorSettings.defaults());

    private static ReferenceProfile profile;

    @BeforeAll
    static void buildProfile() {
        profile = DemoProfile.build(DemoModel.standard());
    }

    private static Observation row(double[] x, double msp, double entropy, double margin) {
        Observation o = new Observation();
        o.features = x;
        o.msp = msp;
        o.entropy = entropy;
        o.margin = margin;
        return o;
    }

    @Test
    void confidenceSignalsAreOnTheUnitIntervalEntropyDividedByLnK() {
        Observation o = row(new double[8], 0.7, Math.log(4) * 0.25, 0.4);
        assertThat(Signal.of("msp", SPEC, null).value(o)).isEqualTo(0.7);
        assertThat(Signal.of("margin", SPEC, null).value(o)).isEqualTo(0.4);
        assertThat(Signal.of("entropy", SPEC, null).value(o)).isEqualTo(0.25, within(1e-12));
        assertThat(Signal.of("entropy", SPEC, null).scale()).isEqualTo("entropy / ln 4");
        // Uniform probabilities: the largest entropy, ln 4 (a little more within the sum
        // tolerance), reads as 1.
        Observation uniform = row(new double[8], 0.25, Math.log(4) * 1.0004, 0.0);
        assertThat(Signal.of("entropy", SPEC, null).value(uniform)).isEqualTo(1.0);
    }

    @Test
    void aFeatureReadsAsItsReferenceCdfUniformOnReferenceLikeTraffic() {
        Signal f2 = Signal.of("f2", SPEC, profile);
        assertThat(f2.isFeature()).isTrue();
        assertThat(f2.value(row(new double[] {0, 0, 0.3, 0, 0, 0, 0, 0}, 1, 0, 1)))
                .isEqualTo(profile.numeric("f2").rank(0.3));
        assertThat(f2.value(row(new double[] {0, 0, -1e9, 0, 0, 0, 0, 0}, 1, 0, 1))).isZero();
        assertThat(f2.value(row(new double[] {0, 0, 1e9, 0, 0, 0, 0, 0}, 1, 0, 1))).isOne();

        // Traffic like the reference (other seed): mean 1/2, variance 1/12; shifted by one
        // standard deviation of the noise: the mean moves by far more than the sketch's error.
        DemoModel model = DemoModel.standard();
        Random r = new Random(11);
        int n = 20_000;
        double sum = 0;
        double squares = 0;
        double shifted = 0;
        for (int i = 0; i < n; i++) {
            double[] x = model.sample(r.nextInt(model.classes()), r);
            double u = f2.value(row(x, 1, 0, 1));
            sum += u;
            squares += u * u;
            x[2] += 1.0;
            shifted += f2.value(row(x, 1, 0, 1));
        }
        double mean = sum / n;
        assertThat(mean).isEqualTo(0.5, within(0.01));
        assertThat(squares / n - mean * mean).isEqualTo(1.0 / 12, within(0.003));
        assertThat(shifted / n - mean).isGreaterThan(0.15);
    }

    @Test
    void rejectsUnknownSignalsAndFeaturesWithoutAProfile() {
        assertThatThrownBy(() -> Signal.of("nope", SPEC, profile))
                .hasMessageContaining("'nope'")
                .hasMessageContaining("neither msp, entropy, margin nor a feature name");
        assertThatThrownBy(() -> Signal.of("f2", SPEC, null))
                .hasMessageContaining("needs a reference profile");
    }
}
