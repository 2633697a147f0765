package io.warden.detectors.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

    @TempDir Path dir;

    private Path fixture() throws IOException {
        Path file = dir.resolve(LinearModels.FIXTURE);
        Files.write(file, LinearModels.logisticRegression());
        return file;
    }

    @Test
    void shouldReturnTheBytesWhenTheDigestMatches() throws IOException {
        Path file = fixture();

        byte[] bytes = new ModelFile(file, LinearModels.FIXTURE_SHA256).readVerified();

        assertThat(bytes).isEqualTo(Files.readAllBytes(file));
        assertThat(ModelFile.sha256Of(file)).isEqualTo(LinearModels.FIXTURE_SHA256);
    }

    @Test
    void shouldWriteBytesPinnedToTheirDigestLeavingNoTemporaryFile() throws IOException {
        Path file = dir.resolve("written.onnx");
        Files.write(file, new byte[] {1, 2, 3});

        ModelFile model = ModelFile.write(file, LinearModels.logisticRegression());

        assertThat(model.sha256()).isEqualTo(LinearModels.FIXTURE_SHA256);
        assertThat(model.readVerified()).isEqualTo(LinearModels.logisticRegression());
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void shouldAcceptAnUppercasePinAndStoreItInLowercase() throws IOException {
        ModelFile model = new ModelFile(fixture(), LinearModels.FIXTURE_SHA256.toUpperCase());

        assertThat(model.sha256()).isEqualTo(LinearModels.FIXTURE_SHA256);
        assertThat(model.readVerified()).isNotEmpty();
    }

    @Test
    void shouldRefuseATamperedFileNamingTheFileAndBothDigests() throws IOException {
        Path file = fixture();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        String actual = ModelFile.sha256Of(file);

        assertThatThrownBy(() -> new ModelFile(file, LinearModels.FIXTURE_SHA256).readVerified())
                .isInstanceOfSatisfying(
                        ModelIntegrityException.class,
                        e -> {
                            assertThat(e.file()).isEqualTo(file);
                            assertThat(e.expectedSha256()).isEqualTo(LinearModels.FIXTURE_SHA256);
                            assertThat(e.actualSha256())
                                    .isEqualTo(actual)
                                    .isNotEqualTo(e.expectedSha256());
                        })
                .hasMessageContaining(file.toString())
                .hasMessageContaining("expected " + LinearModels.FIXTURE_SHA256)
                .hasMessageContaining("actual " + actual);
    }

    @Test
    void shouldRefuseAWrongPinBeforeAnySessionIsOpened() throws IOException {
        Path file = fixture();
        ModelFile model = new ModelFile(file, "0".repeat(64));

        assertThatThrownBy(
                        () -> new OnnxScorer(model, OnnxScorerSettings.of("features", "logits", 8)))
                .isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("0".repeat(64));
    }

    @Test
    void shouldNameTheFileWhenThePinIsMalformed() {
        Path file = dir.resolve("m.onnx");

        assertThatThrownBy(() -> new ModelFile(file, "abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("64 hex digits");
    }

    @Test
    void shouldNameTheFileWhenItIsMissing() {
        Path file = dir.resolve("missing.onnx");

        assertThatThrownBy(() -> new ModelFile(file, LinearModels.FIXTURE_SHA256).readVerified())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read ONNX model file " + file);
    }
}
