package io.warden.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.warden.detectors.evaluation.EvaluationReport;
import io.warden.jobs.cli.WardenCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code warden demo} as the README runs it (default options): embedded broker, MiniCluster,
 * traffic with known truth. Checks what the demo promises whatever the machine's speed: every
 * record and every label is accounted for, every stage reported, and the two attackers (an
 * extraction client, a prober) and the two feedback poisoners (a label flipper, a backdoor) caught
 * and decided on, and nobody else.
 */
class DemoITCase {
    @TempDir Path dir;

    @Test
    void theDefaultDemoAccountsForEveryRecordAndLabelAndReportsEveryStage() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Demo.Summary s;
        Path truth = dir.resolve("truth.jsonl");
        Path outputs = dir.resolve("outputs.jsonl");
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            s = new Demo(Demo.Options.defaults(), out, truth, outputs).run();
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
                                        || l.contains(DemoPoisoners.FLIPPER)
                                        || l.contains(DemoPoisoners.BACKDOOR));
        // The feedback poisoners: both alerted as contributors, nobody else; the backdoored
        // records quarantined, some of the flipped ones (a flipped sample of one demo class can
        // look ordinary for the next), few honest ones.
        Demo.Summary.Poisoning poisoning = s.poisoning();
        assertThat(poisoning.alerts())
                .as(printed)
                .anyMatch(l -> l.startsWith("POISONING " + DemoPoisoners.FLIPPER))
                .anyMatch(l -> l.startsWith("POISONING " + DemoPoisoners.BACKDOOR))
                .allMatch(
                        l ->
                                l.startsWith("POISONING " + DemoPoisoners.FLIPPER)
                                        || l.startsWith("POISONING " + DemoPoisoners.BACKDOOR));
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

        // The evaluation against the run's truth: both attackers caught by the request stream's
        // count, each with a decision, no decision on any other client; both poisoners listed.
        EvaluationReport e = s.evaluation();
        assertThat(e.roles())
                .as(printed)
                .extracting(
                        r ->
                                r.subject()
                                        + " "
                                        + r.role()
                                        + " "
                                        + r.caught()
                                        + "/"
                                        + r.total()
                                        + " "
                                        + r.withDecision())
                .startsWith("client extraction 1/1 1", "client query-attack 1/1 1")
                .hasSize(4);
        assertThat(e.attackers())
                .filteredOn(a -> a.subject().equals("client"))
                .hasSize(2)
                .allSatisfy(a -> assertThat(a.untilCaughtSource()).isEqualTo("requests"))
                .allSatisfy(a -> assertThat(a.untilCaught()).isBetween(1L, (long) a.requests()));
        assertThat(e.decisions())
                .filteredOn(d -> d.targetType().equals("CLIENT"))
                .allSatisfy(d -> assertThat(d.onBenign()).isZero());
        assertThat(e.inputs().truthFeedback()).isPositive();
        assertThat(e.drifts())
                .isNotEmpty()
                .allSatisfy(d -> assertThat(d.model()).isEqualTo(DemoModel.NAME));
        assertThat(printed).contains("Attackers by role");

        // warden evaluate on the files the demo wrote gives the same report.
        StringWriter json = new StringWriter();
        CommandLine cli = WardenCli.commandLine();
        cli.setOut(new PrintWriter(json, true));
        int code =
                cli.execute(
                        "evaluate",
                        "--truth",
                        truth.toString(),
                        "--file",
                        outputs.toString(),
                        "--drift-grace",
                        Integer.toString(Demo.LIVE_WINDOW_SECONDS),
                        "--json");
        assertThat(code).isZero();
        ObjectMapper mapper = new ObjectMapper();
        assertThat(mapper.readTree(json.toString()))
                .isEqualTo(mapper.readTree(mapper.writeValueAsString(e)));
    }
}
