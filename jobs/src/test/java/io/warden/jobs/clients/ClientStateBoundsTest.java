package io.warden.jobs.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.extraction.ExtractionState;
import io.warden.detectors.query.QueryHistory;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.ExtractionSettings;
import io.warden.jobs.config.ModelSpec.QueryAttackSettings;
import io.warden.jobs.drift.Observation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Per-client state stays bounded: many distinct clients leave nothing once idle, and one client's
 * state stops growing at the configured caps however many queries it sends.
 *
 * <p>With 64 features, 10 classes, PRADA caps of 20 queries per class and 200 distances and a
 * nearest-neighbour buffer of 50, a client's Java-serialized state is the caps' payload (51 kB of
 * kept queries and distances, 13 kB of buffered queries) plus a few kB, after 2,000 queries and
 * after 20,000 alike.
 */
class ClientStateBoundsTest {
    private static final int WIDTH = 64;
    private static final long TTL = Duration.ofMinutes(5).toMillis();

    private static ModelSpec spec() {
        return new ModelSpec(
                "m",
                null,
                null,
                null,
                new ModelSpec.FeatureSpec("x", null, List.of(8, 8)),
                new ModelSpec.OutputSpec(
                        "p", null, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
                ModelSpec.DetectorSettings.defaults()
                        .withExtraction(
                                new ExtractionSettings(
                                        null,
                                        50,
                                        200,
                                        20,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        Duration.ofMillis(TTL),
                                        null))
                        .withQueryAttack(
                                new QueryAttackSettings(
                                        10, 50, null, 0.01, Duration.ofMillis(TTL), null)));
    }

    private static ClientModels models() {
        ModelSpec spec = spec();
        ClientModels.ClientModel model =
                new ClientModels.ClientModel(
                        "m", ExtractionModel.of(spec, null), QueryAttackModel.of(spec, null));
        return new ClientModels(Map.of("m", model));
    }

    private static Observation query(String client, long time, Random r) {
        Observation o = new Observation();
        o.modelName = "m";
        o.modelVersion = "1";
        o.modelKey = "m@1";
        o.requestId = client + "-" + time;
        o.clientId = client;
        o.eventTime = time;
        o.features = new double[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            o.features[j] = r.nextInt(17);
        }
        o.predictedClass = r.nextInt(10);
        o.margin = r.nextDouble();
        return o;
    }

    private static int serializedSize(Serializable o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.size();
    }

    @Test
    void shouldForgetManyIdleClients() throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new ClientDetection(models())),
                        ClientDetection::key,
                        Types.STRING);
        h.open();
        Random r = new Random(1);
        int clients = 20_000;
        for (int c = 0; c < clients; c++) {
            h.processElement(new StreamRecord<>(query("client-" + c, c, r), c));
        }
        // Four entries per client: extraction state, query history, expiry, alerted flags.
        assertThat(h.numKeyedStateEntries()).isEqualTo(4 * clients);
        assertThat(h.numEventTimeTimers()).isEqualTo(clients);
        h.processWatermark(clients + TTL);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }

    @Test
    void shouldCapOneClientsStateHoweverLongItQueries() throws Exception {
        ClientModels models = models();
        ClientModels.ClientModel model = models.find("m", "1");
        ExtractionState extraction = model.extraction().monitor().newState();
        QueryHistory history = model.queryAttack().detector().newHistory();
        Random r = new Random(2);
        int[] sizes = new int[2];
        int at = 0;
        for (int i = 1; i <= 20_000; i++) {
            Observation o = query("c", i, r);
            model.extraction()
                    .monitor()
                    .assess(extraction, o.eventTime, o.features, o.predictedClass, o.margin);
            model.queryAttack().detector().observe(history, o.eventTime, o.features);
            if (i == 2_000 || i == 20_000) {
                sizes[at++] = serializedSize(extraction) + serializedSize(history);
            }
        }
        // At 2,000 queries every cap is reached (20 per class x 10 classes, 200 distances, 50
        // buffered queries); ten times as many queries add nothing but counters.
        assertThat(sizes[1]).isLessThanOrEqualTo(sizes[0] + 64);
        // The caps' payload (floats of the kept queries, doubles of the kept distances) plus a
        // few kB of structure.
        int extractionPayload = 4 * WIDTH * 10 * 20 + 8 * 200;
        int historyPayload = 4 * WIDTH * 50;
        assertThat(serializedSize(extraction))
                .isBetween(extractionPayload, extractionPayload + 8_192);
        assertThat(serializedSize(history)).isBetween(historyPayload, historyPayload + 2_048);
    }
}
