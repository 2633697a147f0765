package io.warden.detectors.profile;

import static io.warden.detectors.profile.ProfileBuilderTest.METADATA;
import static io.warden.detectors.profile.ReferenceRows.DATA;
import static io.warden.detectors.profile.ReferenceRows.SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileIoTest {

    /** Small samples, so the file stays small; every part present. */
    static final ProfileSettings SETTINGS =
            ProfileSettings.defaults().withConfidenceSampleSize(500).withRowSampleSize(300);

    static final ReferenceProfile PROFILE =
            DATA.addTo(ProfileBuilder.create(SCHEMA, SETTINGS), 0, 5000).build(METADATA);

    static final byte[] BYTES = ProfileIo.toBytes(PROFILE);

    private static final ObjectMapper JSON = new ObjectMapper();

    static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void writeThenReadGivesAnEqualProfileAndTheFilesSha256(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pets.json");
        String written = ProfileIo.write(PROFILE, file);
        ProfileFile read = ProfileIo.read(file);
        assertThat(read.profile()).isEqualTo(PROFILE);
        assertThat(read.sha256()).isEqualTo(written).isEqualTo(sha256(Files.readAllBytes(file)));
        assertThat(ProfileIo.toBytes(read.profile())).isEqualTo(BYTES);
        // Everything a detector uses survives: sketches, bins, samples, the PCA model.
        ReferenceProfile back = read.profile();
        assertThat(back.numeric("skewed").quantile(0.9))
                .isEqualTo(PROFILE.numeric("skewed").quantile(0.9));
        assertThat(back.predictions().orElseThrow().confidence())
                .isEqualTo(PROFILE.predictions().orElseThrow().confidence());
        assertThat(back.multivariate().orElseThrow().pca().orElseThrow().thresholds(50))
                .isEqualTo(PROFILE.multivariate().orElseThrow().pca().orElseThrow().thresholds(50));
    }

    @Test
    void sameRowsGiveIdenticalBytesAndSha256() throws Exception {
        ReferenceProfile again =
                DATA.addTo(ProfileBuilder.create(SCHEMA, SETTINGS), 0, 5000).build(METADATA);
        byte[] bytes = ProfileIo.toBytes(again);
        assertThat(bytes).isEqualTo(BYTES);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ProfileIo.write(again, out)).isEqualTo(sha256(BYTES));
        assertThat(out.toByteArray()).isEqualTo(BYTES);
    }

    @Test
    void matchesTheGoldenFile() throws Exception {
        // A small profile whose KLL sketch compacts (1,000 values > k = 200), so the file also
        // pins the sketch's coin flips across runs and JVMs. Regenerate deliberately: on a
        // mismatch the actual bytes are in target/golden_small_profile.actual.json.
        ProfileSchema schema =
                ProfileSchema.of(List.of("x", "y"), List.of("colour"), List.of("cat", "dog"));
        ProfileSettings settings =
                ProfileSettings.defaults()
                        .withKllK(200)
                        .withBins(4)
                        .withTopCategories(2)
                        .withCategoryMapSize(8)
                        .withConfidenceSampleSize(4)
                        .withRowSampleSize(4);
        ProfileBuilder builder = ProfileBuilder.create(schema, settings);
        for (int i = 0; i < 1000; i++) {
            double x = (i * 7919 % 1000) / 10.0;
            double y = i % 50 == 0 ? Double.NaN : x * 0.5 + (i % 7);
            String colour = i % 10 == 0 ? null : new String[] {"red", "green", "blue"}[i % 3];
            double p = (i % 9 + 0.5) / 10.0;
            builder.add(new double[] {x, y}, new String[] {colour}, new double[] {p, 1 - p});
        }
        ReferenceProfile profile =
                builder.build(
                        new ProfileMetadata(
                                null,
                                Instant.parse("2026-11-25T10:00:00Z"),
                                "golden",
                                "1",
                                "ProfileIoTest.matchesTheGoldenFile"));
        byte[] actual = ProfileIo.toBytes(profile);
        byte[] golden;
        try (InputStream in = getClass().getResourceAsStream("golden_small_profile.json")) {
            golden = in == null ? new byte[0] : in.readAllBytes();
        }
        if (!java.util.Arrays.equals(actual, golden)) {
            Files.write(Path.of("target", "golden_small_profile.actual.json"), actual);
        }
        assertThat(new String(actual, StandardCharsets.UTF_8))
                .isEqualTo(new String(golden, StandardCharsets.UTF_8));
        assertThat(ProfileIo.read(golden, "golden").profile()).isEqualTo(profile);
    }

    @Test
    void aDerivedIdIsTheHashOfTheFileWithThePlaceholderId() throws Exception {
        ReferenceProfile derived =
                DATA.addTo(ProfileBuilder.create(SCHEMA, SETTINGS), 0, 100)
                        .build(METADATA.withId(null));
        assertThat(derived.id()).matches("sha256:[0-9a-f]{16}");
        ObjectNode root = (ObjectNode) JSON.readTree(ProfileIo.toBytes(derived));
        root.put("id", "sha256:");
        byte[] placeholder = ProfileIo.toBytes(ProfileIo.read(reserialize(root), "x").profile());
        assertThat(derived.id()).isEqualTo("sha256:" + sha256(placeholder).substring(0, 16));
    }

    @Test
    void optionalPartsAreLeftOutAndReadBack() throws Exception {
        ReferenceProfile minimal =
                ProfileBuilder.create(ProfileSchema.numeric(List.of("x")), SETTINGS)
                        .add(new double[] {Double.NaN})
                        .build(ProfileMetadata.of(Instant.EPOCH, "m").withId("minimal"));
        byte[] bytes = ProfileIo.toBytes(minimal);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text)
                .doesNotContain("version")
                .doesNotContain("predictions")
                .doesNotContain("multivariate")
                .contains("\"min\" : null");
        assertThat(ProfileIo.read(bytes, "minimal.json").profile()).isEqualTo(minimal);
        ReferenceProfile single =
                ProfileBuilder.create(ProfileSchema.numeric(List.of("x")), SETTINGS)
                        .add(new double[] {3.5})
                        .build(ProfileMetadata.of(Instant.EPOCH, "m").withId("single"));
        ReferenceProfile back = ProfileIo.read(ProfileIo.toBytes(single), "single.json").profile();
        assertThat(back).isEqualTo(single);
        assertThat(back.numeric(0).quantile(0.5)).isEqualTo(3.5);
        assertThat(back.numeric(0).binCounts()).containsExactly(1);
    }

    @Test
    void javaSerializationRoundTrips() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(PROFILE);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ReferenceProfile copy = (ReferenceProfile) in.readObject();
            assertThat(copy).isEqualTo(PROFILE);
            assertThat(copy.numeric("uniform").binIndex(0.1))
                    .isEqualTo(PROFILE.numeric("uniform").binIndex(0.1));
            assertThat(copy.schema().numericIndex("uniform")).isEqualTo(2);
        }
    }

    // Bad files: every error names the file and the field.

    private static byte[] reserialize(ObjectNode root) throws IOException {
        return JSON.writeValueAsBytes(root);
    }

    private static byte[] corrupt(Consumer<ObjectNode> change) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(BYTES);
        change.accept(root);
        return reserialize(root);
    }

    private static ObjectNode numeric0(ObjectNode root) {
        return (ObjectNode) root.get("numeric").get(0);
    }

    private static void assertRejected(byte[] bytes, String expected) {
        assertThatThrownBy(() -> ProfileIo.read(bytes, "bad.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("profile file bad.json: ")
                .hasMessageContaining(expected);
    }

    @Test
    void theUntouchedTreeStillReads() throws IOException {
        assertThat(ProfileIo.read(corrupt(root -> {}), "ok.json").profile()).isEqualTo(PROFILE);
    }

    @Test
    void rejectsOtherFormatsAndNonJson() throws IOException {
        assertRejected(
                corrupt(root -> root.put("format", "warden-profile/2")),
                "format: is \"warden-profile/2\", but this reader understands \"warden-profile/1\"");
        assertRejected(corrupt(root -> root.remove("format")), "format: missing");
        assertRejected("{\"format\": ".getBytes(StandardCharsets.UTF_8), "not valid JSON");
        assertRejected("[]".getBytes(StandardCharsets.UTF_8), "must hold a JSON object");
        assertRejected(
                (new String(BYTES, StandardCharsets.UTF_8) + "{}").getBytes(StandardCharsets.UTF_8),
                "not valid JSON");
    }

    @Test
    void rejectsMissingUnknownAndMistypedFields() throws IOException {
        assertRejected(
                corrupt(root -> numeric0(root).remove("count")), "numeric[0].count: missing");
        assertRejected(
                corrupt(root -> numeric0(root).put("extra", 1)), "numeric[0].extra: unknown field");
        assertRejected(corrupt(root -> root.put("rows", "many")), "rows: must be an integer");
        assertRejected(
                corrupt(root -> root.put("created", "yesterday")),
                "created: not an ISO-8601 instant");
        assertRejected(
                corrupt(root -> ((ObjectNode) root.get("settings")).put("bins", 1)),
                "settings: bins must be at least 2");
        assertRejected(
                corrupt(
                        root ->
                                ((ArrayNode) numeric0(root).get("binEdges"))
                                        .set(0, JSON.getNodeFactory().textNode("x"))),
                "numeric[0].binEdges[0]: must be a finite number");
        assertRejected(
                corrupt(root -> ((ObjectNode) root.get("model")).remove("name")),
                "model.name: missing");
    }

    @Test
    void rejectsCorruptBase64AndSketches() throws IOException {
        assertRejected(
                corrupt(root -> numeric0(root).put("kll", "not base64!")),
                "numeric[0].kll: not valid base64");
        byte[] garbage = new byte[64];
        java.util.Arrays.fill(garbage, (byte) 0x5A);
        assertRejected(
                corrupt(
                        root ->
                                numeric0(root)
                                        .put("kll", Base64.getEncoder().encodeToString(garbage))),
                "numeric[0]: kll: not a serialized KLL doubles sketch");
        assertRejected(
                corrupt(
                        root ->
                                ((ObjectNode) root.get("categorical").get(1))
                                        .put(
                                                "frequentItems",
                                                Base64.getEncoder().encodeToString(garbage))),
                "categorical[1]: frequentItems: not a serialized frequent items sketch");
        assertRejected(
                corrupt(root -> ((ObjectNode) root.get("multivariate")).put("comoment", "AAAA")),
                "multivariate.comoment: 3 bytes are not a whole number of 8-byte doubles");
        assertRejected(
                corrupt(
                        root ->
                                ((ObjectNode) root.get("multivariate"))
                                        .put(
                                                "comoment",
                                                Base64.getEncoder().encodeToString(new byte[16]))),
                "multivariate.comoment: holds 2 doubles, expected 9");
        assertRejected(
                corrupt(
                        root ->
                                ((ObjectNode) root.get("predictions").get("confidence"))
                                        .put(
                                                "sample",
                                                Base64.getEncoder().encodeToString(new byte[16]))),
                "predictions.confidence.sample: 2 values are not whole rows of width 3");
    }

    @Test
    void rejectsInconsistentParts() throws IOException {
        assertRejected(
                corrupt(root -> ((ArrayNode) numeric0(root).get("binCounts")).set(0, 1)),
                "numeric[0]: binCounts: sum to");
        assertRejected(corrupt(root -> numeric0(root).put("count", 7)), "numeric[0]: kll: holds");
        assertRejected(
                corrupt(root -> root.put("rows", 4999)),
                "numeric[0]: count + missing = 5000, but the profile has 4999 rows");
        assertRejected(
                corrupt(root -> ((ArrayNode) root.get("predictions").get("priorCounts")).set(0, 0)),
                "predictions: confidence: sample was drawn from");
        assertRejected(
                corrupt(
                        root ->
                                ((ObjectNode) root.get("multivariate").get("pca"))
                                        .put("componentCount", 3)),
                "multivariate.pca.components: holds");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> ProfileIo.read(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot read profile file " + missing);
    }
}
