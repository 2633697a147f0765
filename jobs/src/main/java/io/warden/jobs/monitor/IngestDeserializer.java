package io.warden.jobs.monitor;

import io.warden.jobs.config.WardenConfig;
import io.warden.jobs.monitor.Ingested.Kind;
import io.warden.jobs.monitor.TrafficValidator.Rejection;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.SourceRef;
import io.warden.schemas.codec.CodecException;
import io.warden.schemas.codec.InboundContext;
import io.warden.schemas.codec.InboundDecoder;
import io.warden.schemas.codec.InputFormat;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/**
 * Decodes and validates every input record inside the Kafka source, where the original bytes and
 * their topic, partition and offset are at hand: a record that cannot be decoded or fails {@link
 * TrafficValidator} becomes a {@link Kind#REJECTED} element carrying its {@link DeadLetter}. It
 * never throws, so bad input never stops the job. Event time comes from the record's own {@code
 * event_time}; rejected records get {@link Ingested#NO_EVENT_TIME} and never move a watermark.
 */
public final class IngestDeserializer implements KafkaRecordDeserializationSchema<Ingested> {
    private static final long serialVersionUID = 1L;

    private final Map<String, Kind> kindByTopic;
    private final InputFormat format;
    private final String defaultModel;
    private final TrafficValidator validator;

    private transient InboundDecoder decoder;
    private transient Counter decoded;
    private transient Counter rejected;

    /**
     * @param kindByTopic what each subscribed topic carries (REQUEST, RESPONSE, EVENT or FEEDBACK)
     */
    public IngestDeserializer(Map<String, Kind> kindByTopic, WardenConfig config) {
        this.kindByTopic = Map.copyOf(kindByTopic);
        this.format = config.input().format();
        // Open Inference Protocol requests need not name their model: with one model configured,
        // that is the one.
        this.defaultModel = config.models().size() == 1 ? config.models().get(0).name() : null;
        this.validator = new TrafficValidator(config);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        decoder = InboundDecoder.standard();
        decoded = context.getMetricGroup().counter("recordsDecoded");
        rejected = context.getMetricGroup().counter("recordsRejected");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) {
        if (decoder == null) {
            decoder = InboundDecoder.standard();
        }
        Long kafkaTime =
                record.timestampType() == TimestampType.NO_TIMESTAMP_TYPE
                        ? null
                        : record.timestamp();
        SourceRef source =
                new SourceRef(
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        kafkaTime == null ? null : Instant.ofEpochMilli(kafkaTime));
        Kind kind = kindByTopic.get(record.topic());
        Ingested result;
        if (kind == null) {
            result =
                    reject(
                            record,
                            source,
                            DeadLetterReason.UNKNOWN,
                            "topic "
                                    + record.topic()
                                    + " is not one of the input topics "
                                    + kindByTopic.keySet(),
                            "decode");
            count(rejected);
            out.collect(result);
            return;
        }
        try {
            result = decodeAndValidate(kind, record, source, kafkaTime);
        } catch (CodecException e) {
            result = reject(record, source, DeadLetterReason.UNDECODABLE, e.getMessage(), "decode");
        } catch (RuntimeException e) {
            // A defect in decoding must not stop the job or lose the record: keep it, with why.
            result =
                    reject(
                            record,
                            source,
                            DeadLetterReason.UNDECODABLE,
                            "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                            "decode");
        }
        if (result.kind == Kind.REJECTED) {
            count(rejected);
        } else {
            count(decoded);
        }
        out.collect(result);
    }

    private Ingested decodeAndValidate(
            Kind kind, ConsumerRecord<byte[], byte[]> record, SourceRef source, Long kafkaTime)
            throws CodecException {
        byte[] value = record.value();
        // Without a Kafka timestamp there is no fallback: a payload without its own event time is
        // then rejected rather than placed at epoch 0.
        long fallbackTime = kafkaTime == null ? InboundContext.NO_TIMESTAMP : kafkaTime;
        InboundContext ctx = new InboundContext(format, defaultModel, null, fallbackTime);
        Ingested decoded =
                switch (kind) {
                    case REQUEST -> Ingested.request(decoder.decodeRequest(value, ctx), source);
                    case RESPONSE -> Ingested.response(decoder.decodeResponse(value, ctx), source);
                    case EVENT -> Ingested.event(decoder.decodeEvent(value, ctx), source);
                    case FEEDBACK -> Ingested.feedback(decoder.decodeFeedback(value, ctx), source);
                    default ->
                            throw new IllegalStateException(
                                    "topic "
                                            + source.getTopic()
                                            + " carries "
                                            + kind
                                            + ", which the monitor job does not read yet");
                };
        Rejection why = validator.check(decoded);
        return why == null ? decoded : rejected(record, source, why, decoded);
    }

    private static Ingested rejected(
            ConsumerRecord<byte[], byte[]> record,
            SourceRef source,
            Rejection why,
            Ingested decoded) {
        return Ingested.rejected(
                DeadLetter.newBuilder()
                        .setSource(source)
                        .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                        .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                        .setReasonCode(why.code())
                        .setReason(why.reason())
                        .setStage("validate")
                        .setModelName(decoded.modelName())
                        .setRequestId(decoded.requestId())
                        .setEventTime(Instant.ofEpochMilli(decoded.eventTime))
                        .build());
    }

    private static Ingested reject(
            ConsumerRecord<byte[], byte[]> record,
            SourceRef source,
            DeadLetterReason code,
            String reason,
            String stage) {
        return Ingested.rejected(
                DeadLetter.newBuilder()
                        .setSource(source)
                        .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                        .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                        .setReasonCode(code)
                        .setReason(reason == null ? "unknown decoding error" : reason)
                        .setStage(stage)
                        .build());
    }

    private static void count(Counter c) {
        if (c != null) {
            c.inc();
        }
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return TypeInformation.of(Ingested.class);
    }
}
