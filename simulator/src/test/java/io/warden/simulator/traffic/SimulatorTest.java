package io.warden.simulator.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.detectors.evaluation.GroundTruth;
import io.warden.simulator.model.ServedModels;
import io.warden.simulator.traffic.SimulationSettings.Attack;
import java.io.IOException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A small simulation on the digits model: its traffic, truth and figures agree with each other. */
class SimulatorTest {

    static final SimulationSettings SMALL =
            new SimulationSettings(
                    ServedModels.DIGITS,
                    7,
                    Instant.parse(SimulationSettings.DEFAULT_START),
                    600,
                    12,
                    10,
                    DriftKind.BRIGHTNESS,
                    EnumSet.allOf(Attack.class),
                    2,
                    1,
                    300,
                    1);

    static Simulation simulation;

    @BeforeAll
    static void simulate() throws IOException {
        simulation = Simulator.run(SMALL);
    }

    @Test
    void shouldBeTheSameForTheSameSeed() throws IOException {
        Simulation again = Simulator.run(SMALL);
        assertThat(again.truthLines()).isEqualTo(simulation.truthLines());
        assertThat(again.requests()).hasSameSizeAs(simulation.requests());
        for (int i = 0; i < again.requests().size(); i++) {
            SimulatedRequest a = again.requests().get(i);
            SimulatedRequest b = simulation.requests().get(i);
            assertThat(a.clientId()).isEqualTo(b.clientId());
            assertThat(a.time()).isEqualTo(b.time());
            assertThat(a.features()).containsExactly(b.features());
            assertThat(a.probabilities()).containsExactly(b.probabilities());
        }
    }

    @Test
    void shouldSendTheBenignRequestsAndEveryAttackQueryInTimeOrder() {
        List<SimulatedRequest> requests = simulation.requests();
        int evasion = 3 * 4 * SMALL.evasionPerEpsilon();
        int extraction = 2 * (10 * Simulator.SEED_ROWS_PER_CLASS << 1);
        GroundTruth truth = simulation.groundTruth();
        Map<String, Long> byAttack =
                truth.entries().stream()
                        .filter(e -> e instanceof GroundTruth.Request)
                        .map(e -> (GroundTruth.Request) e)
                        .collect(Collectors.groupingBy(r -> r.attack(), Collectors.counting()));
        assertThat(byAttack.get("evasion")).isEqualTo(evasion);
        assertThat(byAttack.get("extraction")).isEqualTo(extraction);
        assertThat(byAttack.get("query-attack")).isBetween(30L, 300L);
        assertThat(requests)
                .hasSize(600 + evasion + extraction + byAttack.get("query-attack").intValue());
        for (int i = 1; i < requests.size(); i++) {
            assertThat(requests.get(i).time()).isAfterOrEqualTo(requests.get(i - 1).time());
        }
        assertThat(requests.stream().map(SimulatedRequest::requestId).distinct())
                .hasSize(requests.size());
    }

    @Test
    void shouldListEachAttackerWithItsRequestsAndTheDriftPeriod() {
        GroundTruth truth = simulation.groundTruth();
        Map<String, String> roles =
                truth.entries().stream()
                        .filter(e -> e instanceof GroundTruth.Client)
                        .map(e -> (GroundTruth.Client) e)
                        .collect(Collectors.toMap(c -> c.clientId(), c -> c.role()));
        assertThat(roles.values())
                .containsExactlyInAnyOrder(
                        "evasion",
                        "evasion",
                        "evasion",
                        "query-attack",
                        "extraction",
                        "extraction");
        Map<String, SimulatedRequest> byId =
                simulation.requests().stream()
                        .collect(
                                Collectors.toMap(SimulatedRequest::requestId, Function.identity()));
        Set<String> attackers = roles.keySet();
        long benign = 0;
        for (SimulatedRequest r : simulation.requests()) {
            if (!attackers.contains(r.clientId())) {
                benign++;
            }
        }
        assertThat(benign).isEqualTo(600);
        for (Object e : truth.entries()) {
            if (e instanceof GroundTruth.Request r) {
                SimulatedRequest sent = byId.get(r.requestId());
                assertThat(roles.get(sent.clientId())).isEqualTo(r.attack());
                if (!r.attack().equals("extraction")) {
                    assertThat(r.fooled()).isNotNull();
                }
            }
        }
        GroundTruth.Drift drift =
                truth.entries().stream()
                        .filter(e -> e instanceof GroundTruth.Drift)
                        .map(e -> (GroundTruth.Drift) e)
                        .findFirst()
                        .orElseThrow();
        assertThat(drift.segment()).isEqualTo("brightness");
        assertThat(drift.start()).isEqualTo(SMALL.start().plusSeconds(30));
        assertThat(drift.end()).isEqualTo(SMALL.start().plusSeconds(42));
        // Brightness lifts every pixel: no benign pixel inside the segment is 0.
        for (SimulatedRequest r : simulation.requests()) {
            if (!attackers.contains(r.clientId()) && drift.covers(r.time())) {
                for (double v : r.features()) {
                    assertThat(v).isGreaterThanOrEqualTo(DriftKind.BRIGHTNESS_SHIFT * 16 - 1e-6);
                }
            }
        }
    }

    @Test
    void shouldListEveryPoisonedFeedbackRecordAndItsContributor() {
        GroundTruth truth = simulation.groundTruth();
        Map<String, String> roles =
                truth.entries().stream()
                        .filter(e -> e instanceof GroundTruth.Contributor)
                        .map(e -> (GroundTruth.Contributor) e)
                        .collect(Collectors.toMap(c -> c.contributorId(), c -> c.role()));
        assertThat(roles).hasSize(7);
        assertThat(roles.values()).containsOnlyOnce("label-flip", "backdoor");
        Map<String, String> poisoned =
                truth.entries().stream()
                        .filter(e -> e instanceof GroundTruth.Feedback)
                        .map(e -> (GroundTruth.Feedback) e)
                        .collect(Collectors.toMap(f -> f.feedbackId(), f -> f.attack()));
        Map<String, SimulatedRequest> requests =
                simulation.requests().stream()
                        .collect(
                                Collectors.toMap(SimulatedRequest::requestId, Function.identity()));
        int backdoor = 0;
        Set<String> backdoorLabels = new HashSet<>();
        for (SimulatedFeedback f : simulation.feedback()) {
            String role = roles.get(f.contributorId());
            assertThat(poisoned.get(f.feedbackId()))
                    .isEqualTo(GroundTruth.HONEST.equals(role) ? null : role);
            if ("backdoor".equals(role)) {
                backdoor++;
                backdoorLabels.add(f.label());
                // The trigger: the last pixels at 16.
                assertThat(f.features()).endsWith(16, 16, 16);
            } else {
                assertThat(requests).containsKey(f.requestId());
            }
        }
        assertThat(backdoor).isEqualTo(Simulator.BACKDOOR_RECORDS);
        assertThat(backdoorLabels).hasSize(1);
        Efficacy planted =
                simulation.efficacy().stream()
                        .filter(e -> e.attack().equals("backdoor"))
                        .findFirst()
                        .orElseThrow();
        // 60 poisoned records among 1,346 training rows plant the backdoor in most rows.
        assertThat(planted.method()).isEqualTo("trigger-to-" + backdoorLabels.iterator().next());
        assertThat(planted.rate()).isGreaterThan(0.8);
    }

    @Test
    void shouldReportEveryAttacksEfficacy() {
        simulation.efficacy().forEach(e -> System.out.println(e.describe()));
        assertThat(simulation.efficacy())
                .extracting(Efficacy::attack)
                .contains("evasion", "query-attack", "extraction", "label-flip", "backdoor");
        Efficacy strongest =
                simulation.efficacy().stream()
                        .filter(e -> e.method().equals("pgd-linf") && e.measure().contains(" 4.0 "))
                        .findFirst()
                        .orElseThrow();
        // PGD at 4 px fools every digit (docs/served-models.md).
        assertThat(strongest.rate()).isEqualTo(1.0);
    }
}
