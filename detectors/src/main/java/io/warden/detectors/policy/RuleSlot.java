package io.warden.detectors.policy;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one rule keeps about one target: the matching alerts counted towards its next decision
 * (event times sorted ascending, with the ids of the newest {@value DecisionEvent#MAX_REASONS}),
 * the active decision if any, and the end of a cool-down. Mutated by the {@link PolicyEngine} only.
 */
final class RuleSlot implements Serializable {

    private static final long serialVersionUID = 1L;

    /** {@link #cooldownUntil} when there is no cool-down. */
    static final long NO_COOLDOWN = Long.MIN_VALUE;

    private static final long[] NO_TIMES = {};
    private static final String[] NO_IDS = {};

    /** Event times of the kept alerts, ascending (ties in arrival order); {@code size} valid. */
    private long[] times = NO_TIMES;

    /** Their ids; null for all but the newest {@value DecisionEvent#MAX_REASONS}. */
    private String[] ids = NO_IDS;

    private int size;

    /** The active decision's action, or null when none is active. */
    private PolicyAction action;

    private long effectiveFrom;
    private long expiresAt;
    private String modelName;

    /** Matching alerts ignored while the decision was active. */
    private long suppressed;

    private long cooldownUntil = NO_COOLDOWN;

    int size() {
        return size;
    }

    /** The newest kept event time; only when {@link #size()} &gt; 0. */
    long newest() {
        return times[size - 1];
    }

    /**
     * Keeps a matching alert, then drops the kept alerts at or before {@code newest - window} and,
     * beyond {@code count}, the oldest; never the newest, which is within its own window.
     */
    void keep(long time, String id, long windowMillis, int count) {
        if (size == times.length) {
            int capacity = Math.min(Math.max(4, 2 * times.length), count + 1);
            times = Arrays.copyOf(times, Math.max(capacity, size + 1));
            ids = Arrays.copyOf(ids, times.length);
        }
        int at = size;
        while (at > 0 && times[at - 1] > time) {
            at--;
        }
        System.arraycopy(times, at, times, at + 1, size - at);
        System.arraycopy(ids, at, ids, at + 1, size - at);
        times[at] = time;
        ids[at] = id;
        size++;
        long cutoff = EventTimes.plus(newest(), -windowMillis);
        int drop = 0;
        while (drop < size - 1 && (times[drop] <= cutoff || size - drop > count)) {
            drop++;
        }
        dropOldest(drop);
        for (int i = 0; i < size - DecisionEvent.MAX_REASONS; i++) {
            ids[i] = null;
        }
    }

    private void dropOldest(int n) {
        if (n == 0) {
            return;
        }
        System.arraycopy(times, n, times, 0, size - n);
        System.arraycopy(ids, n, ids, 0, size - n);
        Arrays.fill(ids, size - n, size, null);
        size -= n;
    }

    /** The ids of the kept alerts that still have one, oldest first. */
    List<String> keptIds() {
        List<String> kept = new ArrayList<>(Math.min(size, DecisionEvent.MAX_REASONS));
        for (int i = 0; i < size; i++) {
            if (ids[i] != null) {
                kept.add(ids[i]);
            }
        }
        return kept;
    }

    /** Forgets the kept alerts and frees their arrays. */
    void clearKept() {
        times = NO_TIMES;
        ids = NO_IDS;
        size = 0;
    }

    boolean active() {
        return action != null;
    }

    void activate(PolicyAction action, long effectiveFrom, long expiresAt, String modelName) {
        this.action = action;
        this.effectiveFrom = effectiveFrom;
        this.expiresAt = expiresAt;
        this.modelName = modelName;
        this.suppressed = 0;
        this.cooldownUntil = NO_COOLDOWN;
    }

    /** Ends the active decision; alerts before {@code cooldownUntil} are then ignored. */
    void deactivate(long cooldownUntil) {
        this.action = null;
        this.modelName = null;
        this.suppressed = 0;
        this.cooldownUntil = cooldownUntil;
    }

    void suppress() {
        suppressed++;
    }

    PolicyAction action() {
        return action;
    }

    long effectiveFrom() {
        return effectiveFrom;
    }

    long expiresAt() {
        return expiresAt;
    }

    String modelName() {
        return modelName;
    }

    long suppressed() {
        return suppressed;
    }

    long cooldownUntil() {
        return cooldownUntil;
    }

    void endCooldown() {
        cooldownUntil = NO_COOLDOWN;
    }

    /** Whether the slot holds nothing at all and can be dropped. */
    boolean idle() {
        return size == 0 && action == null && cooldownUntil == NO_COOLDOWN;
    }

    /** Checks the invariants after deserialisation. */
    void validate() {
        if (times == null
                || ids == null
                || times.length != ids.length
                || size < 0
                || size > times.length
                || size > PolicyRule.MAX_COUNT) {
            throw new IllegalArgumentException("kept alerts out of range");
        }
        for (int i = 0; i < size; i++) {
            if (i > 0 && times[i - 1] > times[i]) {
                throw new IllegalArgumentException("kept alert times are not sorted");
            }
            if ((ids[i] == null) != (i < size - DecisionEvent.MAX_REASONS)) {
                throw new IllegalArgumentException("kept alert " + i + " has a wrong id slot");
            }
        }
        if (suppressed < 0 || (action != null && expiresAt < effectiveFrom)) {
            throw new IllegalArgumentException("active decision is inconsistent");
        }
    }
}
