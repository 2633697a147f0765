package io.warden.detectors.sequential;

import java.io.Serializable;
import java.util.OptionalLong;

/**
 * A sequential change detector: it reads a stream of numbers one value at a time and says, at each
 * value, whether the stream's distribution (usually its mean) has just changed. The same small
 * contract as MOA's {@code ChangeDetector} and River's {@code DriftDetector}: update with a value,
 * ask whether a change was detected, reset.
 *
 * <p><b>Indices.</b> Values are numbered from 0 in the order {@link #update(double)} received them
 * since construction or the last {@link #reset()}; {@link #count()} is the number received, so the
 * value just given has index {@code count() - 1}. A detector that restarts its own statistics after
 * an alarm (as Page-Hinkley does) keeps counting.
 *
 * <p><b>State.</b> A detector is a small mutable object with explicit state, so a streaming job can
 * checkpoint it: {@link #snapshot()} returns an immutable, {@link Serializable} copy of everything
 * that changes with the values (not the parameters, which come from configuration), and {@link
 * #restore(State)} puts it back into a detector built with the same parameters; the restored
 * detector then makes exactly the decisions the original would have made. Implementations are also
 * {@link Serializable} themselves (parameters and state), validated on reading. Each implementation
 * documents its state's size. Detectors are not thread-safe.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ChangeDetector detector = new Adwin();
 * for (double confidence : stream) {
 *     if (detector.update(confidence)) {
 *         alert("change near value #" + detector.changePoint().orElse(detector.count() - 1));
 *     }
 * }
 * }</pre>
 */
public interface ChangeDetector extends Serializable {

    /**
     * Reads the next value.
     *
     * @return whether a change was detected at this value, the same as {@link #changeDetected()}
     * @throws IllegalArgumentException if the value is NaN or infinite, which would poison the
     *     detector's running statistics; the state is then unchanged
     */
    boolean update(double value);

    /** Whether the last {@link #update(double)} detected a change; false before the first one. */
    boolean changeDetected();

    /** Number of values read since construction or the last {@link #reset()}. */
    long count();

    /**
     * Where the change that the last update detected is estimated to have started: the index (see
     * the class description) of the first value of the new regime. Empty when the last update
     * detected no change; each implementation documents its estimate.
     */
    OptionalLong changePoint();

    /** Forgets every value read: the detector is then as if newly built with its parameters. */
    void reset();

    /** An immutable copy of the detector's current state, without its parameters. */
    State snapshot();

    /**
     * Replaces the detector's state with a snapshot taken from a detector of the same kind.
     * Parameters are not part of a snapshot: restore into a detector built with the same ones.
     *
     * @throws IllegalArgumentException if the snapshot comes from another kind of detector or is
     *     inconsistent with this detector's parameters; the state is then unchanged
     */
    void restore(State state);

    /** Marker for the immutable, serializable state snapshots of {@link ChangeDetector}s. */
    interface State extends Serializable {}
}
