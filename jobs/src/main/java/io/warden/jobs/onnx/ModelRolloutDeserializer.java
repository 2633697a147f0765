package io.warden.jobs.onnx;

import io.warden.schemas.ModelRollout;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.CodecException;
import io.warden.schemas.codec.JsonCodec;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the control topic's {@link ModelRollout} records, as Avro single-object encoding or as JSON
 * (so that {@code kafka-console-producer} can roll a model in). A record that is neither is logged
 * with its topic, partition and offset, counted ({@code controlRecordsUndecodable}) and skipped: a
 * bad control record never stops the job.
 */
public final class ModelRolloutDeserializer
        implements KafkaRecordDeserializationSchema<ModelRollout> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelRolloutDeserializer.class);

    private transient Counter undecodable;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        undecodable = context.getMetricGroup().counter("controlRecordsUndecodable");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ModelRollout> out) {
        try {
            out.collect(decode(record.value()));
        } catch (CodecException | RuntimeException e) {
            if (undecodable != null) {
                undecodable.inc();
            }
            LOG.warn(
                    "control record {}-{}@{} is not a ModelRollout and is skipped: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
        }
    }

    /** A record's value as a roll-out: Avro single-object bytes, else JSON. */
    static ModelRollout decode(byte[] value) throws CodecException {
        if (value == null) {
            throw new CodecException("the record has no value");
        }
        return AvroCodec.isSingleObject(value)
                ? AvroCodec.standard().decode(value, ModelRollout.class)
                : JsonCodec.standard().decode(value, ModelRollout.class);
    }

    @Override
    public TypeInformation<ModelRollout> getProducedType() {
        return TypeInformation.of(ModelRollout.class);
    }
}
