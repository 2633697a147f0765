package io.warden.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code warden demo} as the README runs it (default options): embedded broker, MiniCluster,
 * traffic with known truth. Checks what the demo promises whatever the machine's speed: every
 * record and every label is accounted for, and every stage reported.
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
        assertThat(printed)
                .contains("warden demo: summary")
                .contains("every record accounted for yes")
                .contains("[PERFORMANCE] demo-classifier")
                .contains("[DRIFT REPORT] demo-classifier");
    }
}
