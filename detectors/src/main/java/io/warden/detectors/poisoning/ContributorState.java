package io.warden.detectors.poisoning;

import java.io.Serializable;

/**
 * Everything a {@link ContributorMonitor} keeps about one contributor, in one {@link Serializable}
 * object for one keyed-state entry. Its size does not grow with the number of records: two windowed
 * rates (three numbers each), {@code pairCounters} Space-Saving counters of (given, predicted)
 * pairs and a few counts, about 60 + 20&middot;{@code pairCounters} bytes of fields (768 bytes
 * Java-serialized with the default 8 counters). Not thread-safe; a keyed operator touches one key
 * at a time.
 */
public final class ContributorState implements Serializable {

    private static final long serialVersionUID = 1L;

    final int classCount;
    final WindowedRate model = new WindowedRate();
    final WindowedRate consensus = new WindowedRate();
    final PairCounts pairs;
    final long[] firstFiredAtRecord = new long[LabelFlipSignal.values().length];
    long records;

    ContributorState(int classCount, int pairCounters) {
        this.classCount = classCount;
        this.pairs = new PairCounts(pairCounters);
    }

    /** Records seen from this contributor. */
    public long records() {
        return records;
    }

    /** Records seen with a known predicted class (joined to a model answer). */
    public long recordsWithPrediction() {
        return model.observations();
    }

    /** Records seen with a known consensus label of other contributors. */
    public long recordsWithConsensus() {
        return consensus.observations();
    }
}
