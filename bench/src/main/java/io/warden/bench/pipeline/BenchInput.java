package io.warden.bench.pipeline;

import io.warden.detectors.confidence.ConfidenceAnomalyDetector;
import io.warden.jobs.config.TopicSettings;
import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.demo.DemoModel;
import io.warden.jobs.demo.DemoTraffic;
import io.warden.jobs.demo.DemoTraffic.Planned;
import io.warden.jobs.demo.DemoTraffic.Truth;
import io.warden.jobs.kafka.CheckedProducer;
import io.warden.jobs.monitor.Ids;
import io.warden.jobs.monitor.ModelCatalog;
import io.warden.schemas.AlertKind;
import io.warden.schemas.SubjectType;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.CodecException;
import io.warden.schemas.codec.InboundContext;
import io.warden.schemas.codec.InboundDecoder;
import io.warden.schemas.codec.InputFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes the benchmark's input to Kafka once, before any job runs: {@link DemoTraffic} for {@link
 * DemoModel} with its standard mix (about 2% ambiguous inputs, 0.4% defective records), each
 * request and its response keyed by request id, and works out on the way what each job must write
 * for it, from the traffic's known truth and the confidence detector applied outside Flink.
 */
final class BenchInput {
    /** Event time of the first request; later ones follow at {@link #EVENT_RATE}. */
    static final Instant EVENT_START = Instant.parse("2026-01-01T00:00:00Z");

    /** Requests per second of event time. */
    static final double EVENT_RATE = 1000;

    /** Which wire formats the records use. */
    enum Formats {
        /**
         * As {@link DemoTraffic} writes them: 70% Avro single-object, 20% warden JSON, 10% Open
         * Inference Protocol v2 JSON (per request; its response uses the same format).
         */
        MIXED,
        /** Every decodable record re-encoded as Avro single-object. */
        AVRO
    }

    /** What a job must write for this input: the keys of each output topic. */
    record Expected(KeyDigest scores, KeyDigest deadLetters, KeyDigest alerts) {
        long total() {
            return scores.count() + deadLetters.count() + alerts.count();
        }
    }

    /** The input as written, and what each job must make of it. */
    record Produced(
            int requests,
            Map<Truth, Integer> truths,
            long requestRecords,
            long responseRecords,
            long requestBytes,
            long responseBytes,
            long avroRecords,
            long jsonRecords,
            Duration produceTime,
            Expected monitor,
            Expected passThrough) {

        long records() {
            return requestRecords + responseRecords;
        }
    }

    private BenchInput() {}

    /**
     * Produces {@code requests} planned requests to the config's request and response topics (which
     * must exist) and returns what was written.
     */
    static Produced produce(
            Map<String, Object> kafka,
            WardenConfig config,
            int requests,
            long seed,
            Formats formats) {
        TopicSettings topics = config.topics();
        DemoTraffic traffic =
                new DemoTraffic(
                        DemoModel.standard(),
                        seed,
                        DemoTraffic.Mix.standard(),
                        EVENT_START,
                        EVENT_RATE);
        ConfidenceAnomalyDetector detector =
                ModelCatalog.from(config).find(DemoModel.NAME, DemoModel.VERSION).confidence();
        InboundDecoder decoder = InboundDecoder.standard();
        InboundContext anyFormat = InboundContext.of(InputFormat.AUTO);

        Map<Truth, Integer> truths = new EnumMap<>(Truth.class);
        Expected monitor = new Expected(new KeyDigest(), new KeyDigest(), new KeyDigest());
        Expected pass = new Expected(new KeyDigest(), new KeyDigest(), new KeyDigest());
        long requestRecords = 0;
        long responseRecords = 0;
        long requestBytes = 0;
        long responseBytes = 0;
        long avro = 0;
        long json = 0;
        List<Future<RecordMetadata>> garbage = new ArrayList<>();
        long start = System.nanoTime();
        try (CheckedProducer producer = CheckedProducer.create(kafka)) {
            for (int i = 0; i < requests; i++) {
                Planned p = traffic.next();
                truths.merge(p.truth(), 1, Integer::sum);
                expect(p, detector, monitor, pass);
                for (DemoTraffic.Record r : p.records()) {
                    boolean request = r.stream() == DemoTraffic.Stream.REQUESTS;
                    byte[] value = r.value();
                    if (formats == Formats.AVRO && p.truth() != Truth.GARBAGE) {
                        value = toAvro(decoder, anyFormat, request, value);
                    }
                    byte[] key = r.key().getBytes(StandardCharsets.UTF_8);
                    Future<RecordMetadata> sent =
                            producer.send(
                                    request ? topics.requests() : topics.responses(), key, value);
                    if (p.truth() == Truth.GARBAGE) {
                        garbage.add(sent);
                    } else if (isAvro(value)) {
                        avro++;
                    } else {
                        json++;
                    }
                    if (request) {
                        requestRecords++;
                        requestBytes += key.length + value.length;
                    } else {
                        responseRecords++;
                        responseBytes += key.length + value.length;
                    }
                }
            }
            producer.flush();
        }
        Duration produceTime = Duration.ofNanos(System.nanoTime() - start);
        // Undecodable records carry no request id: their dead letters are keyed by where they were.
        for (Future<RecordMetadata> f : garbage) {
            RecordMetadata m;
            try {
                m = f.get();
            } catch (Exception e) {
                throw new IllegalStateException("a produced record has no metadata", e);
            }
            String where = m.topic() + "/" + m.partition() + "/" + m.offset();
            monitor.deadLetters().add(where);
            pass.deadLetters().add(where);
        }
        return new Produced(
                requests,
                truths,
                requestRecords,
                responseRecords,
                requestBytes,
                responseBytes,
                avro,
                json,
                produceTime,
                monitor,
                pass);
    }

    /**
     * What each job writes for one planned request. The monitor joins a valid pair into one score
     * (and an alert if the detector flags it) and dead-letters the rest: invalid records where they
     * are read, partners left alone as orphans. The pass-through job writes one score per valid
     * record and one dead letter per invalid one. Undecodable (garbage) records are added later.
     */
    private static void expect(
            Planned p, ConfidenceAnomalyDetector detector, Expected monitor, Expected pass) {
        String id = p.requestId();
        switch (p.truth()) {
            case BENIGN, AMBIGUOUS -> {
                monitor.scores().add(id);
                if (detector.assess(p.probabilities()).flagged()) {
                    monitor.alerts()
                            .add(
                                    Ids.of(
                                            AlertKind.CONFIDENCE_ANOMALY.name(),
                                            DemoModel.NAME,
                                            DemoModel.VERSION,
                                            SubjectType.REQUEST.name(),
                                            id));
                }
                pass.scores().add(id);
                pass.scores().add(id);
            }
            case NAN_INPUT, WRONG_SHAPE -> {
                // The request is invalid; its response waits in vain and is an orphan.
                monitor.deadLetters().add(id);
                monitor.deadLetters().add(id);
                pass.deadLetters().add(id);
                pass.scores().add(id);
            }
            case UNKNOWN_MODEL -> {
                monitor.deadLetters().add(id);
                monitor.deadLetters().add(id);
                pass.deadLetters().add(id);
                pass.deadLetters().add(id);
            }
            case NO_RESPONSE -> {
                monitor.deadLetters().add(id);
                pass.scores().add(id);
            }
            case GARBAGE -> {
                // keyed by topic/partition/offset, known once written
            }
        }
    }

    private static byte[] toAvro(
            InboundDecoder decoder, InboundContext ctx, boolean request, byte[] value) {
        if (isAvro(value)) {
            return value;
        }
        try {
            return request
                    ? AvroCodec.standard().encode(decoder.decodeRequest(value, ctx))
                    : AvroCodec.standard().encode(decoder.decodeResponse(value, ctx));
        } catch (CodecException e) {
            throw new IllegalStateException("demo traffic that does not decode", e);
        }
    }

    /** Avro single-object encoding starts with the marker {@code C3 01}. */
    static boolean isAvro(byte[] value) {
        return value.length >= 2 && value[0] == (byte) 0xC3 && value[1] == 0x01;
    }
}
