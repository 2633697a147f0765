package io.warden.detectors.sequential;

/** Which shifts of a stream's mean a sequential detector watches for. */
public enum ChangeDirection {
    /** Only rises of the mean raise an alarm. */
    INCREASE,
    /** Only falls of the mean raise an alarm. */
    DECREASE,
    /** Rises and falls raise an alarm. */
    BOTH;

    /** Whether this setting watches for rises. */
    public boolean watchesIncrease() {
        return this != DECREASE;
    }

    /** Whether this setting watches for falls. */
    public boolean watchesDecrease() {
        return this != INCREASE;
    }
}
