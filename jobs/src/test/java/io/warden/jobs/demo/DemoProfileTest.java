package io.warden.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.confidence.Confidence;
import io.warden.detectors.profile.ProfileFile;
import io.warden.detectors.profile.ProfileIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DemoProfileTest {
    private static final Path SHIPPED = Path.of("..", "deploy", DemoProfile.FILE);

    @Test
    void shippedProfileIsWhatTheGeneratorWrites() throws Exception {
        assertThat(Files.readAllBytes(SHIPPED))
                .as("regenerate with DemoProfile.main if DemoModel changed")
                .isEqualTo(DemoProfile.bytes(DemoModel.standard()));
    }

    @Test
    void shippedProfileHasFeaturesPredictionsAndPca() {
        ProfileFile f = ProfileIo.read(SHIPPED);
        assertThat(f.profile().id()).isEqualTo(DemoProfile.ID);
        assertThat(f.profile().schema().numericFeatures()).isEqualTo(DemoModel.FEATURES);
        assertThat(f.profile().predictions().orElseThrow().classLabels())
                .isEqualTo(DemoModel.CLASSES);
        assertThat(f.profile().predictions().orElseThrow().confidence()).isPresent();
        assertThat(f.profile().multivariate().orElseThrow().pca()).isPresent();
        assertThat(f.sha256()).hasSize(64);
    }

    @Test
    void ambiguousInputsGetNearUniformAnswers() {
        DemoModel model = DemoModel.standard();
        Random r = new Random(3);
        for (int i = 0; i < 100; i++) {
            Confidence c = Confidence.ofProbabilities(model.predict(model.ambiguous(r)));
            // Four classes: uniform is 0.25; a point on every boundary stays far from confident.
            assertThat(c.msp()).isLessThan(0.7);
        }
    }

    @Test
    void typicalInputsAreMostlyAnsweredConfidently() {
        DemoModel model = DemoModel.standard();
        Random r = new Random(4);
        int confident = 0;
        int correct = 0;
        for (int i = 0; i < 2000; i++) {
            int cls = i % model.classes();
            Confidence c = Confidence.ofProbabilities(model.predict(model.sample(cls, r)));
            confident += c.msp() > 0.9 ? 1 : 0;
            correct += c.predictedClass() == cls ? 1 : 0;
        }
        assertThat(confident).isGreaterThan(1400);
        assertThat(correct).isGreaterThan(1800);
    }
}
