package io.warden.detectors.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class LinearModelsTest {

    @Test
    void committedFixtureIsWhatTheGeneratorWrites() throws IOException {
        byte[] committed;
        try (InputStream in = LinearModels.class.getResourceAsStream(LinearModels.FIXTURE)) {
            assertThat(in).as(LinearModels.FIXTURE + " on the test classpath").isNotNull();
            committed = in.readAllBytes();
        }
        assertThat(LinearModels.logisticRegression())
                .as(
                        "regenerate "
                                + LinearModels.FIXTURE
                                + " with LinearModels.main (see its Javadoc)")
                .isEqualTo(committed);
    }
}
