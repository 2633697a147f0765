package io.warden.jobs.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.confidence.Confidence;
import io.warden.detectors.profile.ProfileBuilder;
import io.warden.detectors.profile.ProfileMetadata;
import io.warden.detectors.profile.ProfileSchema;
import io.warden.detectors.profile.ProfileSettings;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.config.ModelSpec;
import io.warden.jobs.config.ModelSpec.ExtractionSettings;
import io.warden.jobs.config.ModelSpec.ExtractionSignalName;
import io.warden.jobs.config.ModelSpec.QueryAttackSettings;
import io.warden.jobs.drift.Observation;
import io.warden.jobs.monitor.HarnessOutput;
import io.warden.jobs.monitor.Ids;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientDetection} in Flink's keyed operator harness: benign clients drawing natural
 * queries, and an extraction client doing Jacobian-augmentation-style queries (Papernot et al.,
 * AsiaCCS 2017: each new query is an earlier one moved by a fixed step along a sign vector), which
 * gives PRADA's tell-tale non-normal minimum distances.
 */
class ClientDetectionTest {
    private static final int WIDTH = 8;
    private static final double[][] WEIGHTS = new double[3][WIDTH];
    private static final long TTL = Duration.ofMinutes(10).toMillis();

    /**
     * Below any benign client's: the mean distance of a standard normal 8-vector to its 10 nearest
     * among 100 others is about 2.5 (each distance is about sqrt(2 * 8) = 4 before the minimum).
     */
    private static final double KNN_THRESHOLD = 0.5;

    static {
        Random r = new Random(42);
        for (double[] row : WEIGHTS) {
            for (int j = 0; j < WIDTH; j++) {
                row[j] = r.nextGaussian();
            }
        }
    }

    private static ModelSpec spec(QueryAttackSettings queryAttack) {
        return new ModelSpec(
                "m",
                null,
                null,
                null,
                new ModelSpec.FeatureSpec("x", null, List.of(WIDTH)),
                new ModelSpec.OutputSpec("p", null, List.of("a", "b", "c")),
                ModelSpec.DetectorSettings.defaults()
                        .withExtraction(
                                new ExtractionSettings(
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        List.of(ExtractionSignalName.PRADA),
                                        Duration.ofMillis(TTL),
                                        null))
                        .withQueryAttack(queryAttack));
    }

    /** Extraction and, with a fixed threshold, nearest-neighbour query-attack detection. */
    private static ClientModels models() {
        ModelSpec spec =
                spec(
                        new QueryAttackSettings(
                                10, 100, null, KNN_THRESHOLD, Duration.ofMillis(TTL), null));
        ClientModels.ClientModel model =
                new ClientModels.ClientModel(
                        "m", ExtractionModel.of(spec, null), QueryAttackModel.of(spec, null));
        return new ClientModels(Map.of(model.configuredKey(), model));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Observation, Alert> harness()
            throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new ClientDetection(models())),
                        ClientDetection::key,
                        Types.STRING);
        h.open();
        return h;
    }

    private static Observation query(String client, int i, long time, double[] x) {
        double[] z = new double[3];
        for (int c = 0; c < 3; c++) {
            for (int j = 0; j < WIDTH; j++) {
                z[c] += WEIGHTS[c][j] * x[j];
            }
        }
        Confidence c = Confidence.ofLogits(z);
        Observation o = new Observation();
        o.modelName = "m";
        o.modelVersion = "1";
        o.modelKey = Observation.modelKey("m", "1");
        o.requestId = client + "-" + i;
        o.clientId = client;
        o.eventTime = time;
        o.features = x;
        o.predictedClass = c.predictedClass();
        o.margin = c.margin();
        return o;
    }

    private static double[] natural(Random r) {
        double[] x = new double[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            x[j] = r.nextGaussian();
        }
        return x;
    }

    /** Jacobian-augmentation-style queries: 5 seeds, then steps of 0.1 along sign vectors. */
    private static List<double[]> extraction(Random r, int n) {
        List<double[]> queries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i < 5) {
                queries.add(natural(r));
                continue;
            }
            double[] base = queries.get(r.nextInt(queries.size()));
            double[] x = base.clone();
            for (int j = 0; j < WIDTH; j++) {
                x[j] += r.nextBoolean() ? 0.1 : -0.1;
            }
            queries.add(x);
        }
        return queries;
    }

    private static List<Alert> alerts(KeyedOneInputStreamOperatorTestHarness<?, ?, Alert> h) {
        return HarnessOutput.values(h);
    }

    private static List<Alert> extractionAlerts(
            KeyedOneInputStreamOperatorTestHarness<?, ?, Alert> h) {
        return alerts(h).stream().filter(a -> a.getKind() == AlertKind.EXTRACTION).toList();
    }

    @Test
    void shouldAlertOnceOnTheExtractionClientAndNeverOnBenignOnes() throws Exception {
        var h = harness();
        Random r = new Random(7);
        List<double[]> attack = extraction(r, 400);
        long t = 0;
        for (int i = 0; i < 400; i++) {
            for (int b = 0; b < 10; b++) {
                h.processElement(new StreamRecord<>(query("benign-" + b, i, t, natural(r)), t));
            }
            h.processElement(new StreamRecord<>(query("attacker", i, t, attack.get(i)), t));
            t += 100;
        }

        // Jacobian augmentation also sends runs of near queries: the k-NN detector flags the
        // attacker too (once), and nobody else.
        assertThat(alerts(h)).extracting(x -> x.getSubject().getId()).containsOnly("attacker");
        assertThat(alerts(h))
                .extracting(Alert::getKind)
                .containsExactlyInAnyOrder(AlertKind.EXTRACTION, AlertKind.BLACKBOX_QUERY_ATTACK);
        Alert a = extractionAlerts(h).get(0);
        assertThat(a.getSubject().getType()).isEqualTo(SubjectType.CLIENT);
        assertThat(a.getSubject().getId()).isEqualTo("attacker");
        assertThat(a.getAtlasTechnique()).isEqualTo(ClientDetection.ATLAS_EXTRACT);
        long firedAt =
                Long.parseLong(
                        a.getEvidence().getDetails().get("extraction.prada.first_fired_at_query"));
        // PRADA tests from its 100th distance on; the attack shows at its first tests.
        assertThat(firedAt).isBetween(100L, 200L);
        assertThat(a.getEvidence().getDetails()).containsEntry("queries", Long.toString(firedAt));
        assertThat(a.getEvidence().getRequestIds()).containsExactly("attacker-" + (firedAt - 1));
        assertThat(a.getAlertId())
                .isEqualTo(
                        Ids.of(
                                "EXTRACTION",
                                "m",
                                "1",
                                "CLIENT",
                                "attacker",
                                "attacker-" + (firedAt - 1)));
        DetectorScore prada =
                a.getScores().stream()
                        .filter(s -> s.getDetector().equals("extraction.prada"))
                        .findFirst()
                        .orElseThrow();
        assertThat(prada.getFlagged()).isTrue();
        assertThat(prada.getScore()).isLessThan(prada.getThreshold());
        assertThat(a.getSummary()).contains("client attacker", "after " + firedAt + " queries");
        h.close();
    }

    @Test
    void shouldDropAnIdleClientsStateInEventTimeAndStartAfresh() throws Exception {
        var h = harness();
        Random r = new Random(11);
        List<double[]> attack = extraction(r, 300);
        for (int i = 0; i < 300; i++) {
            h.processElement(new StreamRecord<>(query("attacker", i, i * 10L, attack.get(i)), 0));
        }
        assertThat(extractionAlerts(h)).hasSize(1);
        assertThat(h.numKeyedStateEntries()).isEqualTo(4);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);

        h.processWatermark(2990 + TTL - 1);
        assertThat(h.numKeyedStateEntries()).as("not idle long enough yet").isEqualTo(4);
        h.processWatermark(2990 + TTL);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();

        // The same client attacks again later: a new incident, a new alert.
        long later = 2990 + TTL + 1000;
        List<double[]> again = extraction(r, 300);
        for (int i = 0; i < 300; i++) {
            h.processElement(
                    new StreamRecord<>(
                            query("attacker", 1000 + i, later + i, again.get(i)), later));
        }
        assertThat(extractionAlerts(h)).hasSize(2);
        assertThat(extractionAlerts(h).get(1).getAlertId())
                .isNotEqualTo(extractionAlerts(h).get(0).getAlertId());
        h.close();
    }

    /**
     * A HopSkipJump / Boundary-attack-like walk: the client starts from one natural point and sends
     * ever smaller perturbations of its latest query, each a step of 0.05 to 0.01 standard
     * deviations per feature.
     */
    private static List<double[]> boundaryWalk(Random r, int n) {
        List<double[]> out = new ArrayList<>();
        double[] x = natural(r);
        for (int i = 0; i < n; i++) {
            double step = 0.05 / (1 + i / 20.0);
            double[] next = x.clone();
            for (int j = 0; j < WIDTH; j++) {
                next[j] += step * r.nextGaussian();
            }
            out.add(next);
            x = next;
        }
        return out;
    }

    @Test
    void shouldAlertOnceOnABlackBoxQueryAttackAfterTheFirstScorableQuery() throws Exception {
        var h = harness();
        Random r = new Random(13);
        List<double[]> walk = boundaryWalk(r, 200);
        for (int i = 0; i < 200; i++) {
            for (int b = 0; b < 5; b++) {
                h.processElement(new StreamRecord<>(query("benign-" + b, i, i, natural(r)), i));
            }
            h.processElement(new StreamRecord<>(query("walker", i, i, walk.get(i)), i));
        }
        List<Alert> alerts =
                alerts(h).stream()
                        .filter(a -> a.getKind() == AlertKind.BLACKBOX_QUERY_ATTACK)
                        .toList();
        assertThat(alerts).hasSize(1);
        Alert a = alerts.get(0);
        assertThat(a.getSubject().getId()).isEqualTo("walker");
        assertThat(a.getAtlasTechnique()).isEqualTo(ClientDetection.ATLAS_BLACK_BOX);
        // The first query with 10 earlier ones to compare with is the 11th.
        assertThat(a.getEvidence().getDetails()).containsEntry("queries_to_detection", "11");
        assertThat(a.getScores().get(0).getScore()).isLessThan(KNN_THRESHOLD);
        assertThat(a.getSummary()).contains("client walker", "after 11 queries");
        h.close();
    }

    @Test
    void shouldCalibrateTheThresholdOnTheProfilesRowsAtAlpha() {
        ModelSpec spec = spec(new QueryAttackSettings(10, 100, 0.01, null, null, null));
        List<String> names = spec.features().featureNames();
        ProfileBuilder builder =
                ProfileBuilder.create(
                        ProfileSchema.of(names, List.of(), List.of()), ProfileSettings.defaults());
        Random r = new Random(17);
        for (int i = 0; i < 4000; i++) {
            builder.add(natural(r), null, null);
        }
        ReferenceProfile profile =
                builder.build(ProfileMetadata.of(Instant.parse("2026-12-03T00:00:00Z"), "m"));
        QueryAttackModel model = QueryAttackModel.of(spec, profile);
        double threshold = model.detector().threshold();
        // Independently: fresh benign clients (i.i.d. natural queries, scaled by the profile's
        // deviations, which are about 1) are flagged at about alpha per scored query.
        int scored = 0;
        int flagged = 0;
        for (int c = 0; c < 100; c++) {
            var history = model.detector().newHistory();
            for (int i = 0; i < 200; i++) {
                var v = model.detector().observe(history, i, natural(r));
                scored += v.scored() ? 1 : 0;
                flagged += v.flagged() ? 1 : 0;
            }
        }
        assertThat(threshold).isBetween(0.5, 3.0);
        assertThat(flagged / (double) scored).isBetween(0.002, 0.03);
    }
}
