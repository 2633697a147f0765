package io.warden.jobs.monitor;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * Event-time expiry of a key's state in a keyed function: one event-time timer per key, at the last
 * activity's time plus a TTL, moved forward (the old timer deleted) as activity comes, so an idle
 * key is dropped once the watermark passes its deadline. Unlike Flink's processing-time state TTL,
 * the point of expiry is a function of event time only, so a replay drops the same keys at the same
 * points.
 *
 * <pre>{@code
 * expiry = IdleExpiry.open(getRuntimeContext(), "client-expiry");
 * // processElement:  expiry.touch(eventTime + ttl, ctx.timerService());
 * // onTimer:         if (expiry.isDue(timestamp)) { ...clear the key's state...; expiry.clear(); }
 * }</pre>
 */
public final class IdleExpiry {
    private final ValueState<Long> deadline;

    private IdleExpiry(ValueState<Long> deadline) {
        this.deadline = deadline;
    }

    /** The expiry of a keyed function, in a {@code Long} value state of the given name. */
    public static IdleExpiry open(RuntimeContext context, String stateName) {
        return new IdleExpiry(context.getState(new ValueStateDescriptor<>(stateName, Types.LONG)));
    }

    /** Moves the current key's deadline to {@code deadlineMillis} if that is later. */
    public void touch(long deadlineMillis, TimerService timers) throws Exception {
        Long due = deadline.value();
        if (due == null || deadlineMillis > due) {
            if (due != null) {
                timers.deleteEventTimeTimer(due);
            }
            timers.registerEventTimeTimer(deadlineMillis);
            deadline.update(deadlineMillis);
        }
    }

    /** Whether a timer firing at {@code timestamp} is the current key's deadline. */
    public boolean isDue(long timestamp) throws Exception {
        Long due = deadline.value();
        return due != null && due == timestamp;
    }

    /** Forgets the current key's deadline. */
    public void clear() {
        deadline.clear();
    }
}
