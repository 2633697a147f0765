package io.warden.detectors.poisoning;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The verdict of a {@link ContributorMonitor} after one feedback record of a contributor.
 *
 * @param records records seen from the contributor, this one included
 * @param readings one reading per {@link LabelFlipSignal}, in the enum's order
 * @param topPairGiven the given label of the contributor's most frequent disagreement pair (e.g. 1
 *     for a flipper relabelling 7 as 1), -1 while it has none
 * @param topPairPredicted the model's predicted class of that pair (7 in the example), -1 while
 *     none
 */
public record ContributorAssessment(
        long records, List<LabelFlipReading> readings, int topPairGiven, int topPairPredicted)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Requires one reading per signal, in the enum's order. */
    public ContributorAssessment {
        readings = List.copyOf(Objects.requireNonNull(readings, "readings"));
        LabelFlipSignal[] all = LabelFlipSignal.values();
        if (readings.size() != all.length) {
            throw new IllegalArgumentException(
                    "need " + all.length + " readings, got " + readings.size());
        }
        for (LabelFlipSignal signal : all) {
            if (readings.get(signal.ordinal()).signal() != signal) {
                throw new IllegalArgumentException("readings must follow LabelFlipSignal's order");
            }
        }
        if ((topPairGiven < 0) != (topPairPredicted < 0) || topPairGiven < -1) {
            throw new IllegalArgumentException("a top pair has both classes or neither (-1)");
        }
    }

    /** The reading of one signal. */
    public LabelFlipReading reading(LabelFlipSignal signal) {
        return readings.get(signal.ordinal());
    }

    /** Whether any signal fires after this record. */
    public boolean flagged() {
        return readings.stream().anyMatch(LabelFlipReading::firing);
    }

    /** The signals that have fired at some record so far. */
    public List<LabelFlipReading> fired() {
        return readings.stream().filter(LabelFlipReading::hasFired).toList();
    }

    /** The record count at which the first signal fired, empty if none has. */
    public OptionalLong firstFiredAtRecord() {
        return readings.stream()
                .filter(LabelFlipReading::hasFired)
                .mapToLong(LabelFlipReading::firstFiredAtRecord)
                .min();
    }
}
