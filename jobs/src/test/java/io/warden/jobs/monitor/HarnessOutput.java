package io.warden.jobs.monitor;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** What an operator in a Flink test harness emitted, without its watermarks. */
public final class HarnessOutput {
    private HarnessOutput() {}

    /** The values of the records the harness's operator emitted so far, in order. */
    @SuppressWarnings("unchecked")
    public static <T> List<T> values(AbstractStreamOperatorTestHarness<T> h) {
        List<T> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((T) r.getValue());
            }
        }
        return out;
    }
}
