package io.warden.detectors.policy;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the policy keeps about one target, in one {@link Serializable} object for one
 * keyed-state entry (e.g. a Flink {@code ValueState} keyed by the target). It holds no rules; the
 * {@link PolicyEngine} that updates it does. Create it with {@link PolicyEngine#newState}.
 *
 * <p><b>What it holds</b>, per rule that has something to remember about the target (keyed by rule
 * name, so a state restored under a changed config still finds its rules):
 *
 * <ul>
 *   <li>the event times of the matching alerts counted towards the next decision, at most the
 *       rule's {@code count} (in practice at most {@code count - 1}: the {@code count}-th acts and
 *       clears them), and the ids of the newest {@value DecisionEvent#MAX_REASONS} of them;
 *   <li>the active decision: action, effective time, expiry, model name and the number of alerts it
 *       suppressed;
 *   <li>the end of a cool-down.
 * </ul>
 *
 * <p><b>Size.</b> Per rule at most 8 &middot; count bytes of times plus {@value
 * DecisionEvent#MAX_REASONS} alert ids, and a few numbers; a rule with nothing to remember holds no
 * entry, and a state with no entry at all is {@link #isEmpty() empty} and can be dropped. The size
 * does not grow with the number of alerts read.
 */
public final class PolicyState implements Serializable {

    private static final long serialVersionUID = 1L;

    private final PolicyTarget target;
    private final TreeMap<String, RuleSlot> slots = new TreeMap<>();

    PolicyState(PolicyTarget target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /** The target this state belongs to. */
    public PolicyTarget target() {
        return target;
    }

    /** Whether the state remembers nothing, so the operator may drop it. */
    public boolean isEmpty() {
        return slots.isEmpty();
    }

    /** The names of the rules with an active decision on the target, sorted. */
    public SortedSet<String> activeRules() {
        TreeSet<String> active = new TreeSet<>();
        slots.forEach(
                (rule, slot) -> {
                    if (slot.active()) {
                        active.add(rule);
                    }
                });
        return active;
    }

    /** Matching alerts kept towards future decisions, over all rules (for bounds and metrics). */
    public int keptAlerts() {
        int kept = 0;
        for (RuleSlot slot : slots.values()) {
            kept += slot.size();
        }
        return kept;
    }

    /** The rules' slots by rule name, for the engine; live view. */
    Map<String, RuleSlot> slots() {
        return slots;
    }

    /** The slot of a rule, created empty if absent. */
    RuleSlot slot(String rule) {
        return slots.computeIfAbsent(rule, name -> new RuleSlot());
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        try {
            Objects.requireNonNull(target, "target");
            for (Map.Entry<String, RuleSlot> entry : slots.entrySet()) {
                Objects.requireNonNull(entry.getValue(), "slot").validate();
            }
        } catch (RuntimeException e) {
            InvalidObjectException invalid =
                    new InvalidObjectException("invalid PolicyState: " + e.getMessage());
            invalid.initCause(e);
            throw invalid;
        }
    }

    @Override
    public String toString() {
        return "PolicyState[target="
                + target
                + ", rules="
                + slots.keySet()
                + ", active="
                + activeRules()
                + ", kept="
                + keptAlerts()
                + "]";
    }
}
