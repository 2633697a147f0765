package io.warden.detectors.policy;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The quarantine policy: turns alerts about a target into decisions on it ({@link DecisionEvent}s),
 * with hysteresis, de-duplication, expiry, explicit release and cool-down, each rule on its own.
 * The engine is immutable and shared; it holds the rules and keeps nothing between calls. All it
 * remembers about a target lives in that target's {@link PolicyState}, which every call updates in
 * place. Time is event time in epoch milliseconds, passed in; there is no wall clock.
 *
 * <p><b>Operator contract</b> (e.g. a Flink {@code KeyedProcessFunction} keyed by {@link
 * AlertView#target()}, with the {@link PolicyState} in a {@code ValueState}):
 *
 * <ol>
 *   <li>On each alert: {@code state = state != null ? state : engine.newState(alert.target())},
 *       emit {@link #onAlert onAlert(state, alert)}.
 *   <li>On each event-time timer at {@code t}: emit {@link #onTime onTime(state, t)}.
 *   <li>After either: register a timer at {@link #nextTimer nextTimer(state)} if present (timers
 *       left over from earlier calls are harmless: a call with nothing due does nothing), and clear
 *       the keyed state when {@link #isEmpty isEmpty(state)}, otherwise store it.
 *   <li>For an explicit release (e.g. from an operator's command stream): emit {@link #release}.
 * </ol>
 *
 * Do not put a state TTL shorter than the longest rule {@code duration} plus {@code cooldown} on
 * the policy state, and none at all with rules whose decisions last until released: the state
 * expires by itself through {@link #onTime}.
 *
 * <p><b>Hysteresis.</b> For each rule that {@link PolicyRule#matches matches} an alert, and while
 * the rule has no active decision and no cool-down on the target, the alert is <em>counted</em>
 * unless it is too old: with T the newest event time of the alerts already counted, an alert at
 * event time t &le; T &minus; window is ignored (an out-of-order alert that falls outside every
 * window containing T). After counting, alerts at or before T' &minus; window are forgotten, T' the
 * new newest time, so the counted alerts always lie in the half-open window (T' &minus; window,
 * T']. When {@code count} alerts are counted, the rule acts: an ACT effective from T' (the event
 * time at which {@code count} alerts within a window were first seen; for alerts in order, the
 * event time of the alert that completed the count), expiring at T' + {@code duration} (or never),
 * with the counted alerts' ids as reasons, oldest first. The counted alerts are then forgotten.
 *
 * <p><b>De-duplication.</b> While a rule's decision on a target is active, the rule ignores further
 * matching alerts about it (they are only counted as suppressed, for the release summary): one
 * incident gives one decision, however many alerts it raises. Different rules are independent: a
 * THROTTLE rule after one alert and a BLOCK rule after five both act on the same target.
 *
 * <p><b>Expiry and release.</b> A decision with an expiry ends at exactly its {@code expiresAt}:
 * the RELEASE is effective from {@code expiresAt}, whichever call emits it. It is emitted by the
 * first {@link #onTime} or {@link #onAlert} call whose time is at or after {@code expiresAt} (an
 * alert's own time counts: an alert after the expiry first releases the decision, then is judged).
 * {@link #release} ends a decision early. After a release at r, the rule ignores alerts about the
 * target with event time before r + {@code cooldown}; from then on it counts afresh.
 *
 * <p><b>Late alerts.</b> Everything above depends only on the alerts' event times and their order
 * of arrival, not on when timers fire, with one exception: {@link #onTime} at t forgets what can no
 * longer matter to alerts after t (counted alerts all at or before t &minus; window, cool-downs
 * ended by t), so an alert with event time at or before an earlier {@code onTime} call is judged
 * against what is left.
 *
 * <p><b>Determinism.</b> Events come out in a fixed order: for an alert, the due releases first (by
 * release time, then rule name), then the rules' ACTs in the order the rules were given; for a
 * time, releases by release time, then rule name. Ids are derived from content ({@link
 * DecisionEvent}), so the same alerts in the same order give the same events with the same ids.
 *
 * <p><b>Changed config.</b> State is kept per rule name. After a restore under different rules, a
 * removed rule's active decision is still released at its expiry (with no cool-down) and its
 * counted alerts are dropped at the next {@link #onTime}; a rule whose {@code count} shrank acts on
 * its next counted alert if it already holds enough.
 *
 * <pre>{@code
 * PolicyEngine engine = new PolicyEngine(List.of(throttleAfterOne, blockAfterFive));
 * PolicyState state = engine.newState(alert.target());
 * List<DecisionEvent> decisions = engine.onAlert(state, alert);
 * OptionalLong timer = engine.nextTimer(state);
 * }</pre>
 */
public final class PolicyEngine implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Comparator<Map.Entry<String, RuleSlot>> BY_EXPIRY =
            Comparator.comparingLong((Map.Entry<String, RuleSlot> e) -> e.getValue().expiresAt())
                    .thenComparing(Map.Entry::getKey);

    private final List<PolicyRule> rules;
    private final LinkedHashMap<String, PolicyRule> byName = new LinkedHashMap<>();

    /**
     * @param rules the rules, with unique names; evaluated in this order; may be empty
     * @throws IllegalArgumentException naming a rule whose name is taken
     */
    public PolicyEngine(List<PolicyRule> rules) {
        this.rules = List.copyOf(rules);
        for (PolicyRule rule : this.rules) {
            if (byName.put(rule.name(), rule) != null) {
                throw new IllegalArgumentException(
                        "policy rule name '" + rule.name() + "' is used twice");
            }
        }
    }

    /** The rules, in evaluation order. */
    public List<PolicyRule> rules() {
        return rules;
    }

    /** A fresh, empty state for a target. */
    public PolicyState newState(PolicyTarget target) {
        return new PolicyState(target);
    }

    /**
     * Reads one alert about the state's target: first releases the decisions that expired by the
     * alert's event time, then lets every matching rule count it and act (see the class
     * description).
     *
     * @param state the target's state, updated in place
     * @param alert an alert whose {@link AlertView#target()} is the state's target
     * @return the RELEASEs and ACTs, in the documented order; often empty
     * @throws IllegalArgumentException if the alert is about another target
     */
    public List<DecisionEvent> onAlert(PolicyState state, AlertView alert) {
        Objects.requireNonNull(alert, "alert");
        if (!state.target().equals(alert.target())) {
            throw new IllegalArgumentException(
                    "alert "
                            + alert.alertId()
                            + " is about "
                            + alert.target()
                            + ", not about the state's target "
                            + state.target());
        }
        long t = alert.eventTime();
        List<DecisionEvent> events = new ArrayList<>(expire(state, t));
        for (PolicyRule rule : rules) {
            if (!rule.matches(alert)) {
                continue;
            }
            RuleSlot slot = state.slot(rule.name());
            if (slot.active()) {
                slot.suppress();
            } else if (t >= slot.cooldownUntil()
                    && (slot.size() == 0
                            || t > EventTimes.plus(slot.newest(), -rule.windowMillis()))) {
                slot.keep(t, alert.alertId(), rule.windowMillis(), rule.count());
                if (slot.size() >= rule.count()) {
                    events.add(act(state.target(), rule, slot, alert.modelName()));
                }
            }
            if (slot.idle()) {
                state.slots().remove(rule.name());
            }
        }
        return events;
    }

    /**
     * Advances the state to an event time: releases the decisions whose expiry is at or before it
     * and forgets what no later alert can need (see the class description).
     *
     * @param state the target's state, updated in place
     * @param eventTimeMillis the time reached, e.g. a timer's timestamp
     * @return the RELEASEs, by release time then rule name; empty if nothing was due
     */
    public List<DecisionEvent> onTime(PolicyState state, long eventTimeMillis) {
        List<DecisionEvent> events = expire(state, eventTimeMillis);
        state.slots()
                .entrySet()
                .removeIf(
                        entry -> {
                            RuleSlot slot = entry.getValue();
                            if (slot.cooldownUntil() <= eventTimeMillis) {
                                slot.endCooldown();
                            }
                            if (slot.size() > 0
                                    && keptUntil(entry.getKey(), slot) <= eventTimeMillis) {
                                slot.clearKept();
                            }
                            return slot.idle();
                        });
        return events;
    }

    /**
     * Ends a rule's active decision on the state's target before its expiry, e.g. on an analyst's
     * command. The release is effective from {@code eventTimeMillis}, clamped into the decision's
     * lifetime [effective-from, expires-at]: a release requested after the expiry is the expiry's
     * own RELEASE, with the same id. The rule's cool-down starts at the release.
     *
     * @param state the target's state, updated in place
     * @param ruleName the rule whose decision ends
     * @param eventTimeMillis when the release was requested
     * @return the RELEASE, or empty if the rule has no active decision on the target
     */
    public Optional<DecisionEvent> release(
            PolicyState state, String ruleName, long eventTimeMillis) {
        RuleSlot slot = state.slots().get(ruleName);
        if (slot == null || !slot.active()) {
            return Optional.empty();
        }
        long at = Math.min(Math.max(eventTimeMillis, slot.effectiveFrom()), slot.expiresAt());
        boolean expired = at == slot.expiresAt();
        return Optional.of(end(state.target(), ruleName, slot, at, expired));
    }

    /**
     * The next event time at which {@link #onTime} has something to do: a decision's expiry, the
     * end of a cool-down, or the moment the counted alerts fall out of their window.
     *
     * @return that time, or empty when nothing is due by itself (an empty state, or only decisions
     *     that last until released)
     */
    public OptionalLong nextTimer(PolicyState state) {
        long next = Long.MAX_VALUE;
        boolean any = false;
        for (Map.Entry<String, RuleSlot> entry : state.slots().entrySet()) {
            RuleSlot slot = entry.getValue();
            if (slot.active() && slot.expiresAt() != DecisionEvent.NO_EXPIRY) {
                next = Math.min(next, slot.expiresAt());
                any = true;
            }
            if (slot.cooldownUntil() != RuleSlot.NO_COOLDOWN) {
                next = Math.min(next, slot.cooldownUntil());
                any = true;
            }
            if (slot.size() > 0) {
                next = Math.min(next, keptUntil(entry.getKey(), slot));
                any = true;
            }
        }
        return any ? OptionalLong.of(next) : OptionalLong.empty();
    }

    /** Whether the state remembers nothing, so the operator may drop it. */
    public boolean isEmpty(PolicyState state) {
        return state.isEmpty();
    }

    /** The time from which a slot's counted alerts are all outside their rule's window. */
    private long keptUntil(String ruleName, RuleSlot slot) {
        PolicyRule rule = byName.get(ruleName);
        return rule == null ? slot.newest() : EventTimes.plus(slot.newest(), rule.windowMillis());
    }

    private List<DecisionEvent> expire(PolicyState state, long time) {
        List<Map.Entry<String, RuleSlot>> due = new ArrayList<>();
        for (Map.Entry<String, RuleSlot> entry : state.slots().entrySet()) {
            RuleSlot slot = entry.getValue();
            if (slot.active() && slot.expiresAt() <= time) {
                due.add(entry);
            }
        }
        due.sort(BY_EXPIRY);
        List<DecisionEvent> events = new ArrayList<>(due.size());
        for (Map.Entry<String, RuleSlot> entry : due) {
            RuleSlot slot = entry.getValue();
            events.add(end(state.target(), entry.getKey(), slot, slot.expiresAt(), true));
        }
        return events;
    }

    private DecisionEvent act(PolicyTarget target, PolicyRule rule, RuleSlot slot, String model) {
        long from = slot.newest();
        long expiresAt = rule.expiryFrom(from);
        List<String> reasons = slot.keptIds();
        String summary =
                "rule '"
                        + rule.name()
                        + "': "
                        + rule.action()
                        + " "
                        + target
                        + " after "
                        + rule.condition()
                        + ", "
                        + (expiresAt == DecisionEvent.NO_EXPIRY
                                ? "until released"
                                : "until " + EventTimes.format(expiresAt));
        slot.clearKept();
        slot.activate(rule.action(), from, expiresAt, model);
        return new DecisionEvent(
                DecisionIds.act(rule.name(), target, rule.action(), from),
                DecisionEvent.Type.ACT,
                rule.name(),
                rule.action(),
                target,
                model,
                from,
                expiresAt,
                reasons,
                summary);
    }

    private DecisionEvent end(
            PolicyTarget target, String ruleName, RuleSlot slot, long at, boolean expired) {
        String actId = DecisionIds.act(ruleName, target, slot.action(), slot.effectiveFrom());
        String summary =
                "rule '"
                        + ruleName
                        + "': RELEASE of "
                        + slot.action()
                        + " on "
                        + target
                        + " (decision "
                        + actId
                        + " from "
                        + EventTimes.format(slot.effectiveFrom())
                        + "), "
                        + (expired ? "expired" : "released explicitly")
                        + "; "
                        + slot.suppressed()
                        + " further matching alerts while active";
        DecisionEvent release =
                new DecisionEvent(
                        DecisionIds.release(actId),
                        DecisionEvent.Type.RELEASE,
                        ruleName,
                        slot.action(),
                        target,
                        slot.modelName(),
                        at,
                        DecisionEvent.NO_EXPIRY,
                        List.of(actId),
                        summary);
        PolicyRule rule = byName.get(ruleName);
        slot.deactivate(rule == null ? at : EventTimes.plus(at, rule.cooldownMillis()));
        return release;
    }
}
