package io.warden.detectors.sequential;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The Page-Hinkley test for a shift in the mean of a stream: Page, "Continuous Inspection Schemes",
 * Biometrika 41 (1954); Hinkley, "Inference about the change-point from cumulative sum tests",
 * Biometrika 58 (1971); in the form used for concept drift by Mouss et al., "Test of Page-Hinkley,
 * an approach for fault detection in an agro-alimentary production system", Asian Control
 * Conference 2004, and Gama, Sebastião &amp; Rodrigues, "On evaluating stream learning algorithms",
 * Machine Learning 90 (2013).
 *
 * <p><b>Statistic.</b> With x&#772;<sub>T</sub> the mean of the values read since the test last
 * (re)started, the test accumulates their deviations from it, less a tolerated magnitude &delta;:
 *
 * <pre>
 *   m_T = &alpha; &middot; m_(T&minus;1) + (x_T &minus; x&#772;_T &minus; &delta;)      M_T = min_(t&le;T) m_t      PH_T = m_T &minus; M_T
 * </pre>
 *
 * and signals a rise of the mean when PH<sub>T</sub> &gt; &lambda;. A fall is tested the same way
 * with the signs turned: m'<sub>T</sub> = &alpha; &middot; m'<sub>T&minus;1</sub> + (x<sub>T</sub>
 * &minus; x&#772;<sub>T</sub> + &delta;), signalled when max<sub>t&le;T</sub> m'<sub>t</sub>
 * &minus; m'<sub>T</sub> &gt; &lambda;. With &alpha; = 1 this is Page's CUSUM against the running
 * mean; &alpha; &lt; 1 fades old deviations out of the cumulative sums (not out of the mean, which
 * is the plain mean since the restart), as in MOA's {@code PageHinkleyDM} and River's {@code
 * PageHinkley}. The variant here is River's ({@code river/drift/page_hinkley.py} on its main
 * branch): both sums, the strict comparison with &lambda;, no detection before {@code minInstances}
 * values, and a restart at the update after each detection; detection indices agree with River's.
 *
 * <p><b>Parameters</b> (defaults are MOA's and River's):
 *
 * <ul>
 *   <li>{@code minInstances} &ge; 1, default {@value #DEFAULT_MIN_INSTANCES}: no detection before
 *       this many values since the last restart (the mean is too uncertain before).
 *   <li>{@code delta} &delta; &ge; 0, default {@value #DEFAULT_DELTA}: the magnitude of change
 *       tolerated, in the values' units. The sum drifts by &minus;&delta; per value while the mean
 *       holds, so smaller shifts are never detected; the classic choice is half the smallest shift
 *       worth detecting.
 *   <li>{@code threshold} &lambda; &gt; 0, default {@value #DEFAULT_THRESHOLD}: in the values'
 *       units times values. A shift by s &gt; &delta; is detected after about &lambda; / (s &minus;
 *       &delta;) values; on a stationary stream with noise &sigma; and &alpha; = 1, Siegmund's
 *       approximation puts the mean run to a false alarm, per direction, at (e<sup>a</sup> &minus;
 *       1 &minus; a) &sigma;&sup2; / (2&delta;&sup2;) values with a = 2&delta;&lambda; /
 *       &sigma;&sup2;. The defaults suit signals of small spread such as error rates or confidences
 *       in [0, 1] (on a confidence of spread 0.1 they raised no alarm in 10<sup>7</sup> stationary
 *       values); scale &delta; and &lambda; with the signal: on unit-variance noise the defaults
 *       alarm about once per 1,600 values.
 *   <li>{@code alpha} &alpha; in (0, 1], default 1 &minus; 10<sup>&minus;4</sup> ({@value
 *       #DEFAULT_ALPHA}): the fading factor of the cumulative sums. It bounds their memory to about
 *       1/(1 &minus; &alpha;) values (10,000 by default), so a very old excursion of the sum no
 *       longer counts; it barely affects detection within a few hundred values. Use 1 for the
 *       textbook test.
 *   <li>{@code direction}, default {@link ChangeDirection#BOTH}: which shifts raise an alarm.
 * </ul>
 *
 * <p><b>After a change</b> the detection stays visible ({@link #changeDetected()}, {@link
 * #statistic()}, {@link #changePoint()}) until the next update, which first restarts the test: the
 * mean, the sums and their extremes start again from that value, while {@link #count()} goes on.
 * {@link #changePoint()} is Hinkley's (1971) estimate: the value after the last time the alarming
 * sum was at its extreme (minimum for a rise, maximum for a fall).
 *
 * <p><b>State.</b> A {@link State} of 4 longs, 5 doubles and 2 flags: 74 bytes of numbers, 288
 * bytes with Java serialization's class description (656 for the whole detector with its
 * parameters). Updates are O(1) and allocate nothing.
 *
 * <pre>{@code
 * PageHinkley ph = PageHinkley.builder().delta(0.01).threshold(5).direction(ChangeDirection.DECREASE).build();
 * if (ph.update(confidence)) {
 *     alert("confidence fell since value #" + ph.changePoint().getAsLong());
 * }
 * }</pre>
 */
public final class PageHinkley implements ChangeDetector {

    private static final long serialVersionUID = 1L;

    /** Default number of values before a detection is possible: {@value}. */
    public static final int DEFAULT_MIN_INSTANCES = 30;

    /** Default tolerated magnitude of change &delta;: {@value}. */
    public static final double DEFAULT_DELTA = 0.005;

    /** Default detection threshold &lambda;: {@value}. */
    public static final double DEFAULT_THRESHOLD = 50.0;

    /** Default fading factor &alpha; of the cumulative sums: 1 &minus; 10<sup>&minus;4</sup>. */
    public static final double DEFAULT_ALPHA = 1 - 0.0001;

    private final int minInstances;
    private final double delta;
    private final double threshold;
    private final double alpha;
    private final ChangeDirection direction;

    private long count;

    /** Values since the test last (re)started; the mean's weight. */
    private long n;

    private double mean;
    private double sumIncrease;
    private double minIncrease;
    private long minIncreaseAt;
    private double sumDecrease;
    private double maxDecrease;
    private long maxDecreaseAt;
    private boolean increaseDetected;
    private boolean decreaseDetected;

    /** A Page-Hinkley test with the default parameters, watching both directions. */
    public PageHinkley() {
        this(
                DEFAULT_MIN_INSTANCES,
                DEFAULT_DELTA,
                DEFAULT_THRESHOLD,
                DEFAULT_ALPHA,
                ChangeDirection.BOTH);
    }

    private PageHinkley(
            int minInstances,
            double delta,
            double threshold,
            double alpha,
            ChangeDirection direction) {
        validate(minInstances, delta, threshold, alpha, direction);
        this.minInstances = minInstances;
        this.delta = delta;
        this.threshold = threshold;
        this.alpha = alpha;
        this.direction = direction;
        restart();
    }

    /** A builder starting from the default parameters. */
    public static Builder builder() {
        return new Builder();
    }

    private static void validate(
            int minInstances,
            double delta,
            double threshold,
            double alpha,
            ChangeDirection direction) {
        if (minInstances < 1) {
            throw new IllegalArgumentException(
                    "minInstances must be at least 1, but is " + minInstances);
        }
        if (!(delta >= 0.0 && delta < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(
                    "delta must be finite and not negative, but is " + delta);
        }
        if (!(threshold > 0.0 && threshold < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(
                    "threshold must be finite and positive, but is " + threshold);
        }
        if (!(alpha > 0.0 && alpha <= 1.0)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], but is " + alpha);
        }
        Objects.requireNonNull(direction, "direction");
    }

    // ---- ChangeDetector ----

    @Override
    public boolean update(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    "Page-Hinkley reads finite values only, but value #" + count + " is " + value);
        }
        if (increaseDetected || decreaseDetected) {
            restart();
        }
        long index = count++;
        n++;
        mean += (value - mean) / n;
        double deviation = value - mean;
        sumIncrease = alpha * sumIncrease + deviation - delta;
        sumDecrease = alpha * sumDecrease + deviation + delta;
        if (sumIncrease < minIncrease) {
            minIncrease = sumIncrease;
            minIncreaseAt = index;
        }
        if (sumDecrease > maxDecrease) {
            maxDecrease = sumDecrease;
            maxDecreaseAt = index;
        }
        if (n >= minInstances) {
            increaseDetected = direction.watchesIncrease() && sumIncrease - minIncrease > threshold;
            decreaseDetected = direction.watchesDecrease() && maxDecrease - sumDecrease > threshold;
        }
        return increaseDetected || decreaseDetected;
    }

    @Override
    public boolean changeDetected() {
        return increaseDetected || decreaseDetected;
    }

    @Override
    public long count() {
        return count;
    }

    /**
     * After a detection, the index of the value after the alarming sum's last extreme (Hinkley's
     * estimate of the change point); when both directions alarm at once, that of the larger
     * statistic.
     */
    @Override
    public OptionalLong changePoint() {
        if (!changeDetected()) {
            return OptionalLong.empty();
        }
        boolean increase =
                increaseDetected
                        && (!decreaseDetected || increaseStatistic() >= decreaseStatistic());
        return OptionalLong.of((increase ? minIncreaseAt : maxDecreaseAt) + 1);
    }

    @Override
    public void reset() {
        count = 0;
        restart();
    }

    /** Starts the test afresh (mean, sums, extremes), keeping the count. */
    private void restart() {
        n = 0;
        mean = 0.0;
        sumIncrease = 0.0;
        minIncrease = Double.POSITIVE_INFINITY;
        minIncreaseAt = -1;
        sumDecrease = 0.0;
        maxDecrease = Double.NEGATIVE_INFINITY;
        maxDecreaseAt = -1;
        increaseDetected = false;
        decreaseDetected = false;
    }

    @Override
    public State snapshot() {
        return new State(
                count,
                n,
                mean,
                sumIncrease,
                minIncrease,
                minIncreaseAt,
                sumDecrease,
                maxDecrease,
                maxDecreaseAt,
                increaseDetected,
                decreaseDetected);
    }

    @Override
    public void restore(ChangeDetector.State state) {
        Objects.requireNonNull(state, "state");
        if (!(state instanceof State s)) {
            throw new IllegalArgumentException(
                    "a Page-Hinkley test restores from a PageHinkley.State, not from a "
                            + state.getClass().getName());
        }
        if ((s.increaseDetected && !direction.watchesIncrease())
                || (s.decreaseDetected && !direction.watchesDecrease())) {
            throw new IllegalArgumentException(
                    "state detected a change in a direction this test (" + direction + ") ignores");
        }
        if ((s.increaseDetected || s.decreaseDetected) && s.n < minInstances) {
            throw new IllegalArgumentException(
                    "state detected a change after "
                            + s.n
                            + " values, fewer than minInstances = "
                            + minInstances);
        }
        count = s.count;
        n = s.n;
        mean = s.mean;
        sumIncrease = s.sumIncrease;
        minIncrease = s.minIncrease;
        minIncreaseAt = s.minIncreaseAt;
        sumDecrease = s.sumDecrease;
        maxDecrease = s.maxDecrease;
        maxDecreaseAt = s.maxDecreaseAt;
        increaseDetected = s.increaseDetected;
        decreaseDetected = s.decreaseDetected;
    }

    // ---- statistics ----

    /**
     * The Page-Hinkley statistic of the watched direction(s), the larger of the two for {@link
     * ChangeDirection#BOTH}; compare with {@link #threshold()}. Zero before the first value.
     */
    public double statistic() {
        if (n == 0) {
            return 0.0;
        }
        return switch (direction) {
            case INCREASE -> increaseStatistic();
            case DECREASE -> decreaseStatistic();
            case BOTH -> Math.max(increaseStatistic(), decreaseStatistic());
        };
    }

    private double increaseStatistic() {
        return sumIncrease - minIncrease;
    }

    private double decreaseStatistic() {
        return maxDecrease - sumDecrease;
    }

    /**
     * Which way the mean moved, when the last update detected a change: {@link
     * ChangeDirection#INCREASE}, {@link ChangeDirection#DECREASE}, or {@link ChangeDirection#BOTH}
     * if both tests crossed the threshold at once.
     */
    public Optional<ChangeDirection> detectedDirection() {
        if (increaseDetected && decreaseDetected) {
            return Optional.of(ChangeDirection.BOTH);
        }
        if (increaseDetected) {
            return Optional.of(ChangeDirection.INCREASE);
        }
        return decreaseDetected ? Optional.of(ChangeDirection.DECREASE) : Optional.empty();
    }

    /** Mean of the values since the test last (re)started; NaN before the first. */
    public double mean() {
        return n == 0 ? Double.NaN : mean;
    }

    /** Number of values since the test last (re)started. */
    public long sinceRestart() {
        return n;
    }

    /** Values needed since the last restart before a detection is possible. */
    public int minInstances() {
        return minInstances;
    }

    /** Tolerated magnitude of change &delta;. */
    public double delta() {
        return delta;
    }

    /** Detection threshold &lambda;. */
    public double threshold() {
        return threshold;
    }

    /** Fading factor &alpha; of the cumulative sums. */
    public double alpha() {
        return alpha;
    }

    /** Which shifts raise an alarm. */
    public ChangeDirection direction() {
        return direction;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "PageHinkley[minInstances=%d, delta=%s, threshold=%s, alpha=%s, direction=%s;"
                        + " count=%d, sinceRestart=%d, statistic=%s]",
                minInstances,
                delta,
                threshold,
                alpha,
                direction,
                count,
                n,
                statistic());
    }

    // ---- serialization: parameters + State through a validating proxy ----

    private Object writeReplace() {
        return new SerializedForm(minInstances, delta, threshold, alpha, direction, snapshot());
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("PageHinkley is read through its serialized form");
    }

    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;

        private final int minInstances;
        private final double delta;
        private final double threshold;
        private final double alpha;
        private final ChangeDirection direction;
        private final State state;

        SerializedForm(
                int minInstances,
                double delta,
                double threshold,
                double alpha,
                ChangeDirection direction,
                State state) {
            this.minInstances = minInstances;
            this.delta = delta;
            this.threshold = threshold;
            this.alpha = alpha;
            this.direction = direction;
            this.state = state;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                PageHinkley test =
                        new PageHinkley(minInstances, delta, threshold, alpha, direction);
                test.restore(state);
                return test;
            } catch (IllegalArgumentException | NullPointerException e) {
                InvalidObjectException invalid =
                        new InvalidObjectException("invalid PageHinkley: " + e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }

    /**
     * The state of a {@link PageHinkley} test, without its parameters.
     *
     * @param count values read since construction or reset
     * @param n values since the test last (re)started
     * @param mean their mean (0 when n is 0)
     * @param sumIncrease the cumulative sum for rises, m_T
     * @param minIncrease its minimum since the restart (+&infin; when n is 0)
     * @param minIncreaseAt the index of the value at which it was reached (&minus;1 when n is 0)
     * @param sumDecrease the cumulative sum for falls, m'_T
     * @param maxDecrease its maximum since the restart (&minus;&infin; when n is 0)
     * @param maxDecreaseAt the index of the value at which it was reached (&minus;1 when n is 0)
     * @param increaseDetected whether the last update detected a rise
     * @param decreaseDetected whether the last update detected a fall
     */
    public record State(
            long count,
            long n,
            double mean,
            double sumIncrease,
            double minIncrease,
            long minIncreaseAt,
            double sumDecrease,
            double maxDecrease,
            long maxDecreaseAt,
            boolean increaseDetected,
            boolean decreaseDetected)
            implements ChangeDetector.State {

        private static final long serialVersionUID = 1L;

        /** Checks that the numbers are consistent; see the record's description. */
        public State {
            if (n < 0 || n > count) {
                throw new IllegalArgumentException(
                        "n must be in [0, count = " + count + "], but is " + n);
            }
            if (!Double.isFinite(mean)
                    || !Double.isFinite(sumIncrease)
                    || !Double.isFinite(sumDecrease)) {
                throw new IllegalArgumentException("mean and sums must be finite");
            }
            if (n == 0) {
                if (minIncrease != Double.POSITIVE_INFINITY
                        || maxDecrease != Double.NEGATIVE_INFINITY
                        || increaseDetected
                        || decreaseDetected) {
                    throw new IllegalArgumentException(
                            "a test without values has no extremes and no detection");
                }
            } else {
                if (!(minIncrease <= sumIncrease) || !(maxDecrease >= sumDecrease)) {
                    throw new IllegalArgumentException(
                            "extremes must bound the current sums: min "
                                    + minIncrease
                                    + " <= "
                                    + sumIncrease
                                    + ", max "
                                    + maxDecrease
                                    + " >= "
                                    + sumDecrease);
                }
                long first = count - n;
                if (minIncreaseAt < first
                        || minIncreaseAt >= count
                        || maxDecreaseAt < first
                        || maxDecreaseAt >= count) {
                    throw new IllegalArgumentException(
                            "extremes must be at indices of values since the restart, ["
                                    + first
                                    + ", "
                                    + count
                                    + ")");
                }
            }
        }
    }

    /**
     * Builds a {@link PageHinkley} test; every parameter starts at its default. {@link #build()}
     * validates.
     *
     * <pre>{@code
     * PageHinkley ph = PageHinkley.builder().delta(0.25).threshold(30).alpha(1).build();
     * }</pre>
     */
    public static final class Builder {
        private int minInstances = DEFAULT_MIN_INSTANCES;
        private double delta = DEFAULT_DELTA;
        private double threshold = DEFAULT_THRESHOLD;
        private double alpha = DEFAULT_ALPHA;
        private ChangeDirection direction = ChangeDirection.BOTH;

        private Builder() {}

        /** Values needed since the last restart before a detection is possible; at least 1. */
        public Builder minInstances(int minInstances) {
            this.minInstances = minInstances;
            return this;
        }

        /** Tolerated magnitude of change &delta; &ge; 0, in the values' units. */
        public Builder delta(double delta) {
            this.delta = delta;
            return this;
        }

        /** Detection threshold &lambda; &gt; 0. */
        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        /** Fading factor &alpha; in (0, 1] of the cumulative sums; 1 for none. */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Which shifts raise an alarm. */
        public Builder direction(ChangeDirection direction) {
            this.direction = direction;
            return this;
        }

        /**
         * A new Page-Hinkley test with these parameters.
         *
         * @throws IllegalArgumentException naming the first invalid parameter
         * @throws NullPointerException if the direction is null
         */
        public PageHinkley build() {
            return new PageHinkley(minInstances, delta, threshold, alpha, direction);
        }
    }
}
