package io.warden.jobs.profile;

import io.warden.detectors.profile.ProfileBuilder;
import io.warden.detectors.profile.ProfileSettings;
import io.warden.jobs.monitor.TrafficValidator.Rejection;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * Builds a model's reference profile from a {@link ReferenceInput}: every record of the model goes
 * through the monitor job's validation ({@link ProfileTarget#check}); valid ones add their rows to
 * a {@link ProfileBuilder} in the input's order, the others are skipped and counted by reason (the
 * monitor job's dead-letter codes), with the first few kept as examples. Records of other models
 * are counted apart: they are not this model's reference, and not invalid either.
 *
 * <pre>{@code
 * ProfileTarget target = ProfileTarget.select(config, "fraud", null);
 * ReferenceInput input = ReferenceInputs.file(Path.of("train.csv"), null, null, target, null);
 * ProfileRun run = ReferenceProfiler.run(input, target, ProfileSettings.defaults(), n -> {});
 * if (run.invalidShare() <= 0.01) {
 *     ProfileIo.write(run.build("fraud-2026-11", Instant.parse("2026-11-25T00:00:00Z")), out);
 * }
 * }</pre>
 */
public final class ReferenceProfiler {
    /** Rejected records kept as examples: {@value}. */
    public static final int EXAMPLES = 5;

    /** Other models named one by one in {@link ProfileRun#otherModels()}: {@value}. */
    static final int OTHER_MODELS_NAMED = 10;

    private ReferenceProfiler() {}

    /**
     * Reads the input to its end and adds its valid rows to a new builder.
     *
     * @param progress told the number of input records read so far, now and then
     * @throws IOException if reading fails
     * @throws ProfileInputException if the input cannot be read as a whole
     */
    public static ProfileRun run(
            ReferenceInput input,
            ProfileTarget target,
            ProfileSettings settings,
            LongConsumer progress)
            throws IOException {
        boolean withPredictions = input.hasPredictions();
        ProfileBuilder builder = ProfileBuilder.create(target.schema(withPredictions), settings);
        Tally tally = new Tally();
        input.read(r -> tally.accept(r, target, builder), progress);
        return new ProfileRun(
                builder,
                target,
                input.description(),
                withPredictions,
                tally.used,
                tally.skipped,
                tally.examples,
                tally.otherModels,
                tally.otherModelRecords,
                input.notes());
    }

    /** What happened to each record so far. */
    private static final class Tally {
        long used;
        final Map<DeadLetterReason, Long> skipped = new EnumMap<>(DeadLetterReason.class);
        final List<String> examples = new ArrayList<>();
        final Map<String, Long> otherModels = new LinkedHashMap<>();
        long otherModelRecords;

        void accept(InputRecord in, ProfileTarget target, ProfileBuilder builder) {
            if (in.rejection() != null) {
                skip(in.location(), in.rejection());
                return;
            }
            SpecificRecord record = in.record();
            String name;
            String version;
            if (record instanceof InferenceEvent e) {
                name = e.getModelName();
                version = e.getModelVersion();
            } else if (record instanceof InferenceRequest r) {
                name = r.getModelName();
                version = r.getModelVersion();
            } else {
                throw new IllegalArgumentException(
                        in.location() + ": not an event or request: " + record.getClass());
            }
            if (!target.covers(name, version)) {
                otherModel(version == null ? name : name + ":" + version);
                return;
            }
            Rejection why = target.check(record);
            if (why != null) {
                skip(in.location(), why);
                return;
            }
            try {
                target.rows(record, (x, p) -> builder.add(x, null, p));
            } catch (IllegalArgumentException e) {
                // Validation is meant to catch everything the builder refuses; should a row still
                // be refused, it is skipped like any invalid record, not a reason to stop.
                skip(
                        in.location(),
                        new Rejection(DeadLetterReason.INVALID, String.valueOf(e.getMessage())));
                return;
            }
            used++;
        }

        private void skip(String location, Rejection why) {
            skipped.merge(why.code(), 1L, Long::sum);
            if (examples.size() < EXAMPLES) {
                examples.add(location + ": " + why.code() + " " + why.reason());
            }
        }

        private void otherModel(String model) {
            otherModelRecords++;
            if (otherModels.containsKey(model) || otherModels.size() < OTHER_MODELS_NAMED) {
                otherModels.merge(model, 1L, Long::sum);
            }
        }
    }
}
