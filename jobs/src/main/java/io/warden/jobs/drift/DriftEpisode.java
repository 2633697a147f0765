package io.warden.jobs.drift;

/**
 * Where a model version stands between drift and no drift, for hysteresis: the current streaks of
 * drifted and clean windows and, while a drift lasts, when it started. A Flink POJO.
 */
public class DriftEpisode {
    /** True between the DRIFT alert and the recovery. */
    public boolean active;

    /** Start of the first window of the current drifted streak (or of the active episode). */
    public long streakStart;

    public int driftedStreak;
    public int cleanStreak;

    /** Id of the active episode's DRIFT alert. */
    public String alertId;

    public DriftEpisode() {}
}
