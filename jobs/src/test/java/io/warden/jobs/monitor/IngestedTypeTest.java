package io.warden.jobs.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;

/**
 * Flink must serialize the records between operators and in state with its POJO and Avro
 * serializers, not fall back to Kryo (slow, and fragile across versions and savepoints).
 */
class IngestedTypeTest {
    @Test
    void ingestedIsAPojoWhoseRecordFieldsUseTheAvroSerializer() {
        TypeInformation<Ingested> type = TypeInformation.of(Ingested.class);

        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<Ingested> pojo = (PojoTypeInfo<Ingested>) type;
        for (int i = 0; i < pojo.getArity(); i++) {
            TypeInformation<?> field = pojo.getTypeAt(i);
            assertThat(field).as(pojo.getFieldNames()[i]).isNotInstanceOf(GenericTypeInfo.class);
        }
        assertThat(pojo.getTypeAt(pojo.getFieldIndex("request"))).isInstanceOf(AvroTypeInfo.class);
        assertThat(pojo.getTypeAt(pojo.getFieldIndex("deadLetter")))
                .isInstanceOf(AvroTypeInfo.class);
    }
}
