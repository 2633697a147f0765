package io.warden.jobs.drift;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Event-time windows (tumbling or sliding) over rows by their request's own event time, not by the
 * time of the record that completed the row (the request/response pair, or a prediction and its
 * label), which depends on arrival order. A window fires once, {@code delay} after its end in
 * watermark time, so that rows completed late (up to {@code delay} after the request) are still in
 * it; {@code delay} must equal the window operator's allowed lateness, so that firing and clean-up
 * coincide. The same rows therefore always land in the same windows, and each window gives one
 * result.
 */
public final class ObservationWindows extends WindowAssigner<Object, TimeWindow> {
    private static final long serialVersionUID = 1L;

    /** The request event time of a windowed element. */
    @FunctionalInterface
    public interface RequestTime extends Serializable {
        long of(Object element);
    }

    private final long size;
    private final long slide;
    private final long delay;
    private final RequestTime requestTime;

    /** Windows of {@link Observation}s. */
    ObservationWindows(Duration size, Duration slide, Duration delay) {
        this(size, slide, delay, element -> ((Observation) element).eventTime);
    }

    /**
     * @param slide null for tumbling windows
     * @param delay how long after its end, in event time, a window fires
     * @param requestTime the request event time of an element
     */
    public ObservationWindows(
            Duration size, Duration slide, Duration delay, RequestTime requestTime) {
        this.size = size.toMillis();
        this.slide = slide == null ? this.size : slide.toMillis();
        this.delay = delay.toMillis();
        this.requestTime = requestTime;
    }

    @Override
    public Collection<TimeWindow> assignWindows(
            Object element, long timestamp, WindowAssignerContext context) {
        long t = requestTime.of(element);
        List<TimeWindow> windows = new ArrayList<>((int) (size / slide));
        long lastStart = TimeWindow.getWindowStartWithOffset(t, 0, slide);
        for (long start = lastStart; start > t - size; start -= slide) {
            windows.add(new TimeWindow(start, start + size));
        }
        return windows;
    }

    @Override
    public Trigger<Object, TimeWindow> getDefaultTrigger() {
        return new DelayedEventTimeTrigger(delay);
    }

    @Override
    public TypeSerializer<TimeWindow> getWindowSerializer(ExecutionConfig executionConfig) {
        return new TimeWindow.Serializer();
    }

    @Override
    public boolean isEventTime() {
        return true;
    }

    @Override
    public String toString() {
        return "ObservationWindows(" + size + ", " + slide + ", delay " + delay + ")";
    }

    /** Fires and purges a window once, when the watermark passes its end plus the delay. */
    static final class DelayedEventTimeTrigger extends Trigger<Object, TimeWindow> {
        private static final long serialVersionUID = 1L;
        private final long delay;

        DelayedEventTimeTrigger(long delay) {
            this.delay = delay;
        }

        private long fireAt(TimeWindow window) {
            return window.maxTimestamp() + delay;
        }

        @Override
        public TriggerResult onElement(
                Object element, long timestamp, TimeWindow window, TriggerContext ctx) {
            ctx.registerEventTimeTimer(fireAt(window));
            return TriggerResult.CONTINUE;
        }

        @Override
        public TriggerResult onEventTime(long time, TimeWindow window, TriggerContext ctx) {
            return time == fireAt(window) ? TriggerResult.FIRE_AND_PURGE : TriggerResult.CONTINUE;
        }

        @Override
        public TriggerResult onProcessingTime(long time, TimeWindow window, TriggerContext ctx) {
            return TriggerResult.CONTINUE;
        }

        @Override
        public void clear(TimeWindow window, TriggerContext ctx) {
            ctx.deleteEventTimeTimer(fireAt(window));
        }
    }
}
