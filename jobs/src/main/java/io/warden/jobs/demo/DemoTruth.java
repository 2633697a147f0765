package io.warden.jobs.demo;

import io.warden.detectors.evaluation.GroundTruth;
import io.warden.jobs.demo.DemoTraffic.Planned;
import io.warden.jobs.demo.DemoTraffic.Truth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The ground truth of a demo run in the format {@code warden evaluate} reads: the two attackers
 * (with the event times of their first and last queries), the two feedback poisoners with their
 * poisoned records, and the planned covariate drift. Their requests are not listed one by one: a
 * listed attacker's requests are its attack's traffic. Benign clients are not listed either;
 * ambiguous inputs are benign traffic, so a confidence alert on one counts as a false alert there.
 */
final class DemoTruth {
    private Instant extractionFirst;
    private Instant extractionLast;
    private Instant probeFirst;
    private Instant probeLast;

    /** Notes a played request. */
    void played(Planned p) {
        Instant t = Instant.ofEpochMilli(p.eventTimeMillis());
        if (p.truth() == Truth.EXTRACTION) {
            extractionFirst = extractionFirst == null ? t : extractionFirst;
            extractionLast = t;
        } else if (p.truth() == Truth.PROBE) {
            probeFirst = probeFirst == null ? t : probeFirst;
            probeLast = t;
        }
    }

    /**
     * The entries: the attackers that sent anything, the two feedback poisoners and their records,
     * and the drift period.
     *
     * @param poisonedRecords the feedback ids of the flipped and the backdoor records
     */
    GroundTruth truth(
            DemoTraffic.Drift drift,
            Instant driftStart,
            Instant driftEnd,
            Collection<String> poisonedRecords) {
        List<Object> entries = new ArrayList<>();
        if (extractionFirst != null) {
            entries.add(
                    new GroundTruth.Client(
                            DemoModel.NAME,
                            DemoTraffic.EXTRACTION_CLIENT,
                            "extraction",
                            extractionFirst,
                            extractionLast,
                            Map.of("strategy", "jacobian-augmentation", "step", 0.1)));
        }
        if (probeFirst != null) {
            entries.add(
                    new GroundTruth.Client(
                            DemoModel.NAME,
                            DemoTraffic.PROBE_CLIENT,
                            "query-attack",
                            probeFirst,
                            probeLast,
                            Map.of("strategy", "decision-based random walk", "step", 0.02)));
        }
        entries.add(
                new GroundTruth.Contributor(DemoModel.NAME, DemoPoisoners.FLIPPER, "label-flip"));
        entries.add(
                new GroundTruth.Contributor(DemoModel.NAME, DemoPoisoners.BACKDOOR, "backdoor"));
        for (String id : new TreeSet<>(poisonedRecords)) {
            boolean backdoor = id.startsWith(DemoPoisoners.BACKDOOR_PREFIX);
            entries.add(
                    new GroundTruth.Feedback(
                            id,
                            backdoor ? DemoPoisoners.BACKDOOR : DemoPoisoners.FLIPPER,
                            DemoModel.NAME,
                            backdoor ? "backdoor" : "label-flip"));
        }
        entries.add(
                new GroundTruth.Drift(
                        DemoModel.NAME,
                        "covariate-shift +" + drift.shift() + " sd",
                        driftStart,
                        driftEnd,
                        drift.features()));
        return GroundTruth.of(entries);
    }
}
