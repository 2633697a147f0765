package io.warden.jobs.profile;

import io.warden.detectors.profile.ProfileBuilder;
import io.warden.detectors.profile.ProfileMetadata;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.schemas.DeadLetterReason;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The outcome of reading reference data for a model: the builder holding the valid rows, and what
 * happened to every record.
 */
public final class ProfileRun {
    private final ProfileBuilder builder;
    private final ProfileTarget target;
    private final String source;
    private final boolean hasPredictions;
    private final long used;
    private final Map<DeadLetterReason, Long> skipped;
    private final List<String> examples;
    private final Map<String, Long> otherModels;
    private final long otherModelRecords;
    private final List<String> notes;

    ProfileRun(
            ProfileBuilder builder,
            ProfileTarget target,
            String source,
            boolean hasPredictions,
            long used,
            Map<DeadLetterReason, Long> skipped,
            List<String> examples,
            Map<String, Long> otherModels,
            long otherModelRecords,
            List<String> notes) {
        this.builder = builder;
        this.target = target;
        this.source = source;
        this.hasPredictions = hasPredictions;
        this.used = used;
        this.skipped = Collections.unmodifiableMap(skipped);
        this.examples = List.copyOf(examples);
        this.otherModels = Collections.unmodifiableMap(otherModels);
        this.otherModelRecords = otherModelRecords;
        this.notes = List.copyOf(notes);
    }

    /** The model profiled. */
    public ProfileTarget target() {
        return target;
    }

    /** What the data was (the profile's {@code source}). */
    public String source() {
        return source;
    }

    /** Whether the input carried the model's outputs, so the profile has predictions. */
    public boolean hasPredictions() {
        return hasPredictions;
    }

    /** Records of the model that were valid and profiled. */
    public long used() {
        return used;
    }

    /** Rows profiled: one per record, or per row of a batched record. */
    public long rows() {
        return builder.rows();
    }

    /** Records of the model skipped, by the monitor job's dead-letter reason code. */
    public Map<DeadLetterReason, Long> skipped() {
        return skipped;
    }

    /** All records of the model skipped. */
    public long skippedTotal() {
        long n = 0;
        for (long c : skipped.values()) {
            n += c;
        }
        return n;
    }

    /** The first few skipped records: location, reason code and reason. */
    public List<String> examples() {
        return examples;
    }

    /** Records of other models by model (the first few models met), not profiled. */
    public Map<String, Long> otherModels() {
        return otherModels;
    }

    /** All records of other models. */
    public long otherModelRecords() {
        return otherModelRecords;
    }

    /** What the input had to say once read. */
    public List<String> notes() {
        return notes;
    }

    /** The share of the model's records that were skipped; 0 when there were none. */
    public double invalidShare() {
        long skippedTotal = skippedTotal();
        long all = used + skippedTotal;
        return all == 0 ? 0.0 : (double) skippedTotal / all;
    }

    /**
     * The profile of the valid rows.
     *
     * @param id the profile's id, or null to derive one from its content
     * @param created when the profile was made
     */
    public ReferenceProfile build(String id, Instant created) {
        return builder.build(
                new ProfileMetadata(
                        id, created, target.modelName(), target.modelVersion(), source));
    }
}
