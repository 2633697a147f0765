package io.warden.jobs.profile;

import io.warden.jobs.config.Durations;
import io.warden.jobs.monitor.RequestResponseJoin;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.codec.CodecException;
import io.warden.schemas.codec.InboundContext;
import io.warden.schemas.codec.InboundDecoder;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The records of a topic whose event time is in {@code [from, to)}: inference events as they are,
 * or inference requests, joined in memory with their responses from the responses topic (or, {@code
 * requestsOnly}, alone: a profile without predictions).
 *
 * <p><b>Which offsets are read.</b> Each partition is read from the offset that {@link
 * KafkaConsumer#offsetsForTimes} finds for {@code from - margin} (the first record whose Kafka
 * timestamp is at least that) up to the partition's end offset when reading starts, or until the
 * partition's highest event time seen reaches {@code to + margin}: the partition's watermark, as
 * the monitor job computes it with {@code input.max-out-of-orderness} as the margin, has then
 * passed {@code to}, and every later record is at least {@code to} in event time. Every record read
 * is filtered on its own {@code event_time}. So the range is exact when each record's Kafka
 * timestamp is at most one margin earlier than its event time (normally it is later: the server
 * logs after the request arrives) and records are at most one margin out of order; a warning says
 * when the timestamps seen break the first rule. Timestamps much later than event times (traffic
 * replayed with {@code warden produce}, stamped when produced) only make the reading start earlier,
 * at worst at the beginning of the partition.
 *
 * <p><b>The join.</b> Responses are read first, over {@code [from - margin, to + join-timeout +
 * margin)}, and held in memory by request id (those of the profiled model's name only; at most
 * {@code maxResponses}, beyond which the command fails rather than grow without bound). Then each
 * request in range takes its response: a request without one, or whose response is further than
 * {@code input.join-timeout} away in event time, is an ORPHAN, as the monitor job would report it
 * (a second request with the same id finds its response taken and is an orphan too). Responses left
 * over belong to requests outside the range or to none; they are counted in a note, not profiled.
 * Undecodable or duplicate responses are counted in a note too.
 *
 * <p><b>Order.</b> Partitions are read one at a time in ascending order, each in offset order, so
 * the same topic contents give the same profile. Reads committed records only unless the client
 * properties say otherwise.
 */
final class TopicRangeInput implements ReferenceInput {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    /** A partition that returns nothing this long, short of its end offset, is an error. */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    /** One partition's offsets to read: [start, end). */
    private record Plan(TopicPartition partition, long start, long end) {
        long size() {
            return Math.max(0, end - start);
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final RecordType type;
    private final String responsesTopic; // null without a join
    private final long from;
    private final long to;
    private final long margin;
    private final long joinTimeout;
    private final InboundContext context;
    private final ProfileTarget target;
    private final long maxResponses;
    private final List<Plan> plans;
    private final List<Plan> responsePlans;
    private final List<String> notes = new ArrayList<>();
    private long read;

    private TopicRangeInput(
            KafkaConsumer<byte[], byte[]> consumer,
            String topic,
            RecordType type,
            String responsesTopic,
            long from,
            long to,
            long margin,
            long joinTimeout,
            InboundContext context,
            ProfileTarget target,
            long maxResponses,
            String bootstrap) {
        this.consumer = consumer;
        this.topic = topic;
        this.type = type;
        this.responsesTopic = responsesTopic;
        this.from = from;
        this.to = to;
        this.margin = margin;
        this.joinTimeout = joinTimeout;
        this.context = context;
        this.target = target;
        this.maxResponses = maxResponses;
        this.plans = plan(topic, from - margin, bootstrap);
        this.responsePlans =
                responsesTopic == null ? List.of() : plan(responsesTopic, from - margin, bootstrap);
    }

    /**
     * Connects and finds the offsets to read (the end offsets are those of this moment).
     *
     * @param clientProperties Kafka consumer properties incl. {@code bootstrap.servers}; a {@code
     *     group.id} is ignored (no group is joined, no offsets committed)
     * @throws ProfileInputException if a topic does not exist
     */
    static TopicRangeInput open(
            Map<String, Object> clientProperties,
            ReferenceInputs.TopicRange o,
            ProfileTarget target) {
        if (!o.from().isBefore(o.to())) {
            throw new IllegalArgumentException("--from must be before --to");
        }
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.remove("group.id");
        props.put("enable.auto.commit", "false");
        props.putIfAbsent("isolation.level", "read_committed");
        props.putIfAbsent("allow.auto.create.topics", "false");
        props.putIfAbsent("max.poll.records", "5000");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            return new TopicRangeInput(
                    consumer,
                    o.topic(),
                    o.type(),
                    o.responsesTopic(),
                    o.from().toEpochMilli(),
                    o.to().toEpochMilli(),
                    o.margin().toMillis(),
                    o.joinTimeout().toMillis(),
                    o.context(),
                    target,
                    o.maxResponses(),
                    String.valueOf(props.get("bootstrap.servers")));
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    private List<Plan> plan(String name, long startTime, String bootstrap) {
        List<PartitionInfo> infos = consumer.partitionsFor(name, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new ProfileInputException("topic '" + name + "' does not exist on " + bootstrap);
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(i -> partitions.add(new TopicPartition(name, i.partition())));
        partitions.sort(Comparator.comparingInt(TopicPartition::partition));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, METADATA_TIMEOUT);
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, Math.max(0L, startTime)));
        Map<TopicPartition, OffsetAndTimestamp> starts =
                consumer.offsetsForTimes(times, METADATA_TIMEOUT);
        List<Plan> out = new ArrayList<>();
        for (TopicPartition p : partitions) {
            long end = ends.get(p);
            OffsetAndTimestamp start = starts.get(p);
            out.add(new Plan(p, start == null ? end : Math.min(start.offset(), end), end));
        }
        return out;
    }

    @Override
    public String description() {
        String range = "[" + Instant.ofEpochMilli(from) + ", " + Instant.ofEpochMilli(to) + ")";
        if (responsesTopic != null) {
            return "topics " + topic + " joined with " + responsesTopic + ", event time " + range;
        }
        return "topic " + topic + " (" + TextFiles.plural(type) + "), event time " + range;
    }

    @Override
    public boolean hasPredictions() {
        return type.hasPredictions() || responsesTopic != null;
    }

    @Override
    public long expectedRecords() {
        long n = 0;
        for (Plan p : plans) {
            n += p.size();
        }
        for (Plan p : responsePlans) {
            n += p.size();
        }
        return n;
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }

    @Override
    public void read(Consumer<InputRecord> sink, LongConsumer progress) throws IOException {
        try {
            InboundDecoder decoder = InboundDecoder.standard();
            Skew skew = new Skew();
            Map<String, Located<InferenceResponse>> responses = new HashMap<>();
            if (responsesTopic != null) {
                readResponses(decoder, responses, skew, progress);
            }
            long[] outside = new long[1];
            long[] recordsRead = new long[1];
            for (Plan p : plans) {
                readPartition(
                        p,
                        to,
                        progress,
                        r -> {
                            recordsRead[0]++;
                            return handle(r, decoder, responses, skew, outside, sink);
                        });
            }
            notes.add(
                    String.format(
                            Locale.ROOT,
                            "%s: read %,d records of %d partition(s); %,d outside the range (read"
                                    + " for the margin of %s)",
                            topic,
                            recordsRead[0],
                            plans.size(),
                            outside[0],
                            Durations.format(Duration.ofMillis(margin))));
            if (responsesTopic != null && !responses.isEmpty()) {
                notes.add(
                        String.format(
                                Locale.ROOT,
                                "%s: %,d response(s) of model %s had no request in the range"
                                        + " (their requests are outside it, or missing): not"
                                        + " profiled",
                                responsesTopic,
                                responses.size(),
                                target.modelName()));
            }
            if (skew.max > margin) {
                notes.add(
                        String.format(
                                Locale.ROOT,
                                "warning: Kafka record timestamps are up to %s earlier than"
                                        + " event_time (at %s), more than the margin of %s: the"
                                        + " start offsets, found by timestamp, may miss records of"
                                        + " the range; widen --time-margin",
                                Durations.format(Duration.ofMillis(skew.max)),
                                skew.where,
                                Durations.format(Duration.ofMillis(margin))));
            }
        } catch (KafkaException e) {
            throw new IOException("reading from Kafka failed: " + e, e);
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        consumer.close();
    }

    /** A record with where it was read. */
    private record Located<T>(T value, String location) {}

    /**
     * How much earlier than its event time a record's Kafka timestamp is, at most: beyond the
     * margin, the start offsets found by timestamp may come too late. (Timestamps later than event
     * times, say of traffic produced long after it happened, only make the reading start earlier.)
     */
    private static final class Skew {
        long max;
        String where = "";

        void see(long kafkaTimestamp, long eventTime, String location) {
            if (kafkaTimestamp < 0) {
                return;
            }
            long early = eventTime - kafkaTimestamp;
            if (early > max) {
                max = early;
                where = location;
            }
        }
    }

    /** Handles one record; returns its event time, or null if it has none (undecodable). */
    @FunctionalInterface
    private interface Handler {
        Long handle(ConsumerRecord<byte[], byte[]> r);
    }

    private void readResponses(
            InboundDecoder decoder,
            Map<String, Located<InferenceResponse>> responses,
            Skew skew,
            LongConsumer progress)
            throws IOException {
        long[] undecodable = new long[1];
        long[] duplicates = new long[1];
        for (Plan p : responsePlans) {
            readPartition(
                    p,
                    to + joinTimeout,
                    progress,
                    r -> {
                        String location = location(r);
                        InferenceResponse response;
                        try {
                            response =
                                    decoder.decodeResponse(
                                            r.value(),
                                            context.withFallbackEventTime(r.timestamp()));
                        } catch (CodecException e) {
                            undecodable[0]++;
                            return null;
                        }
                        long eventTime = response.getEventTime().toEpochMilli();
                        skew.see(r.timestamp(), eventTime, location);
                        if (target.modelName().equals(response.getModelName())) {
                            if (responses.putIfAbsent(
                                            response.getRequestId(),
                                            new Located<>(response, location))
                                    != null) {
                                duplicates[0]++;
                            } else if (responses.size() > maxResponses) {
                                throw new ProfileInputException(
                                        String.format(
                                                Locale.ROOT,
                                                "more than %,d responses of model %s on %s around"
                                                        + " the range: they are held in memory for"
                                                        + " the join; narrow the range or raise"
                                                        + " --max-responses",
                                                maxResponses,
                                                target.modelName(),
                                                responsesTopic));
                            }
                        }
                        return eventTime;
                    });
        }
        if (undecodable[0] > 0 || duplicates[0] > 0) {
            notes.add(
                    String.format(
                            Locale.ROOT,
                            "%s: %,d undecodable and %,d duplicate response(s) ignored (the"
                                    + " requests they answer count as orphans)",
                            responsesTopic,
                            undecodable[0],
                            duplicates[0]));
        }
    }

    private Long handle(
            ConsumerRecord<byte[], byte[]> r,
            InboundDecoder decoder,
            Map<String, Located<InferenceResponse>> responses,
            Skew skew,
            long[] outside,
            Consumer<InputRecord> sink) {
        String location = location(r);
        InboundContext ctx = context.withFallbackEventTime(r.timestamp());
        long eventTime;
        if (type == RecordType.EVENT) {
            InferenceEvent event;
            try {
                event = decoder.decodeEvent(r.value(), ctx);
            } catch (CodecException e) {
                sink.accept(
                        InputRecord.rejected(
                                location, DeadLetterReason.UNDECODABLE, e.getMessage()));
                return null;
            }
            eventTime = event.getEventTime().toEpochMilli();
            skew.see(r.timestamp(), eventTime, location);
            if (eventTime < from || eventTime >= to) {
                outside[0]++;
            } else {
                sink.accept(InputRecord.of(location, event));
            }
            return eventTime;
        }
        InferenceRequest request;
        try {
            request = decoder.decodeRequest(r.value(), ctx);
        } catch (CodecException e) {
            sink.accept(
                    InputRecord.rejected(location, DeadLetterReason.UNDECODABLE, e.getMessage()));
            return null;
        }
        eventTime = request.getEventTime().toEpochMilli();
        skew.see(r.timestamp(), eventTime, location);
        if (eventTime < from || eventTime >= to) {
            outside[0]++;
        } else if (responsesTopic == null
                || !target.covers(request.getModelName(), request.getModelVersion())) {
            sink.accept(InputRecord.of(location, request));
        } else {
            Located<InferenceResponse> response = responses.remove(request.getRequestId());
            if (response == null) {
                sink.accept(
                        InputRecord.rejected(
                                location,
                                DeadLetterReason.ORPHAN,
                                "no response with request_id "
                                        + request.getRequestId()
                                        + " on "
                                        + responsesTopic));
            } else {
                long gap = response.value().getEventTime().toEpochMilli() - eventTime;
                if (Math.abs(gap) > joinTimeout) {
                    sink.accept(
                            InputRecord.rejected(
                                    location,
                                    DeadLetterReason.ORPHAN,
                                    "the response ("
                                            + response.location()
                                            + ") is "
                                            + gap
                                            + " ms of event time from the request, beyond"
                                            + " input.join-timeout ("
                                            + joinTimeout
                                            + " ms)"));
                } else {
                    sink.accept(
                            InputRecord.of(
                                    location, RequestResponseJoin.join(request, response.value())));
                }
            }
        }
        return eventTime;
    }

    /**
     * Reads one partition from its start offset up to its end offset, or until its highest event
     * time reaches {@code until + margin}.
     */
    private void readPartition(Plan p, long until, LongConsumer progress, Handler handler)
            throws IOException {
        if (p.size() == 0) {
            return;
        }
        TopicPartition tp = p.partition();
        consumer.assign(List.of(tp));
        consumer.seek(tp, p.start());
        long stopAt = until + margin;
        long maxEventTime = Long.MIN_VALUE;
        long lastRecordNanos = System.nanoTime();
        while (consumer.position(tp) < p.end()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            if (records.isEmpty()) {
                if (System.nanoTime() - lastRecordNanos > STALL_TIMEOUT.toNanos()) {
                    throw new IOException(
                            tp
                                    + ": no records for "
                                    + STALL_TIMEOUT.toSeconds()
                                    + " s at offset "
                                    + consumer.position(tp)
                                    + ", short of the end offset "
                                    + p.end());
                }
                continue;
            }
            lastRecordNanos = System.nanoTime();
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                if (r.offset() >= p.end()) {
                    return;
                }
                Long eventTime = handler.handle(r);
                progress.accept(++read);
                if (eventTime != null && eventTime > maxEventTime) {
                    maxEventTime = eventTime;
                }
                if (maxEventTime >= stopAt) {
                    return; // the partition's watermark passed the end of the range
                }
            }
        }
    }

    private static String location(ConsumerRecord<?, ?> r) {
        return r.topic() + "/" + r.partition() + "@" + r.offset();
    }
}
