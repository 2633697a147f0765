package io.warden.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.evaluation.GroundTruth;
import io.warden.jobs.config.ConfigLoader;
import io.warden.jobs.config.WardenConfig;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.codec.InboundContext;
import io.warden.schemas.codec.InboundDecoder;
import io.warden.schemas.codec.InputFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warden simulate} to files: they decode as {@code warden produce} decodes them, the truth
 * reads with {@link GroundTruth} and matches the traffic, the config loads.
 */
class SimulateCommandTest {

    @TempDir Path dir;

    private static final InboundContext CONTEXT =
            new InboundContext(InputFormat.AUTO, null, null, 0L);

    @Test
    void shouldWriteTrafficTruthSummaryAndConfigThatAgree() throws Exception {
        Cli.Result result =
                Cli.run(
                        "simulate",
                        "--out",
                        dir.toString(),
                        "--model",
                        "digits",
                        "--requests",
                        "300",
                        "--clients",
                        "8",
                        "--query-budget",
                        "200",
                        "--seed",
                        "5");
        assertThat(result.exitCode()).as(result.toString()).isZero();

        InboundDecoder decoder = InboundDecoder.standard();
        List<String> requestLines = lines("requests.jsonl");
        List<String> responseLines = lines("responses.jsonl");
        assertThat(responseLines).hasSameSizeAs(requestLines);
        Map<String, String> clientOf = new HashMap<>();
        for (int i = 0; i < requestLines.size(); i++) {
            InferenceRequest request = decoder.decodeRequest(bytes(requestLines.get(i)), CONTEXT);
            InferenceResponse response =
                    decoder.decodeResponse(bytes(responseLines.get(i)), CONTEXT);
            assertThat(response.getRequestId()).isEqualTo(request.getRequestId());
            assertThat(request.getModelName().toString()).isEqualTo("digits-mlp");
            assertThat(request.getInputs().get(0).getData()).hasSize(64);
            assertThat(response.getOutputs().get(0).getData()).hasSize(10);
            clientOf.put(request.getRequestId().toString(), request.getClientId().toString());
        }

        GroundTruth truth = GroundTruth.read(dir.resolve("truth.jsonl"));
        Set<String> attackers = new HashSet<>();
        for (Object e : truth.entries()) {
            if (e instanceof GroundTruth.Client c) {
                attackers.add(c.clientId());
            }
        }
        assertThat(attackers).hasSize(6);
        long attackRequests = 0;
        for (Object e : truth.entries()) {
            if (e instanceof GroundTruth.Request r) {
                attackRequests++;
                assertThat(attackers).contains(clientOf.get(r.requestId()));
            }
        }
        long fromAttackers = clientOf.values().stream().filter(attackers::contains).count();
        assertThat(attackRequests).isEqualTo(fromAttackers);
        assertThat(requestLines).hasSize(300 + (int) attackRequests);

        List<String> summary = Files.readAllLines(dir.resolve("summary.txt"));
        assertThat(result.outLines()).isEqualTo(summary);
        assertThat(summary.get(0)).contains(requestLines.size() + " requests (300 benign");

        WardenConfig config = ConfigLoader.load(dir.resolve("warden.yaml"));
        assertThat(config.models().get(0).name()).isEqualTo("digits-mlp");
    }

    @Test
    void shouldWriteAvroContainerFiles() throws Exception {
        Cli.Result result =
                Cli.run(
                        "simulate",
                        "--out",
                        dir.toString(),
                        "--model",
                        "breast-cancer",
                        "--requests",
                        "100",
                        "--attacks",
                        "none",
                        "--drift",
                        "scale",
                        "--format",
                        "avro");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        int n = 0;
        try (DataFileReader<InferenceRequest> reader =
                new DataFileReader<>(
                        dir.resolve("requests.avro").toFile(),
                        new SpecificDatumReader<>(InferenceRequest.class))) {
            for (InferenceRequest r : reader) {
                assertThat(r.getInputs().get(0).getData()).hasSize(30);
                n++;
            }
        }
        assertThat(n).isEqualTo(100);
        GroundTruth truth = GroundTruth.read(dir.resolve("truth.jsonl"));
        assertThat(truth.entries()).hasSize(1).first().isInstanceOf(GroundTruth.Drift.class);
        assertThat(ConfigLoader.load(dir.resolve("warden.yaml")).models().get(0).name())
                .isEqualTo("breast-cancer-mlp");
    }

    private List<String> lines(String name) throws IOException {
        return Files.readAllLines(dir.resolve(name)).stream().filter(l -> !l.isBlank()).toList();
    }

    private static byte[] bytes(String line) {
        return line.getBytes(StandardCharsets.UTF_8);
    }
}
