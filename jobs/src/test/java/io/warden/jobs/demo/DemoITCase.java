package io.warden.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code warden demo} as the README runs it (default options): embedded broker, MiniCluster,
 * traffic with known truth. Checks what the demo promises whatever the machine's speed: every
 * record and every label is accounted for, every stage reported, and the two attackers (an
 * extraction client, a prober) and the two feedback poisoners (a label flipper, a backdoor) caught
 * and decided on, and nobody else.
 */
class DemoITCase {

    @Test
    void theDefaultDemoAccountsForEveryRecordAndLabelAndReportsEveryStage() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Demo.Summary s;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            s = new Demo(Demo.Options.defaults(), out).run();
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(s.accountedFor()).as(printed).isTrue();
        assertThat(s.labelsAccountedFor()).as(printed).isTrue();
        assertThat(s.scored()).isGreaterThan(5_000);
        assertThat(s.labelsProduced()).isGreaterThan(2_000);
        assertThat(s.driftReports()).isGreaterThanOrEqualTo(4);
        assertThat(s.performanceReports()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(s.truePositives()).as("ambiguous inputs caught").isPositive();
        // The two attackers: each caught, nobody else accused, and one decision each.
        assertThat(s.attackAlerts())
                .as(printed)
                .anyMatch(l -> l.startsWith("EXTRACTION " + DemoTraffic.EXTRACTION_CLIENT))
                .anyMatch(l -> l.startsWith("BLACKBOX_QUERY_ATTACK " + DemoTraffic.PROBE_CLIENT));
        assertThat(s.falseAttackAlerts()).as(printed).isZero();
        assertThat(s.decisions())
                .as(printed)
                .anyMatch(l -> l.startsWith("BLOCK CLIENT " + DemoTraffic.EXTRACTION_CLIENT))
                .anyMatch(l -> l.startsWith("THROTTLE CLIENT " + DemoTraffic.PROBE_CLIENT))
                .anyMatch(l -> l.equals("REVIEW CONTRIBUTOR " + DemoPoisoners.FLIPPER))
                .allMatch(
                        l ->
                                l.contains(DemoTraffic.EXTRACTION_CLIENT)
                                        || l.contains(DemoTraffic.PROBE_CLIENT)
                                        || l.contains(DemoPoisoners.FLIPPER));
        // The feedback poisoners: the flipper alone alerted as a contributor; the backdoored
        // records quarantined, some of the flipped ones (a flipped sample of one demo class can
        // look ordinary for the next), few honest ones.
        Demo.Summary.Poisoning poisoning = s.poisoning();
        assertThat(poisoning.alerts())
                .as(printed)
                .isNotEmpty()
                .allMatch(l -> l.startsWith("POISONING " + DemoPoisoners.FLIPPER));
        assertThat(poisoning.backdoorQuarantined())
                .as(printed)
                .isGreaterThanOrEqualTo((long) (0.9 * poisoning.backdoorRecords()));
        assertThat(poisoning.flippedQuarantined()).as(printed).isPositive();
        assertThat(poisoning.honestQuarantined())
                .as(printed)
                .isLessThanOrEqualTo((long) (0.01 * s.labelsProduced()));
        assertThat(printed)
                .contains("warden demo: summary")
                .contains("every record accounted for yes")
                .contains("[PERFORMANCE] demo-classifier")
                .contains("[DRIFT REPORT] demo-classifier");
    }
}
