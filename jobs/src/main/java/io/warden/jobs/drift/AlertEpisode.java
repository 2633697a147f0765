package io.warden.jobs.drift;

/**
 * Hysteresis over a model version's windows, for any window verdict that raises an alert (drift,
 * degraded performance): after {@code alertAfter} consecutive bad windows the episode opens (one
 * alert); while it lasts, nothing more; after {@code recoverAfter} consecutive good windows it ends
 * (one recovery). A Flink POJO, kept as keyed state.
 */
public class AlertEpisode {
    /** What one window's verdict did to the episode. */
    public enum Transition {
        /** Nothing to report. */
        NONE,
        /** The bad streak reached {@code alertAfter}: raise the alert. */
        OPENED,
        /** The good streak reached {@code recoverAfter}: report the recovery. */
        RECOVERED
    }

    /** True between the alert and the recovery. */
    public boolean active;

    /** Start of the first window of the current bad streak (or of the active episode). */
    public long streakStart;

    /** Consecutive bad windows (named for drift, where the episode first served). */
    public int driftedStreak;

    public int cleanStreak;

    /** Id of the active episode's alert; set by the caller when it raises the alert. */
    public String alertId;

    public AlertEpisode() {}

    /**
     * Takes one window's verdict.
     *
     * @param bad whether the window is drifted / degraded
     * @param windowStart start of the window
     */
    public Transition step(boolean bad, long windowStart, int alertAfter, int recoverAfter) {
        if (bad) {
            if (driftedStreak == 0 && !active) {
                streakStart = windowStart;
            }
            driftedStreak++;
            cleanStreak = 0;
            if (!active && driftedStreak >= alertAfter) {
                active = true;
                return Transition.OPENED;
            }
        } else {
            cleanStreak++;
            driftedStreak = 0;
            if (active && cleanStreak >= recoverAfter) {
                active = false;
                return Transition.RECOVERED;
            }
        }
        return Transition.NONE;
    }

    /** True when there is nothing to remember: no episode and no bad streak. */
    public boolean idle() {
        return !active && driftedStreak == 0;
    }
}
