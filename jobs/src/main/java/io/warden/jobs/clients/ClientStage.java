package io.warden.jobs.clients;

import io.warden.jobs.drift.Observation;
import io.warden.schemas.Alert;
import org.apache.flink.streaming.api.datastream.DataStream;

/** Adds per-client detection to the monitor graph. */
public final class ClientStage {
    private ClientStage() {}

    /**
     * Keys the rows of models with extraction detection by model version and client and runs {@link
     * ClientDetection}; rows without a client id cannot be attributed and are left out.
     *
     * @return the EXTRACTION alerts
     */
    public static DataStream<Alert> build(
            ClientModels models, DataStream<Observation> observations) {
        return observations
                .filter(o -> o.clientId != null && models.find(o.modelName, o.modelVersion) != null)
                .name("client-rows")
                .uid("client-rows")
                .keyBy(ClientDetection::key)
                .process(new ClientDetection(models))
                .name("detect-client-attacks")
                .uid("detect-client-attacks");
    }

    /**
     * Keys the rows of models with Blacklight by model version and runs {@link
     * BlacklightDetection}: one hash store per model version, across its clients.
     *
     * @return the BLACKBOX_QUERY_ATTACK alerts of Blacklight
     */
    public static DataStream<Alert> buildBlacklight(
            BlacklightModels models, DataStream<Observation> observations) {
        return observations
                .filter(o -> models.find(o.modelName, o.modelVersion) != null)
                .name("blacklight-rows")
                .uid("blacklight-rows")
                .keyBy(o -> o.modelKey)
                .process(new BlacklightDetection(models))
                .name("detect-blacklight")
                .uid("detect-blacklight");
    }

    /**
     * Keys the per-request EVASION alerts of models with evasion-campaign detection by model
     * version and client and runs {@link EvasionCampaigns}.
     *
     * @return the client-level EVASION alerts of campaigns
     */
    public static DataStream<Alert> buildCampaigns(
            EvasionCampaigns campaigns, DataStream<Alert> evasionAlerts) {
        return evasionAlerts
                .filter(campaigns::counts)
                .name("campaign-alerts")
                .uid("campaign-alerts")
                .keyBy(EvasionCampaigns::key)
                .process(campaigns)
                .name("detect-evasion-campaigns")
                .uid("detect-evasion-campaigns");
    }
}
