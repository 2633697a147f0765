package io.warden.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.schemas.DeadLetter;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.ScoreRecord;
import io.warden.schemas.codec.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** What the Kafka sinks write: an Avro single-object value under a UTF-8 key. */
class AvroRecordSerializerTest {
    private static ScoreRecord score(String id) {
        return ScoreRecord.newBuilder()
                .setRequestId(id)
                .setEventTime(Instant.parse("2026-11-25T10:00:00.042Z"))
                .setModelName("m")
                .setModelVersion(null)
                .setClientId("c")
                .setPredictedClass("x")
                .setScores(List.of())
                .setFlagged(false)
                .build();
    }

    // The serializer uses neither the sink context nor the timestamp, so both are null here.
    @Test
    void shouldKeyByTheIdInUtf8AndWriteAvroThatDecodesBack() throws Exception {
        KafkaConnectors.AvroRecordSerializer<ScoreRecord> serializer =
                new KafkaConnectors.AvroRecordSerializer<>("out", ScoreRecord::getRequestId);
        ScoreRecord r = score("req-é-1");

        ProducerRecord<byte[], byte[]> record = serializer.serialize(r, null, null);

        assertThat(record.topic()).isEqualTo("out");
        assertThat(record.partition()).isNull();
        assertThat(record.timestamp()).isNull(); // the broker's or the producer's time
        assertThat(record.key()).isEqualTo("req-é-1".getBytes(StandardCharsets.UTF_8));
        assertThat(AvroCodec.isSingleObject(record.value())).isTrue();
        assertThat(AvroCodec.standard().decode(record.value(), ScoreRecord.class)).isEqualTo(r);
    }

    @Test
    void shouldWriteNoKeyWhenTheKeyIsNull() {
        KafkaConnectors.AvroRecordSerializer<DeadLetter> serializer =
                new KafkaConnectors.AvroRecordSerializer<>("dead", d -> null);
        DeadLetter d =
                DeadLetter.newBuilder()
                        .setReasonCode(DeadLetterReason.UNDECODABLE)
                        .setReason("x")
                        .setStage("decode")
                        .build();

        assertThat(serializer.serialize(d, null, null).key()).isNull();
    }

    @Test
    void shouldNameTheRecordWhenTheKeyCannotBeComputed() {
        KafkaConnectors.AvroRecordSerializer<ScoreRecord> serializer =
                new KafkaConnectors.AvroRecordSerializer<>(
                        "out",
                        s -> {
                            throw new IllegalArgumentException("boom");
                        });

        assertThatThrownBy(() -> serializer.serialize(score("req-2"), null, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot compute the Kafka key")
                .hasMessageContaining("req-2")
                .hasRootCauseMessage("boom");
    }
}
