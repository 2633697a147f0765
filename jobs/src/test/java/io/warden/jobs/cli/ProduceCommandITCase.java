package io.warden.jobs.cli;

import static io.warden.jobs.cli.CliFixtures.request;
import static io.warden.jobs.cli.CliFixtures.response;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warden.jobs.embedded.EmbeddedKafkaExtension;
import io.warden.jobs.kafka.KafkaRecords;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.CodecException;
import io.warden.schemas.codec.JsonCodec;
import io.warden.schemas.codec.OpenInferenceProtocolCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden produce} in-process against a real broker. */
class ProduceCommandITCase {
    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir Path dir;

    private static List<InferenceRequest> requests(String prefix, int n) {
        List<InferenceRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(request(prefix + "-" + i, i));
        }
        return out;
    }

    private Path jsonl(String name, List<String> lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static <T> List<String> lines(List<T> records, Function<T, byte[]> encode) {
        return records.stream()
                .map(r -> new String(encode.apply(r), StandardCharsets.UTF_8))
                .toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        return KafkaRecords.readAll(
                KAFKA.bootstrapServers(), topic, expected, TIMEOUT, IsolationLevel.READ_COMMITTED);
    }

    private static <T extends SpecificRecord> List<T> decodeAvro(
            List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                out.add(AvroCodec.standard().decode(r.value(), type));
            } catch (CodecException e) {
                throw new AssertionError("not Avro single-object: " + r, e);
            }
        }
        return out;
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    private static void assertKeyedByRequestId(List<ConsumerRecord<byte[], byte[]>> records)
            throws CodecException {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assertThat(key(r))
                    .isEqualTo(
                            AvroCodec.standard()
                                    .decode(r.value(), InferenceRequest.class)
                                    .getRequestId());
        }
    }

    @Test
    void shouldProduceWardenJsonRequestsAsAvroKeyedByRequestId() throws Exception {
        KAFKA.cluster().createTopics(2, "p-json");
        List<InferenceRequest> input = requests("json", 5);
        Path file = jsonl("requests.jsonl", lines(input, JsonCodec.standard()::encode));

        Cli.Result result =
                Cli.run(
                        "produce",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        "p-json",
                        "--type",
                        "request",
                        "-f",
                        file.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.err()).contains("5/5 records to p-json");
        List<ConsumerRecord<byte[], byte[]>> records = read("p-json", 5);
        assertThat(decodeAvro(records, InferenceRequest.class))
                .containsExactlyInAnyOrderElementsOf(input);
        assertKeyedByRequestId(records);
    }

    @Test
    void shouldProduceOpenInferenceProtocolRequests() throws Exception {
        KAFKA.cluster().createTopics(1, "p-oip");
        List<InferenceRequest> input = requests("oip", 4);
        Path file =
                jsonl(
                        "oip.jsonl",
                        lines(input, OpenInferenceProtocolCodec.standard()::encodeRequest));
        assertThat(Files.readString(file)).contains("\"id\"").doesNotContain("request_id");

        Cli.Result result =
                Cli.run(
                        "produce",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        "p-oip",
                        "--type",
                        "request",
                        "-f",
                        file.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        List<ConsumerRecord<byte[], byte[]>> records = read("p-oip", 4);
        assertThat(decodeAvro(records, InferenceRequest.class)).containsExactlyElementsOf(input);
        assertKeyedByRequestId(records);
    }

    @Test
    void shouldResolveTheTopicRoleAndRecordTypeThroughTheConfig() throws Exception {
        Path config = CliFixtures.writeConfig(dir, KAFKA.bootstrapServers(), "p-role");
        KAFKA.cluster().createTopics(1, "p-role.inference.responses");
        List<InferenceResponse> input = List.of(response("r-1", 1), response("r-2", 2));
        Path file = jsonl("responses.jsonl", lines(input, JsonCodec.standard()::encode));

        Cli.Result result =
                Cli.run(
                        "produce",
                        "--config",
                        config.toString(),
                        "-t",
                        "responses",
                        "-f",
                        file.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        List<ConsumerRecord<byte[], byte[]>> records = read("p-role.inference.responses", 2);
        assertThat(decodeAvro(records, InferenceResponse.class)).containsExactlyElementsOf(input);
        assertThat(records).extracting(ProduceCommandITCase::key).containsExactly("r-1", "r-2");

        // The configured name of an input topic tells the record type as well as its role does.
        Cli.Result byName =
                Cli.run(
                        "produce",
                        "--config",
                        config.toString(),
                        "-t",
                        "p-role.inference.responses",
                        "-f",
                        file.toString());
        assertThat(byName.exitCode()).as("%s", byName).isZero();
        assertThat(read("p-role.inference.responses", 4)).hasSize(4);
    }

    @Test
    void shouldGiveOipRequestsWithoutAModelTheModelOfAOneModelConfig() throws Exception {
        Path config = CliFixtures.writeConfig(dir, KAFKA.bootstrapServers(), "p-model");
        KAFKA.cluster().createTopics(1, "p-model.inference.requests");
        InferenceRequest input = request("no-model", 1);
        ObjectNode oip = OpenInferenceProtocolCodec.standard().requestToJsonNode(input);
        ((ObjectNode) oip.get("parameters")).remove("model_name");
        Path file = jsonl("oip.jsonl", List.of(oip.toString()));

        Cli.Result withoutConfig =
                Cli.run(
                        "produce",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        "p-model.inference.requests",
                        "--type",
                        "request",
                        "-f",
                        file.toString());
        assertThat(withoutConfig.exitCode()).isEqualTo(WardenCli.EXIT_FAILURE);
        assertThat(withoutConfig.err()).contains(file + " line 1: ");

        Cli.Result result =
                Cli.run(
                        "produce",
                        "-c",
                        config.toString(),
                        "-t",
                        "requests",
                        "-f",
                        file.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(decodeAvro(read("p-model.inference.requests", 1), InferenceRequest.class))
                .containsExactly(input); // its model is the config's only one, demo-classifier
    }

    @Test
    void shouldWriteWardenJsonWithEncodingJson() throws Exception {
        KAFKA.cluster().createTopics(1, "p-enc-json");
        List<InferenceRequest> input = requests("encjson", 3);
        // OIP in, warden JSON out: re-encoded, not copied.
        Path file =
                jsonl(
                        "oip.jsonl",
                        lines(input, OpenInferenceProtocolCodec.standard()::encodeRequest));

        Cli.Result result =
                Cli.run(
                        "produce",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        "p-enc-json",
                        "--type",
                        "request",
                        "--encoding",
                        "json",
                        "-f",
                        file.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        List<ConsumerRecord<byte[], byte[]>> records = read("p-enc-json", 3);
        List<InferenceRequest> decoded = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assertThat(AvroCodec.isSingleObject(r.value())).isFalse();
            InferenceRequest q = JsonCodec.standard().decode(r.value(), InferenceRequest.class);
            assertThat(key(r)).isEqualTo(q.getRequestId());
            decoded.add(q);
        }
        assertThat(decoded).containsExactlyElementsOf(input);
    }

    @Test
    void shouldSendEachLineUnchangedWithEncodingRawEvenWhenItDoesNotDecode() throws Exception {
        KAFKA.cluster().createTopics(1, "p-raw");
        List<String> lines =
                new ArrayList<>(lines(requests("raw", 2), JsonCodec.standard()::encode));
        lines.add("this is not a request");
        lines.add(
                new String(
                        OpenInferenceProtocolCodec.standard().encodeRequest(request("raw-oip", 9)),
                        StandardCharsets.UTF_8));
        Path file = jsonl("raw.jsonl", lines);

        Cli.Result result =
                Cli.run(
                        "produce",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        "p-raw",
                        "--type",
                        "request",
                        "--encoding",
                        "raw",
                        "-f",
                        file.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        List<ConsumerRecord<byte[], byte[]>> records = read("p-raw", 4);
        assertThat(records)
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(lines);
        assertThat(records)
                .extracting(ProduceCommandITCase::key)
                .containsExactly("raw-0", "raw-1", null, "raw-oip");
    }

    @Test
    void shouldProduceAnAvroContainerFile() throws Exception {
        KAFKA.cluster().createTopics(2, "p-avro");
        List<InferenceRequest> input = requests("avro", 6);
        Path file = dir.resolve("requests.avro");
        try (DataFileWriter<InferenceRequest> writer =
                new DataFileWriter<>(new SpecificDatumWriter<>(InferenceRequest.class))) {
            writer.create(InferenceRequest.getClassSchema(), file.toFile());
            for (InferenceRequest r : input) {
                writer.append(r);
            }
        }

        Cli.Result result =
                Cli.run(
                        "produce",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        "p-avro",
                        "--type",
                        "request",
                        "-f",
                        file.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        List<ConsumerRecord<byte[], byte[]>> records = read("p-avro", 6);
        assertThat(decodeAvro(records, InferenceRequest.class))
                .containsExactlyInAnyOrderElementsOf(input);
        assertKeyedByRequestId(records);

        Cli.Result raw =
                Cli.run(
                        "produce",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        "p-avro",
                        "--type",
                        "request",
                        "--encoding",
                        "raw",
                        "-f",
                        file.toString());
        assertThat(raw.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(raw.err()).contains("--encoding raw applies to JSON Lines files only");
    }

    @Test
    void shouldStopAtAMalformedLineNamingFileAndLine() throws Exception {
        KAFKA.cluster().createTopics(1, "p-malformed");
        List<String> lines =
                new ArrayList<>(lines(requests("bad", 2), JsonCodec.standard()::encode));
        lines.add(1, ""); // blank lines are skipped but counted
        lines.add("{\"request_id\": \"bad-x\", \"model_name\": 7}");
        lines.add(
                new String(
                        JsonCodec.standard().encode(request("after", 5)), StandardCharsets.UTF_8));
        Path file = jsonl("bad.jsonl", lines);

        Cli.Result result =
                Cli.run(
                        "produce",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        "p-malformed",
                        "--type",
                        "request",
                        "-f",
                        file.toString());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(WardenCli.EXIT_FAILURE);
        assertThat(result.err())
                .contains("warden produce: " + file + " line 4: ")
                .contains("2 records before it were sent");
        assertThat(read("p-malformed", 2))
                .extracting(ProduceCommandITCase::key)
                .containsExactly("bad-0", "bad-1");
    }

    @Test
    void shouldCompleteWithARateLimit() throws Exception {
        KAFKA.cluster().createTopics(1, "p-rate");
        Path file = jsonl("rate.jsonl", lines(requests("rate", 5), JsonCodec.standard()::encode));

        Cli.Result result =
                Cli.run(
                        "produce",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        "p-rate",
                        "--type",
                        "request",
                        "--rate",
                        "200",
                        "-f",
                        file.toString());

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(read("p-rate", 5)).hasSize(5);
    }

    @Test
    void shouldFailFastWhenTheTopicDoesNotExist() throws Exception {
        Path file = jsonl("few.jsonl", lines(requests("none", 3), JsonCodec.standard()::encode));

        Cli.Result result =
                Cli.run(
                        "produce",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        "p-never-created",
                        "--type",
                        "request",
                        "-f",
                        file.toString());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(WardenCli.EXIT_FAILURE);
        assertThat(result.err())
                .contains("topic 'p-never-created' does not exist on " + KAFKA.bootstrapServers());
    }

    @Test
    void shouldRejectWrongUsageWithExitCode2() throws Exception {
        Path file = jsonl("one.jsonl", lines(requests("u", 1), JsonCodec.standard()::encode));
        String bootstrap = KAFKA.bootstrapServers();

        Cli.Result missingFile =
                Cli.run(
                        "produce",
                        "-b",
                        bootstrap,
                        "-t",
                        "requests",
                        "-f",
                        dir.resolve("missing.jsonl").toString());
        assertThat(missingFile.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(missingFile.err()).contains("file not found").contains("missing.jsonl");

        Cli.Result unknownRole =
                Cli.run("produce", "-b", bootstrap, "-t", "some-topic", "-f", file.toString());
        assertThat(unknownRole.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(unknownRole.err()).contains("give --type for topic 'some-topic'");

        Cli.Result badEncoding =
                Cli.run(
                        "produce",
                        "-b",
                        bootstrap,
                        "-t",
                        "requests",
                        "--encoding",
                        "xml",
                        "-f",
                        file.toString());
        assertThat(badEncoding.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(badEncoding.err()).contains("--encoding");

        Cli.Result negativeRate =
                Cli.run(
                        "produce",
                        "-b",
                        bootstrap,
                        "-t",
                        "requests",
                        "--rate",
                        "-5",
                        "-f",
                        file.toString());
        assertThat(negativeRate.exitCode()).isEqualTo(WardenCli.EXIT_USAGE);
        assertThat(negativeRate.err()).contains("--rate");
    }

    @Test
    void shouldReportABrokenConfigWithExitCode3() throws Exception {
        Path config = dir.resolve("broken.yaml");
        Files.writeString(config, "kafka:\n  bootstrap-server: x:9092\nmodels: []\n");
        Path file = jsonl("one.jsonl", lines(requests("c", 1), JsonCodec.standard()::encode));

        Cli.Result result =
                Cli.run(
                        "produce",
                        "-c",
                        config.toString(),
                        "-t",
                        "requests",
                        "-f",
                        file.toString());

        assertThat(result.exitCode()).isEqualTo(WardenCli.EXIT_CONFIG);
        assertThat(result.err()).contains("unknown key 'bootstrap-server'");
    }
}
