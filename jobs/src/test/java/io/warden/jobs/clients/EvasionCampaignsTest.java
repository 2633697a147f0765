package io.warden.jobs.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.jobs.config.ModelSpec.CampaignSettings;
import io.warden.jobs.monitor.Ids;
import io.warden.schemas.Alert;
import io.warden.schemas.AlertKind;
import io.warden.schemas.DetectorScore;
import io.warden.schemas.Evidence;
import io.warden.schemas.Severity;
import io.warden.schemas.Subject;
import io.warden.schemas.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** {@link EvasionCampaigns} in Flink's keyed operator harness, on hand-made EVASION alerts. */
class EvasionCampaignsTest {
    private static final long WINDOW = Duration.ofMinutes(1).toMillis();

    private static KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> harness()
            throws Exception {
        EvasionCampaigns campaigns =
                new EvasionCampaigns(
                        Map.of("m", new CampaignSettings(3, Duration.ofMillis(WINDOW), null)));
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(campaigns), EvasionCampaigns::key, Types.STRING);
        h.open();
        return h;
    }

    private static Alert flagged(String client, String requestId, long time) {
        return Alert.newBuilder()
                .setAlertId(Ids.of("test", requestId))
                .setEventTime(Instant.ofEpochMilli(time))
                .setModelName("m")
                .setModelVersion("1")
                .setKind(AlertKind.EVASION)
                .setSeverity(Severity.MEDIUM)
                .setSubject(new Subject(SubjectType.REQUEST, requestId))
                .setSummary("flagged")
                .setScores(List.of(new DetectorScore("onnx.x", 1.0, 0.5, null, true)))
                .setEvidence(
                        Evidence.newBuilder()
                                .setRequestIds(List.of(requestId))
                                .setFeatureNames(List.of())
                                .setDetails(Map.of("client_id", client))
                                .build())
                .setAtlasTechnique("AML.T0015")
                .setWindow(null)
                .setProfileId(null)
                .build();
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> h, Alert a)
            throws Exception {
        h.processElement(new StreamRecord<>(a, a.getEventTime().toEpochMilli()));
    }

    private static List<Alert> out(KeyedOneInputStreamOperatorTestHarness<?, ?, Alert> h) {
        List<Alert> alerts = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                alerts.add((Alert) r.getValue());
            }
        }
        return alerts;
    }

    @Test
    void shouldRaiseOneClientAlertPerCampaignAndNoneForSparseFlags() throws Exception {
        var h = harness();
        // The attacker: 3 flagged requests within a minute, then 10 more, 10 s apart.
        for (int i = 0; i < 13; i++) {
            send(h, flagged("attacker", "a" + i, 1000 + i * 10_000L));
        }
        // A benign client flagged now and then, never 3 within a minute.
        for (int i = 0; i < 5; i++) {
            send(h, flagged("benign", "b" + i, 1000 + i * 61_000L));
        }
        List<Alert> alerts = out(h);
        assertThat(alerts).hasSize(1);
        Alert a = alerts.get(0);
        assertThat(a.getKind()).isEqualTo(AlertKind.EVASION);
        assertThat(a.getSubject().getType()).isEqualTo(SubjectType.CLIENT);
        assertThat(a.getSubject().getId()).isEqualTo("attacker");
        assertThat(a.getEvidence().getRequestIds()).containsExactly("a0", "a1", "a2");
        assertThat(a.getEventTime()).isEqualTo(Instant.ofEpochMilli(21_000));
        assertThat(a.getAlertId())
                .isEqualTo(
                        Ids.of(
                                "EVASION",
                                "m",
                                "1",
                                "CLIENT",
                                "attacker",
                                "a2",
                                EvasionCampaigns.DETECTOR));
        h.close();
    }

    @Test
    void shouldForgetAQuietClientAndAlertOnItsNextCampaign() throws Exception {
        var h = harness();
        for (int i = 0; i < 3; i++) {
            send(h, flagged("c", "first-" + i, 1000 + i));
        }
        assertThat(out(h)).hasSize(1);
        h.processWatermark(1002 + WINDOW - 1);
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        h.processWatermark(1002 + WINDOW);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();

        long later = 10 * WINDOW;
        for (int i = 0; i < 3; i++) {
            send(h, flagged("c", "second-" + i, later + i));
        }
        assertThat(out(h)).hasSize(2);
        assertThat(out(h).get(1).getEvidence().getRequestIds())
                .containsExactly("second-0", "second-1", "second-2");
        h.close();
    }
}
