package io.warden.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warden.schemas.Alert;
import io.warden.schemas.Severity;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import org.junit.jupiter.api.Test;

class OcsfDetectionFindingTest {

    private static JsonNode finding(Alert a) throws Exception {
        return new ObjectMapper().readTree(OcsfDetectionFinding.toJson(a));
    }

    @Test
    void shouldMapAnAlertOntoTheDetectionFindingClass() throws Exception {
        Alert a = SampleRecords.alert();
        JsonNode f = finding(a);

        assertThat(f.get("class_uid").asInt()).isEqualTo(2004);
        assertThat(f.get("category_uid").asInt()).isEqualTo(2);
        assertThat(f.get("activity_id").asInt()).isEqualTo(1);
        assertThat(f.get("type_uid").asInt()).isEqualTo(200401);
        assertThat(f.get("time").asLong()).isEqualTo(a.getEventTime().toEpochMilli());
        assertThat(f.get("severity_id").asInt()).isEqualTo(4);
        assertThat(f.get("severity").asText()).isEqualTo("High");
        assertThat(f.get("is_alert").asBoolean()).isTrue();
        assertThat(f.get("metadata").get("version").asText()).isEqualTo("1.4.0");
        assertThat(f.get("metadata").get("product").get("name").asText()).isEqualTo("warden");

        JsonNode info = f.get("finding_info");
        assertThat(info.get("uid").asText()).isEqualTo(a.getAlertId());
        assertThat(info.get("title").asText()).isEqualTo("BLACKBOX_QUERY_ATTACK");
        assertThat(info.get("desc").asText()).isEqualTo(a.getSummary());
        assertThat(info.get("analytic").get("name").asText()).isEqualTo("blacklight, prada");
        assertThat(info.get("attacks").get(0).get("technique").get("uid").asText())
                .isEqualTo("AML.T0043");
        assertThat(f.get("attacks").get(0).get("technique").get("uid").asText())
                .isEqualTo("AML.T0043");

        assertThat(f.get("resources").get(0).get("name").asText()).isEqualTo("iris");
        assertThat(f.get("resources").get(0).get("version").asText()).isEqualTo("3");
        assertThat(f.get("observables").get(0).get("name").asText()).isEqualTo("client_id");
        assertThat(f.get("observables").get(0).get("value").asText()).isEqualTo("api-key-7");

        JsonNode unmapped = f.get("unmapped");
        assertThat(unmapped.get("scores")).hasSize(2);
        assertThat(unmapped.get("scores").get(0).get("p_value").asDouble()).isEqualTo(1e-6);
        assertThat(unmapped.get("scores").get(1).has("p_value")).isFalse();
        assertThat(unmapped.get("evidence").get("request_ids")).hasSize(3);
        assertThat(unmapped.get("evidence").get("details").get("window").asText()).isEqualTo("60s");
        assertThat(unmapped.get("profile_id").asText()).isEqualTo("iris-ref-2024-04");
    }

    @Test
    void shouldMapEverySeverityAndLeaveOutWhatIsNotThere() throws Exception {
        int expected = 1;
        for (Severity s : Severity.values()) {
            assertThat(OcsfDetectionFinding.severityId(s)).isEqualTo(expected++);
        }
        Alert a =
                Alert.newBuilder(SampleRecords.alert())
                        .setSeverity(Severity.INFO)
                        .setModelVersion(null)
                        .setAtlasTechnique(null)
                        .setProfileId(null)
                        .setSubject(new Subject(SubjectType.REQUEST, "req-1"))
                        .build();
        JsonNode f = finding(a);
        assertThat(f.get("severity").asText()).isEqualTo("Informational");
        assertThat(f.get("resources").get(0).has("version")).isFalse();
        assertThat(f.has("attacks")).isFalse();
        assertThat(f.has("observables")).isFalse();
        assertThat(f.get("unmapped").get("subject").get("id").asText()).isEqualTo("req-1");
    }
}
