package io.warden.jobs.sequential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.detectors.sequential.Adwin;
import io.warden.detectors.sequential.ChangeDirection;
import io.warden.detectors.sequential.PageHinkley;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.DetectorSettings;
import io.warden.jobs.config.ModelSpec.FeatureSpec;
import io.warden.jobs.config.ModelSpec.OutputSpec;
import io.warden.jobs.config.ModelSpec.OutputType;
import io.warden.jobs.config.ModelSpec.SequentialDetector;
import io.warden.jobs.config.ModelSpec.SequentialSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The detectors {@link SequentialModel#newDetector()} builds from the config. */
class SequentialModelTest {

    private static SequentialModel model(
            SequentialDetector detector, Double delta, Double threshold, Double fading) {
        SequentialSettings settings =
                new SequentialSettings(
                        true, detector, List.of("msp"), delta, threshold, fading, 1000, null);
        return SequentialModel.of(
                new ModelSpec(
                        "m",
                        null,
                        null,
                        null,
                        new FeatureSpec("input", List.of("a"), null),
                        new OutputSpec(
                                "probabilities", OutputType.PROBABILITIES, List.of("x", "y")),
                        new DetectorSettings(null, null, settings)),
                null);
    }

    @Test
    void pageHinkleyDoesNotFadeByDefault() {
        PageHinkley ph =
                (PageHinkley)
                        model(SequentialDetector.PAGE_HINKLEY, null, null, null).newDetector();
        assertThat(ph.alpha()).isEqualTo(1.0).isEqualTo(SequentialSettings.DEFAULT_FADING);
        // The other parameters stay the detector's defaults.
        assertThat(ph.delta()).isEqualTo(PageHinkley.DEFAULT_DELTA);
        assertThat(ph.threshold()).isEqualTo(PageHinkley.DEFAULT_THRESHOLD);
        assertThat(ph.minInstances()).isEqualTo(PageHinkley.DEFAULT_MIN_INSTANCES);
        assertThat(ph.direction()).isEqualTo(ChangeDirection.BOTH);
    }

    @Test
    void pageHinkleyTakesTheConfiguredFading() {
        PageHinkley ph =
                (PageHinkley)
                        model(SequentialDetector.PAGE_HINKLEY, 0.01, 20.0, 0.999).newDetector();
        assertThat(ph.alpha()).isEqualTo(0.999);
        assertThat(ph.delta()).isEqualTo(0.01);
        assertThat(ph.threshold()).isEqualTo(20.0);
    }

    @Test
    void adwinIgnoresTheUnsetFadingAndAnInvalidOneFailsOnTheClient() {
        assertThat(model(SequentialDetector.ADWIN, null, null, null).newDetector())
                .isInstanceOf(Adwin.class);
        assertThatThrownBy(() -> model(SequentialDetector.PAGE_HINKLEY, null, null, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alpha");
    }
}
