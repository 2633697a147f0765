package io.warden.jobs.sequential;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.sequential.Adwin;
import io.warden.detectors.sequential.PageHinkley;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The sequential state must be serialized by Flink's own serializers (POJO, including the
 * detectors' state records, which Flink 1.19+ treats as POJOs), never by Kryo, and survive a round
 * trip unchanged.
 */
class SequentialTypesTest {

    /** Every type reachable from {@code type}, by name, failing on a generic (Kryo) one. */
    private static void assertNoGenericTypes(TypeInformation<?> type, String path) {
        assertThat(type).as(path).isNotInstanceOf(GenericTypeInfo.class);
        if (type instanceof ObjectArrayTypeInfo<?, ?> array) {
            assertNoGenericTypes(array.getComponentInfo(), path + "[]");
        } else if (type instanceof CompositeType<?> composite) {
            for (int i = 0; i < composite.getArity(); i++) {
                assertNoGenericTypes(
                        composite.getTypeAt(i), path + "." + composite.getFieldNames()[i]);
            }
        }
    }

    @Test
    void stateTypesArePojosAllTheWayDown() {
        for (Class<?> c :
                List.of(
                        SequentialState.class,
                        SignalState.class,
                        PendingRow.class,
                        Adwin.State.class,
                        PageHinkley.State.class)) {
            TypeInformation<?> type = TypeInformation.of(c);
            assertThat(type).as(c.getName()).isInstanceOf(PojoTypeInfo.class);
            assertNoGenericTypes(type, c.getSimpleName());
        }
        PojoTypeInfo<SignalState> signal =
                (PojoTypeInfo<SignalState>) TypeInformation.of(SignalState.class);
        assertThat(signal.getTypeAt(signal.getFieldIndex("adwin")))
                .isInstanceOf(PojoTypeInfo.class);
        assertThat(signal.getTypeAt(signal.getFieldIndex("pageHinkley")))
                .isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void stateWithRealDetectorStatesSurvivesASerializerRoundTrip() throws Exception {
        Adwin adwin = new Adwin();
        PageHinkley ph = new PageHinkley();
        Random r = new Random(5);
        for (int i = 0; i < 5_000; i++) {
            double v = 0.8 + 0.05 * r.nextGaussian();
            adwin.update(v);
            ph.update(v);
        }
        SequentialState s = new SequentialState();
        s.modelName = "m";
        s.modelVersion = null;
        s.signals = new SignalState[] {SignalState.fresh("msp", "adwin"), new SignalState()};
        s.signals[0].storeFrom(adwin);
        s.signals[0].rows = 5_000;
        s.signals[0].quietUntil = 1_234;
        s.signals[1].signal = "f2";
        s.signals[1].detector = "page-hinkley";
        s.signals[1].storeFrom(ph);

        TypeSerializer<SequentialState> serializer =
                TypeInformation.of(SequentialState.class)
                        .createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(s, out);
        SequentialState back =
                serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(back.modelName).isEqualTo("m");
        assertThat(back.modelVersion).isNull();
        assertThat(back.signals[0].adwin).isEqualTo(adwin.snapshot());
        assertThat(back.signals[0].pageHinkley).isNull();
        assertThat(back.signals[0].rows).isEqualTo(5_000);
        assertThat(back.signals[0].quietUntil).isEqualTo(1_234);
        assertThat(back.signals[1].pageHinkley).isEqualTo(ph.snapshot());
        assertThat(serializer.copy(s).signals[1].pageHinkley).isEqualTo(ph.snapshot());

        // The restored detector makes the same decisions as the original.
        Adwin restored = new Adwin();
        back.signals[0].restoreInto(restored);
        List<Boolean> a = new ArrayList<>();
        List<Boolean> b = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            double v = (i < 500 ? 0.8 : 0.6) + 0.05 * r.nextGaussian();
            a.add(adwin.update(v));
            b.add(restored.update(v));
        }
        assertThat(b).isEqualTo(a).contains(true);
    }
}
