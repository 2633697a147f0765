package io.warden.jobs.sequential;

/**
 * The sequential detection state of one model version (one key): which model it is and one {@link
 * SignalState} per watched signal, in the configured order. A Flink POJO.
 */
public class SequentialState {
    public String modelName;
    public String modelVersion;
    public SignalState[] signals;

    public SequentialState() {}

    static SequentialState fresh(String modelName, String modelVersion, SequentialModel model) {
        SequentialState s = new SequentialState();
        s.modelName = modelName;
        s.modelVersion = modelVersion;
        s.signals = new SignalState[model.signals().size()];
        for (int i = 0; i < s.signals.length; i++) {
            s.signals[i] = SignalState.fresh(model.signalNames().get(i), model.detectorName());
        }
        return s;
    }

    /** Whether the state has the model's signals, in its order, with its kind of detector. */
    boolean follows(SequentialModel model) {
        if (signals.length != model.signals().size()) {
            return false;
        }
        for (int i = 0; i < signals.length; i++) {
            if (!signals[i].signal.equals(model.signalNames().get(i))
                    || !signals[i].detector.equals(model.detectorName())) {
                return false;
            }
        }
        return true;
    }

    /**
     * For each of the model's signals, the index of its state here, or -1 (new signal, or another
     * kind of detector now).
     */
    int[] mapTo(SequentialModel model) {
        int[] from = new int[model.signals().size()];
        for (int i = 0; i < from.length; i++) {
            from[i] = -1;
            for (int j = 0; j < signals.length; j++) {
                if (signals[j].signal.equals(model.signalNames().get(i))
                        && signals[j].detector.equals(model.detectorName())) {
                    from[i] = j;
                }
            }
        }
        return from;
    }
}
