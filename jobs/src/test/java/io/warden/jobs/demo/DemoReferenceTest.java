package io.warden.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.confidence.Confidence;
import io.warden.jobs.config.ConfidenceReferenceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DemoReferenceTest {
    private static final Path SHIPPED = Path.of("..", "deploy", DemoReference.FILE);

    @Test
    void shippedReferenceIsWhatTheGeneratorWrites() throws Exception {
        assertThat(Files.readString(SHIPPED))
                .as("regenerate with DemoReference.main if DemoModel changed")
                .isEqualTo(DemoReference.json(DemoModel.standard()));
    }

    @Test
    void shippedReferenceReadsWithItsIdAndSamples() {
        ConfidenceReferenceFile f = ConfidenceReferenceFile.read(SHIPPED);
        assertThat(f.id()).isEqualTo(DemoReference.ID);
        assertThat(f.msp()).hasSize(4000);
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
