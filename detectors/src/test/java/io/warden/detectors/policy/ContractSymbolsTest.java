package io.warden.detectors.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warden.detectors.policy.AlertView.SubjectType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Keeps the policy's enums in step with the wire contract, so an operator can map them by name:
 * reads the Avro schemas as JSON (the module must not use their generated classes).
 */
class ContractSymbolsTest {

    private static final Path AVRO = Path.of("..", "schemas", "src", "main", "avro");

    private static List<String> symbols(String schemaFile, String enumName) throws IOException {
        JsonNode schema = new ObjectMapper().readTree(AVRO.resolve(schemaFile).toFile());
        JsonNode found =
                schema.findParents("symbols").stream()
                        .filter(node -> enumName.equals(node.path("name").asText()))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(enumName + " not in " + schemaFile))
                        .get("symbols");
        List<String> names = new ArrayList<>();
        found.forEach(symbol -> names.add(symbol.asText()));
        return names;
    }

    private static List<String> names(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.toList());
    }

    @Test
    void shouldHaveTheAlertContractsSymbolsInItsOrder() throws IOException {
        assertThat(names(AlertView.Kind.class)).isEqualTo(symbols("Alert.avsc", "AlertKind"));
        assertThat(names(AlertView.Severity.class)).isEqualTo(symbols("Alert.avsc", "Severity"));
        assertThat(names(AlertView.SubjectType.class))
                .isEqualTo(symbols("Alert.avsc", "SubjectType"));
    }

    @Test
    void shouldOnlyProduceActionsAndTargetsTheDecisionContractKnows() throws IOException {
        List<String> actions = symbols("QuarantineDecision.avsc", "DecisionAction");
        List<String> targets = symbols("QuarantineDecision.avsc", "TargetType");
        List<String> ruleTargets =
                EnumSet.complementOf(EnumSet.of(SubjectType.MODEL)).stream()
                        .map(Enum::name)
                        .collect(Collectors.toList());

        assertThat(actions).containsAll(names(PolicyAction.class)).contains("RELEASE");
        assertThat(targets).containsExactlyInAnyOrderElementsOf(ruleTargets);
    }
}
