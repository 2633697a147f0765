package io.warden.schemas.codec;

import io.warden.schemas.AdversarialExample;
import io.warden.schemas.Alert;
import io.warden.schemas.DeadLetter;
import io.warden.schemas.DriftReport;
import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.ModelRollout;
import io.warden.schemas.PerformanceReport;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.ScoreRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The catalogue of warden's data contracts: the top-level Avro records that travel on its topics.
 * Shared types ({@code Tensor}, {@code TimeWindow}, ...) appear only inside them.
 */
public final class WardenSchemas {

    /** Every top-level contract, inputs first, then outputs. */
    public static final List<Class<? extends SpecificRecord>> CONTRACTS =
            List.of(
                    InferenceRequest.class,
                    InferenceResponse.class,
                    InferenceEvent.class,
                    FeedbackRecord.class,
                    ModelRollout.class,
                    Alert.class,
                    QuarantineDecision.class,
                    DriftReport.class,
                    PerformanceReport.class,
                    ScoreRecord.class,
                    AdversarialExample.class,
                    DeadLetter.class);

    /**
     * Classpath folder of historic contract versions ({@code Name.vN.avsc}), listed in its {@code
     * index.txt}. See the README.md there.
     */
    public static final String HISTORY_RESOURCE_ROOT = "io/warden/schemas/history";

    private static final Map<String, Class<? extends SpecificRecord>> BY_NAME = byName();

    private WardenSchemas() {}

    /** The current schema of a generated record class. */
    public static Schema schemaOf(Class<? extends SpecificRecord> type) {
        return SpecificData.getForClass(type).getSchema(type);
    }

    /**
     * The contract class with this full name (e.g. {@code io.warden.schemas.Alert}) or one of its
     * aliases.
     */
    public static Optional<Class<? extends SpecificRecord>> contractNamed(String fullName) {
        return Optional.ofNullable(BY_NAME.get(fullName));
    }

    private static Map<String, Class<? extends SpecificRecord>> byName() {
        Map<String, Class<? extends SpecificRecord>> map = new HashMap<>();
        for (Class<? extends SpecificRecord> type : CONTRACTS) {
            Schema schema = schemaOf(type);
            map.put(schema.getFullName(), type);
            for (String alias : schema.getAliases()) {
                map.putIfAbsent(alias, type);
            }
        }
        return Map.copyOf(map);
    }
}
