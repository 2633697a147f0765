package io.warden.jobs.policy;

import io.warden.detectors.policy.AlertView;
import io.warden.detectors.policy.DecisionEvent;
import io.warden.detectors.policy.PolicyEngine;
import io.warden.detectors.policy.PolicyState;
import io.warden.jobs.config.WardenConfig;
import io.warden.schemas.Alert;
import io.warden.schemas.DecisionAction;
import io.warden.schemas.DecisionTarget;
import io.warden.schemas.QuarantineDecision;
import io.warden.schemas.TargetType;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns alerts into decisions, keyed by {@link #key(Alert)} (the alert's subject, which is the
 * decision's target): each target's {@link PolicyState} lives in keyed state; an alert goes through
 * {@link PolicyEngine#onAlert}, an event-time timer at {@link PolicyEngine#nextTimer} through
 * {@link PolicyEngine#onTime} (RELEASE on expiry), and the state is dropped once {@link
 * PolicyEngine#isEmpty} (no decision, no alerts in a window, no cool-down). Decisions keep the
 * engine's content-derived ids, so a replay or a restart emits the same ones.
 *
 * <p><b>Metrics:</b> {@code decisions}, {@code releases}.
 */
public final class PolicyDecisions extends KeyedProcessFunction<String, Alert, QuarantineDecision> {
    private static final long serialVersionUID = 1L;

    private final PolicyEngine engine;

    private transient ValueState<PolicyState> state;
    private transient Counter decisions;
    private transient Counter releases;

    public PolicyDecisions(PolicyEngine engine) {
        this.engine = engine;
    }

    /** The policy of a validated config, or null when it has no rules. */
    public static PolicyDecisions from(WardenConfig config) {
        return config.policy().rules().isEmpty()
                ? null
                : new PolicyDecisions(new PolicyEngine(config.policy().toRules()));
    }

    /** Whether any rule counts the alert (others need not be shuffled to this stage). */
    public boolean counts(Alert a) {
        AlertView view = view(a);
        return engine.rules().stream().anyMatch(r -> r.matches(view));
    }

    /** The key of an alert: its subject's type and id. */
    public static String key(Alert a) {
        return a.getSubject().getType().name() + '\u0000' + a.getSubject().getId();
    }

    /** The engine's view of an alert. */
    static AlertView view(Alert a) {
        return new AlertView(
                a.getAlertId(),
                AlertView.Kind.valueOf(a.getKind().name()),
                AlertView.Severity.valueOf(a.getSeverity().name()),
                AlertView.SubjectType.valueOf(a.getSubject().getType().name()),
                a.getSubject().getId(),
                a.getModelName(),
                a.getEventTime().toEpochMilli());
    }

    @Override
    public void open(OpenContext openContext) {
        state =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "policy", TypeInformation.of(PolicyState.class)));
        decisions = getRuntimeContext().getMetricGroup().counter("decisions");
        releases = getRuntimeContext().getMetricGroup().counter("releases");
    }

    @Override
    public void processElement(Alert a, Context ctx, Collector<QuarantineDecision> out)
            throws Exception {
        AlertView view = view(a);
        PolicyState s = state.value();
        if (s == null) {
            s = engine.newState(view.target());
        }
        emit(engine.onAlert(s, view), out);
        keep(s, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<QuarantineDecision> out)
            throws Exception {
        PolicyState s = state.value();
        if (s == null) {
            return;
        }
        emit(engine.onTime(s, timestamp), out);
        keep(s, ctx.timerService());
    }

    /** Stores the state (or drops it when empty) and sets the engine's next timer. */
    private void keep(PolicyState s, org.apache.flink.streaming.api.TimerService timers)
            throws Exception {
        if (engine.isEmpty(s)) {
            state.clear();
            return;
        }
        state.update(s);
        OptionalLong next = engine.nextTimer(s);
        if (next.isPresent()) {
            timers.registerEventTimeTimer(next.getAsLong());
        }
    }

    private void emit(List<DecisionEvent> events, Collector<QuarantineDecision> out) {
        for (DecisionEvent e : events) {
            if (e.type() == DecisionEvent.Type.RELEASE) {
                releases.inc();
            } else {
                decisions.inc();
            }
            out.collect(decision(e));
        }
    }

    /** The contract record of a decision event. */
    static QuarantineDecision decision(DecisionEvent e) {
        return QuarantineDecision.newBuilder()
                .setDecisionId(e.decisionId())
                .setEventTime(Instant.ofEpochMilli(e.effectiveFrom()))
                .setModelName(e.modelName())
                .setTarget(
                        new DecisionTarget(
                                TargetType.valueOf(e.target().type().name()), e.target().id()))
                .setAction(DecisionAction.valueOf(e.decisionAction()))
                .setReasons(e.reasons())
                .setSummary(e.summary())
                .setEffectiveFrom(Instant.ofEpochMilli(e.effectiveFrom()))
                .setExpiresAt(e.hasExpiry() ? Instant.ofEpochMilli(e.expiresAt()) : null)
                .build();
    }
}
