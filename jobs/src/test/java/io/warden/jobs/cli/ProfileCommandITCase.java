package io.warden.jobs.cli;

import static io.warden.jobs.profile.ReferenceData.CHURN;
import static io.warden.jobs.profile.ReferenceData.CLASSES;
import static io.warden.jobs.profile.ReferenceData.FEATURES;
import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.confidence.Confidence;
import io.warden.detectors.profile.ProfileIo;
import io.warden.detectors.profile.ProfileSettings;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.jobs.embedded.EmbeddedKafkaExtension;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.jobs.profile.ReferenceData;
import io.warden.jobs.profile.ReferenceData.Row;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warden profile --topic} against a real broker: event-time ranges over several partitions
 * with records out of order, the request/response join, and a missing topic.
 */
class ProfileCommandITCase {
    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    /**
     * Traffic of yesterday: in the past (brokers refuse timestamps more than an hour ahead of their
     * clock) and well within the default retention of 7 days. Nothing asserted depends on it.
     */
    private static final Instant T0 =
            Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(1));

    private static final Instant FROM = T0.plusSeconds(60);
    private static final Instant TO = T0.plusSeconds(120);
    private static final String CREATED = "2026-11-25T00:00:00Z";

    @TempDir Path dir;

    /** A record to produce: its partition, event time, and the row it carries. */
    private record Planned(int partition, Instant eventTime, Row row, String id) {
        boolean inRange() {
            return !eventTime.isBefore(FROM) && eventTime.isBefore(TO);
        }
    }

    private static Row row(Random r, double a) {
        double[] logits = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
        return new Row(
                new double[] {a, r.nextGaussian(), r.nextGaussian() * 2},
                Confidence.softmax(logits));
    }

    /**
     * Per partition: one record long before the range, one a second from 40 s to 140 s after T0
     * (the range is [60 s, 120 s)), the given specials, and one an hour after the range; in log
     * order by event time plus up to 3 s of jitter, so out of order but within the 5 s margin.
     */
    private static List<Planned> plan(int partitions, long seed, List<Planned> specials) {
        Random r = new Random(seed);
        List<Planned> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            List<Planned> mine = new ArrayList<>();
            mine.add(new Planned(p, T0, row(r, 0), "early-" + p));
            for (int s = 40; s < 140; s++) {
                mine.add(
                        new Planned(
                                p,
                                T0.plusSeconds(s).plusMillis(r.nextInt(1000)),
                                row(r, r.nextDouble() * 20 - 10),
                                "r-" + p + "-" + s));
            }
            for (Planned special : specials) {
                if (special.partition() == p) {
                    mine.add(special);
                }
            }
            mine.add(new Planned(p, TO.plus(Duration.ofHours(1)), row(r, 0), "late-" + p));
            List<double[]> keys = new ArrayList<>();
            for (Planned m : mine) {
                keys.add(new double[] {m.eventTime().toEpochMilli() + r.nextInt(3000)});
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < mine.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingDouble(i -> keys.get(i)[0]));
            order.forEach(i -> all.add(mine.get(i)));
        }
        return all;
    }

    private static void send(
            CheckedProducer producer,
            String topic,
            int partition,
            Instant eventTime,
            String key,
            byte[] value) {
        // The Kafka timestamp is when the server logged the record: a little after event time.
        producer.send(
                new ProducerRecord<>(
                        topic,
                        partition,
                        eventTime.toEpochMilli() + 100,
                        key.getBytes(StandardCharsets.UTF_8),
                        value));
    }

    private Cli.Result profile(Path config, Path out, String... args) {
        List<String> all =
                new ArrayList<>(
                        List.of(
                                "profile",
                                "-c",
                                config.toString(),
                                "-m",
                                CHURN,
                                "--from",
                                FROM.toString(),
                                "--to",
                                TO.toString(),
                                "-o",
                                out.toString(),
                                "--created",
                                CREATED));
        all.addAll(List.of(args));
        return Cli.run(all);
    }

    private static ReferenceProfile direct(
            List<String> classes, List<Row> rows, ReferenceProfile written) {
        return ReferenceData.expected(
                FEATURES, classes, rows, false, ProfileSettings.defaults(), written.metadata());
    }

    @Test
    void shouldProfileExactlyTheEventsOfTheRangeFromEveryPartition() throws Exception {
        String prefix = "range";
        KAFKA.cluster().createTopics(3, prefix + ".events");
        Random r = new Random(99);
        // The boundaries, marked by their value of feature a: in, in, out, out.
        List<Planned> specials =
                List.of(
                        new Planned(0, FROM, row(r, 1000), "at-from"),
                        new Planned(1, TO.minusMillis(1), row(r, -1000), "just-before-to"),
                        new Planned(2, FROM.minusMillis(1), row(r, 5000), "just-before-from"),
                        new Planned(2, TO, row(r, -5000), "at-to"));
        List<Planned> planned = plan(3, 7, specials);
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            for (Planned p : planned) {
                InferenceEvent e = ReferenceData.event(p.id(), p.eventTime(), p.row());
                send(
                        producer,
                        prefix + ".events",
                        p.partition(),
                        p.eventTime(),
                        p.id(),
                        AvroCodec.standard().encode(e));
                if (p.id().equals("r-1-90")) {
                    // Garbage inside the range: skipped and counted, within the allowed share.
                    send(
                            producer,
                            prefix + ".events",
                            1,
                            p.eventTime(),
                            "garbage",
                            new byte[] {1, 2, 3});
                }
            }
            producer.flush();
        }
        // The config already names the profile (not built yet) and pins an older one's hash.
        Path config =
                ReferenceData.writeConfig(
                        dir,
                        KAFKA.bootstrapServers(),
                        prefix,
                        "profile: churn.profile.json\nprofile-sha256: " + "0".repeat(64) + "\n");
        Path out = dir.resolve("churn.profile.json");

        Cli.Result result = profile(config, out, "-t", "events");

        assertThat(result.exitCode()).as("%s", result).isZero();
        List<Row> inRange = new ArrayList<>();
        planned.stream()
                .sorted(Comparator.comparingInt(Planned::partition)) // stable: offset order kept
                .filter(Planned::inRange)
                .forEach(p -> inRange.add(p.row()));
        assertThat(inRange).hasSize(3 * 60 + 2);
        ReferenceProfile written = ProfileIo.read(out).profile();
        assertThat(written.rows()).isEqualTo(182);
        assertThat(written.numeric("a").max()).as("the record at from").isEqualTo(1000);
        assertThat(written.numeric("a").min()).as("the record just before to").isEqualTo(-1000);
        assertThat(written).isEqualTo(direct(CLASSES, inRange, written));
        assertThat(written.source())
                .isEqualTo(
                        "topic range.events (inference events), event time ["
                                + FROM
                                + ", "
                                + TO
                                + ")");
        assertThat(result.out())
                .contains("182 profiled, 1 skipped (0.55%: UNDECODABLE 1)")
                .contains("range.events/1@")
                .contains("range.events: read ")
                .doesNotContain("warning");
    }

    @Test
    void shouldJoinRequestsWithTheirResponsesAndCountTheOrphans() throws Exception {
        String prefix = "join";
        KAFKA.cluster().createTopics(2, prefix + ".requests", prefix + ".responses");
        List<Planned> planned = plan(2, 8, List.of());
        List<Row> joined = new ArrayList<>();
        List<Row> requested = new ArrayList<>();
        int orphans = 0;
        try (CheckedProducer producer =
                CheckedProducer.create(KAFKA.cluster().clientProperties())) {
            int n = 0;
            for (Planned p : planned) {
                InferenceRequest req = ReferenceData.request(p.id(), p.eventTime(), p.row());
                send(
                        producer,
                        prefix + ".requests",
                        p.partition(),
                        p.eventTime(),
                        p.id(),
                        JsonCodec.standard().encode(req));
                boolean inRange = p.inRange();
                n++;
                if (inRange && n % 20 == 0) {
                    orphans++; // no response at all
                } else if (inRange && n % 31 == 0) {
                    orphans++; // a response too late for the join timeout (30 s)
                    Instant late = p.eventTime().plusSeconds(45);
                    send(
                            producer,
                            prefix + ".responses",
                            1 - p.partition(),
                            late,
                            p.id(),
                            AvroCodec.standard()
                                    .encode(ReferenceData.response(p.id(), late, p.row())));
                } else {
                    Instant t = p.eventTime().plusMillis(40);
                    InferenceResponse resp = ReferenceData.response(p.id(), t, p.row());
                    send(
                            producer,
                            prefix + ".responses",
                            1 - p.partition(),
                            t,
                            p.id(),
                            AvroCodec.standard().encode(resp));
                    if (inRange) {
                        joined.add(p.row());
                    }
                }
                if (inRange) {
                    requested.add(p.row());
                }
                if (p.id().equals("r-0-70")) {
                    // Another model's request in range: not this profile's, and no orphan either.
                    InferenceRequest other = ReferenceData.request("other", p.eventTime(), p.row());
                    other.setModelName("digits");
                    send(
                            producer,
                            prefix + ".requests",
                            0,
                            p.eventTime(),
                            "other",
                            JsonCodec.standard().encode(other));
                }
            }
            producer.flush();
        }
        // Requests were produced partition by partition in plan order, so the joined rows (and
        // the requested ones) are already in (partition, offset) order.
        assertThat(orphans).isGreaterThan(1);
        Path config = ReferenceData.writeConfig(dir, KAFKA.bootstrapServers(), prefix, "");
        Path out = dir.resolve("joined.json");

        Cli.Result result = profile(config, out, "-t", "requests", "--max-invalid-share", "0.1");

        assertThat(result.exitCode()).as("%s", result).isZero();
        ReferenceProfile written = ProfileIo.read(out).profile();
        assertThat(written.rows()).isEqualTo(joined.size()).isEqualTo(120 - orphans);
        assertThat(written.predictions()).isPresent();
        assertThat(written).isEqualTo(direct(CLASSES, joined, written));
        assertThat(result.out())
                .contains(joined.size() + " profiled, " + orphans + " skipped")
                .contains("ORPHAN " + orphans)
                .contains("1 of other models {digits:1=1}")
                .contains("beyond input.join-timeout")
                .contains("no response with request_id");

        Path features = dir.resolve("features.json");
        Cli.Result requestsOnly = profile(config, features, "-t", "requests", "--requests-only");

        assertThat(requestsOnly.exitCode()).as("%s", requestsOnly).isZero();
        ReferenceProfile featuresOnly = ProfileIo.read(features).profile();
        assertThat(featuresOnly.rows()).isEqualTo(120);
        assertThat(featuresOnly.predictions()).isEmpty();
        assertThat(featuresOnly).isEqualTo(direct(List.of(), requested, featuresOnly));
        assertThat(requestsOnly.out()).contains("predictions  none: the input holds requests");
    }

    @Test
    void shouldFailForATopicThatDoesNotExist() throws Exception {
        Path config = ReferenceData.writeConfig(dir, KAFKA.bootstrapServers(), "missing", "");

        Cli.Result result = profile(config, dir.resolve("p.json"), "-t", "events");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(WardenCli.EXIT_FAILURE);
        assertThat(result.err())
                .contains("topic 'missing.events' does not exist on " + KAFKA.bootstrapServers());
    }
}
