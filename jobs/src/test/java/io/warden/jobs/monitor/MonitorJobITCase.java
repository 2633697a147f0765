package io.warden.jobs.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.confidence.ConfidenceAnomalyDetector;
import io.warden.jobs.config.InputSettings;
import io.warden.jobs.config.KafkaSettings;
import io.warden.jobs.config.TopicSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.demo.Demo;
import io.warden.jobs.demo.DemoModel;
import io.warden.jobs.demo.DemoTraffic;
import io.warden.jobs.demo.DemoTraffic.Planned;
import io.warden.jobs.demo.DemoTraffic.Truth;
import io.warden.jobs.embedded.EmbeddedKafkaExtension;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.jobs.kafka.KafkaRecords;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.SubjectType;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.InboundContext;
import io.warden.schemas.codec.InboundDecoder;
import io.warden.schemas.codec.InputFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor job end to end: a real KRaft broker, a MiniCluster at parallelism 2, traffic with
 * known truth in all three wire formats, out of order and spread over partitions.
 */
class MonitorJobITCase {
    private static final int PARALLELISM = 2;

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    @TempDir Path work;

    /** The example config with topics of its own, so tests don't see each other's records. */
    private WardenConfig config(
            String prefix, KafkaSettings.Delivery delivery, InputSettings.Mode mode)
            throws Exception {
        WardenConfig c = Demo.demoConfig(work, KAFKA.bootstrapServers());
        TopicSettings t =
                new TopicSettings(
                        prefix + ".requests",
                        prefix + ".responses",
                        prefix + ".events",
                        prefix + ".feedback",
                        prefix + ".alerts",
                        prefix + ".decisions",
                        prefix + ".drift",
                        prefix + ".performance",
                        prefix + ".scores",
                        prefix + ".deadletter");
        KafkaSettings k = c.kafka();
        KafkaSettings kafka =
                new KafkaSettings(
                        k.bootstrapServers(),
                        prefix,
                        k.startingOffsets(),
                        delivery,
                        prefix,
                        k.properties());
        InputSettings in = c.input();
        InputSettings input =
                new InputSettings(
                        mode,
                        in.format(),
                        Duration.ofSeconds(10),
                        in.maxOutOfOrderness(),
                        in.idleTimeout());
        WardenConfig out =
                new WardenConfig(
                        kafka,
                        t,
                        input,
                        c.job().withCheckpointInterval(Duration.ofMillis(500)),
                        c.models());
        KAFKA.cluster()
                .createTopics(
                        3,
                        t.requests(),
                        t.responses(),
                        t.events(),
                        t.alerts(),
                        t.scores(),
                        t.deadLetter(),
                        t.drift(),
                        t.feedback(),
                        t.performance());
        return out;
    }

    /** Runs the monitor job over what the input topics hold now, to the end. */
    private static <T extends SpecificRecord> List<T> read(
            String topic, int expected, Class<T> type) {
        return KafkaRecords.readCommitted(KAFKA.bootstrapServers(), topic, expected, type);
    }

    @Test
    void shouldScoreAlertAndDeadLetterEveryRecordExactlyOnce() throws Exception {
        WardenConfig config =
                config("e2e", KafkaSettings.Delivery.EXACTLY_ONCE, InputSettings.Mode.SPLIT);
        DemoTraffic traffic =
                new DemoTraffic(
                        DemoModel.standard(),
                        11,
                        new DemoTraffic.Mix(0.03, 0.03),
                        Instant.parse("2026-11-25T10:00:00Z"),
                        400);
        List<Planned> planned = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            planned.add(traffic.next());
        }
        long produced = produceShuffled(config.topics(), planned, new Random(5));

        MonitorRuns.runBounded(config, PARALLELISM);

        // What must come out, from the truth and the detector applied outside Flink.
        ConfidenceAnomalyDetector detector =
                ModelCatalog.from(config).find(DemoModel.NAME, DemoModel.VERSION).confidence();
        Set<String> joinable = new HashSet<>();
        Set<String> expectedAlertIds = new HashSet<>();
        Map<String, List<DeadLetterReason>> expectedDead = new HashMap<>();
        for (Planned p : planned) {
            switch (p.truth()) {
                case BENIGN, AMBIGUOUS -> {
                    joinable.add(p.requestId());
                    if (detector.assess(p.probabilities()).flagged()) {
                        expectedAlertIds.add(
                                Ids.of(
                                        AlertKind.CONFIDENCE_ANOMALY.name(),
                                        DemoModel.NAME,
                                        DemoModel.VERSION,
                                        SubjectType.REQUEST.name(),
                                        p.requestId()));
                    }
                }
                case NAN_INPUT, WRONG_SHAPE ->
                        expectedDead.put(
                                p.requestId(),
                                List.of(DeadLetterReason.INVALID, DeadLetterReason.ORPHAN));
                case UNKNOWN_MODEL ->
                        expectedDead.put(
                                p.requestId(),
                                List.of(
                                        DeadLetterReason.UNKNOWN_MODEL,
                                        DeadLetterReason.UNKNOWN_MODEL));
                case NO_RESPONSE ->
                        expectedDead.put(p.requestId(), List.of(DeadLetterReason.ORPHAN));
                case GARBAGE ->
                        expectedDead.put(p.requestId(), List.of(DeadLetterReason.UNDECODABLE));
            }
        }
        int expectedDeadCount = expectedDead.values().stream().mapToInt(List::size).sum();
        assertThat(expectedAlertIds).hasSizeGreaterThan(20);
        assertThat(expectedDeadCount).isGreaterThan(50);

        List<ScoreRecord> scores =
                read(config.topics().scores(), joinable.size(), ScoreRecord.class);
        // Only the confidence alerts: this traffic's defects and ambiguous share also make drift.
        List<Alert> alerts =
                read(config.topics().alerts(), expectedAlertIds.size(), Alert.class).stream()
                        .filter(a -> a.getKind() == AlertKind.CONFIDENCE_ANOMALY)
                        .toList();
        List<DeadLetter> dead =
                read(config.topics().deadLetter(), expectedDeadCount, DeadLetter.class);

        // Joined exactly once each: no request lost, none duplicated.
        assertThat(scores)
                .extracting(ScoreRecord::getRequestId)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(joinable);
        // Exactly the expected alerts, with deterministic ids, about the right requests.
        assertThat(alerts)
                .extracting(Alert::getAlertId)
                .containsExactlyInAnyOrderElementsOf(expectedAlertIds);
        assertThat(alerts)
                .allSatisfy(
                        a -> {
                            assertThat(a.getKind()).isEqualTo(AlertKind.CONFIDENCE_ANOMALY);
                            assertThat(a.getSubject().getType()).isEqualTo(SubjectType.REQUEST);
                            assertThat(a.getEvidence().getRequestIds())
                                    .containsExactly(a.getSubject().getId());
                            assertThat(a.getProfileId())
                                    .isEqualTo(io.warden.jobs.demo.DemoProfile.ID);
                            assertThat(a.getScores()).hasSize(3).anyMatch(s -> s.getFlagged());
                        });
        // Every defective record on the dead-letter topic with its reason, and nothing else there.
        Map<String, List<DeadLetterReason>> actualDead = new HashMap<>();
        for (DeadLetter d : dead) {
            String id =
                    d.getRequestId() != null
                            ? d.getRequestId()
                            : new String(bytes(d.getKey()), StandardCharsets.UTF_8);
            actualDead.computeIfAbsent(id, k -> new ArrayList<>()).add(d.getReasonCode());
            assertThat(d.getSource()).isNotNull();
            assertThat(d.getReason()).isNotBlank();
        }
        actualDead.values().forEach(Collections::sort);
        Map<String, List<DeadLetterReason>> expectedSorted = new HashMap<>();
        expectedDead.forEach((k, v) -> expectedSorted.put(k, v.stream().sorted().toList()));
        assertThat(actualDead).isEqualTo(expectedSorted);
        assertThat(dead)
                .filteredOn(d -> d.getReasonCode() == DeadLetterReason.UNDECODABLE)
                .allSatisfy(
                        d ->
                                assertThat(d.getSource().getTopic())
                                        .isEqualTo(config.topics().requests()));
        assertThat(dead)
                .filteredOn(d -> d.getReasonCode() == DeadLetterReason.INVALID)
                .allSatisfy(
                        d ->
                                assertThat(d.getReason())
                                        .containsAnyOf(
                                                "NaN or infinite",
                                                "does not fit the configured [8]"));
        // The counts add up: every input record joined (two per score) or dead-lettered.
        assertThat(2L * scores.size() + dead.size()).isEqualTo(produced);
        // The detector does what it promises on this traffic: most ambiguous inputs caught.
        Set<String> ambiguous =
                planned.stream()
                        .filter(p -> p.truth() == Truth.AMBIGUOUS)
                        .map(Planned::requestId)
                        .collect(Collectors.toSet());
        long caught =
                alerts.stream().filter(a -> ambiguous.contains(a.getSubject().getId())).count();
        assertThat((double) caught / ambiguous.size()).isGreaterThan(0.8);
    }

    @Test
    void shouldScoreCombinedEventsAtLeastOnce() throws Exception {
        WardenConfig config =
                config(
                        "combined",
                        KafkaSettings.Delivery.AT_LEAST_ONCE,
                        InputSettings.Mode.COMBINED);
        DemoTraffic traffic =
                new DemoTraffic(
                        DemoModel.standard(),
                        12,
                        new DemoTraffic.Mix(0.05, 0.0),
                        Instant.parse("2026-11-25T11:00:00Z"),
                        100);
        Set<String> ids = new HashSet<>();
        InboundDecoder decoder = InboundDecoder.standard();
        InboundContext any = InboundContext.of(InputFormat.AUTO);
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (int i = 0; i < 400; i++) {
                Planned p = traffic.next();
                ids.add(p.requestId());
                InferenceEvent e =
                        RequestResponseJoin.join(
                                decoder.decodeRequest(value(p, DemoTraffic.Stream.REQUESTS), any),
                                decoder.decodeResponse(
                                        value(p, DemoTraffic.Stream.RESPONSES), any));
                producer.send(
                        config.topics().events(),
                        p.requestId().getBytes(StandardCharsets.UTF_8),
                        AvroCodec.standard().encode(e));
            }
            producer.flush();
        }

        MonitorRuns.runBounded(config, PARALLELISM);

        List<ScoreRecord> scores = read(config.topics().scores(), ids.size(), ScoreRecord.class);
        assertThat(scores)
                .extracting(ScoreRecord::getRequestId)
                .containsExactlyInAnyOrderElementsOf(ids);
    }

    /** Sends the planned records in shuffled blocks of 64 requests: out of order, within bounds. */
    private static long produceShuffled(
            TopicSettings topics, List<Planned> planned, Random random) {
        long sent = 0;
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (int from = 0; from < planned.size(); from += 64) {
                List<DemoTraffic.Record> block = new ArrayList<>();
                planned.subList(from, Math.min(planned.size(), from + 64))
                        .forEach(p -> block.addAll(p.records()));
                Collections.shuffle(block, random);
                for (DemoTraffic.Record r : block) {
                    String topic =
                            r.stream() == DemoTraffic.Stream.REQUESTS
                                    ? topics.requests()
                                    : topics.responses();
                    producer.send(topic, r.key().getBytes(StandardCharsets.UTF_8), r.value());
                    sent++;
                }
            }
            producer.flush();
        }
        return sent;
    }

    private static byte[] value(Planned p, DemoTraffic.Stream stream) {
        return p.records().stream()
                .filter(r -> r.stream() == stream)
                .findFirst()
                .orElseThrow()
                .value();
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
