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
 * extraction client, a prober) caught and decided on, and nobody else.
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
                .allMatch(
                        l ->
                                l.contains(DemoTraffic.EXTRACTION_CLIENT)
                                        || l.contains(DemoTraffic.PROBE_CLIENT));
        assertThat(printed)
                .contains("warden demo: summary")
                .contains("every record accounted for yes")
                .contains("[PERFORMANCE] demo-classifier")
                .contains("[DRIFT REPORT] demo-classifier");
    }
}
