package io.warden.detectors.sequential;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * ADWIN2, the adaptive windowing change detector of Bifet &amp; Gavaldà, "Learning from
 * Time-Changing Data with Adaptive Windowing", SIAM International Conference on Data Mining (SDM)
 * 2007. It keeps a window W of the most recent values that is as long as the data allow: whenever
 * some split of W into an older part W<sub>0</sub> and a newer part W<sub>1</sub> has means that
 * differ by more than chance explains, the older part is dropped and a change is reported. On a
 * stationary stream the window keeps growing; after a change it shrinks to the values since.
 *
 * <p><b>Cut test.</b> A split with n<sub>0</sub> and n<sub>1</sub> values and means &mu;&#770;
 * <sub>0</sub>, &mu;&#770;<sub>1</sub> is significant when |&mu;&#770;<sub>0</sub> &minus;
 * &mu;&#770;<sub>1</sub>| &gt; &epsilon;<sub>cut</sub> with the variance-based bound of the paper's
 * Section 3 (a Bernstein-type refinement of the Hoeffding bound, stated there as what to use "in
 * practice"):
 *
 * <pre>
 *   &epsilon;_cut = sqrt(2 &middot; (1/m) &middot; &sigma;&sup2;_W &middot; d) + (2/3) &middot; (1/m) &middot; d
 *   d     = ln(2 &middot; ln|W| / &delta;)
 *   1/m   = 1/(n0 &minus; L + 1) + 1/(n1 &minus; L + 1)
 * </pre>
 *
 * where &sigma;&sup2;<sub>W</sub> is the population variance of the whole window, d =
 * ln(2/&delta;') with &delta;' = &delta; / ln|W| (a union bound over the O(log|W|) splits ADWIN2
 * tests, where the paper's ADWIN uses &delta; / |W| for all |W| splits), and L is {@code
 * minWindowLength}. The paper's 1/m is 1/n<sub>0</sub> + 1/n<sub>1</sub>; MOA and River shrink each
 * part by L &minus; 1 values, which makes short parts a little more conservative, and so does this
 * class. Only splits where both parts hold at least L values are tested. This is exactly the
 * variant of River's ADWIN ({@code river/drift/adwin_c.pyx} on its main branch; detection indices
 * agree, see the tests); MOA's ADWIN uses the same bound but tests only parts of more than L + 1
 * values.
 *
 * <p><b>Units.</b> The guarantee of the paper is for values in [0, 1], and the bound is not
 * scale-free: its second term, (2/3)(1/m)d, is in those units. Feed ADWIN signals that live in [0,
 * 1] (error indicators, probabilities, confidences) or rescale others into it; a signal of range
 * 0.2 sees that term five times larger relative to its shifts and detects later.
 *
 * <p><b>Exponential histogram.</b> The window is not stored: ADWIN2 keeps buckets, each with the
 * sum and the sum of squared deviations of 2<sup>r</sup> consecutive values, at most M ({@code
 * maxBuckets}) per size ("row" r). When a row would hold M + 1 buckets, its two oldest merge into
 * one bucket of the next row (means and variances combine exactly, after Babcock et al., PODS
 * 2003). Splits are tested only at bucket boundaries, and the dropped part is whole buckets, oldest
 * first: after each significant split the oldest bucket is dropped and the splits are tested again,
 * until none is significant.
 *
 * <p><b>Parameters</b> (defaults are MOA's and River's):
 *
 * <ul>
 *   <li>{@code delta} &delta; in (0, 1), default {@value #DEFAULT_DELTA}: the confidence. The paper
 *       (Theorem 3.1) bounds the probability that a check shrinks the window of a stationary stream
 *       by &delta;; smaller is fewer false alarms and later detections.
 *   <li>{@code clock}, default {@value #DEFAULT_CLOCK}: splits are tested at every clock-th value
 *       only (the insertion itself is O(1) amortised); 1 tests at every value. A detection can come
 *       up to clock &minus; 1 values later than with clock 1.
 *   <li>{@code maxBuckets} M &ge; 2, default {@value #DEFAULT_MAX_BUCKETS}: buckets per row. More
 *       buckets place cuts more precisely at the cost of memory and check time.
 *   <li>{@code minWindowLength} L &ge; 1, default {@value #DEFAULT_MIN_WINDOW_LENGTH}: the fewest
 *       values either part of a tested split must hold.
 *   <li>{@code gracePeriod} &ge; 0, default {@value #DEFAULT_GRACE_PERIOD}: no split is tested
 *       while the window holds this many values or fewer.
 * </ul>
 *
 * <p><b>State and memory.</b> Every row but the oldest holds between M &minus; 1 and M buckets once
 * the stream is long, so a window of |W| values needs at most R = &lfloor;log<sub>2</sub>((|W| + M
 * &minus; 1) / M)&rfloor; + 1 rows and M&middot;R buckets of two doubles: O(M log(|W|/M)) memory. A
 * window of a million values with M = 5 holds at most 90 buckets (76 in a measured run), a {@link
 * State} of at most 18 row counts and 2 &times; 90 doubles: 1.5 kB of numbers; that run's state
 * took 1,554 bytes with Java serialization, the whole detector 1,762. The window grows without
 * bound on a stationary stream, but its state only logarithmically: a billion values need at most
 * 28 rows.
 *
 * <p><b>After a change</b> the detector keeps the newer part of the window, as the paper does, and
 * goes on; {@link #changePoint()} is then the index of the oldest value still in the window and
 * {@link #dropped()} the number of values dropped. River's {@code ADWIN} wrapper instead discards
 * the whole window at the update after a detection; call {@link #reset()} after each detection to
 * get that behaviour (and River's detection indices). Keeping the window has a visible consequence:
 * the first check after a change often drops only part of the old values, and the next checks drop
 * the rest, each one a detection. On a stream whose mean alternates between 0.8 and 0.6 (spread
 * 0.1) every 4,096 values, the defaults gave 3.9 detections per change; reset after a detection, or
 * de-duplicate downstream, for one alarm per change.
 *
 * <p><b>Numerics.</b> Window sums and variances are kept incrementally in the same order of
 * floating-point operations as River, so detections agree with River's to the last value. A window
 * variance that rounding makes slightly negative counts as zero.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * Adwin adwin = Adwin.builder().delta(0.002).clock(32).build();
 * if (adwin.update(value)) {
 *     log("mean moved to " + adwin.mean() + " after " + adwin.dropped() + " values were dropped");
 * }
 * }</pre>
 */
public final class Adwin implements ChangeDetector {

    private static final long serialVersionUID = 1L;

    /** Default confidence &delta;: {@value}. */
    public static final double DEFAULT_DELTA = 0.002;

    /** Default number of values between two tests of the splits: {@value}. */
    public static final int DEFAULT_CLOCK = 32;

    /** Default number of buckets per row of the exponential histogram, M: {@value}. */
    public static final int DEFAULT_MAX_BUCKETS = 5;

    /** Default smallest number of values in either part of a tested split: {@value}. */
    public static final int DEFAULT_MIN_WINDOW_LENGTH = 5;

    /** Default number of values the window must exceed before any split is tested: {@value}. */
    public static final int DEFAULT_GRACE_PERIOD = 10;

    /**
     * Largest accepted {@code maxBuckets}: keeps a row's arrays small and their indices in range.
     */
    public static final int MAX_BUCKETS_LIMIT = 1 << 16;

    /** Rows needed for any window a {@code long} can count. */
    private static final int MAX_ROWS = 63;

    private static final int INITIAL_ROWS = 8;

    private final double delta;
    private final int clock;
    private final int maxBuckets;
    private final int minWindowLength;
    private final int gracePeriod;

    /** Slots per row: maxBuckets + 1, as a row briefly holds one bucket too many before merging. */
    private final int stride;

    // Row r holds rowCount[r] buckets of 2^r values at [r * stride, r * stride + rowCount[r]),
    // oldest first. Rows 0 .. rows-1 are in use and none of them is empty.
    private int rows;
    private int[] rowCount;
    private double[] bucketTotal;
    private double[] bucketVariance;

    private long count;

    /** count % clock, kept apart to spare a 64-bit division per update; derived, not state. */
    private int sinceCheck;

    private long width;
    private double total;

    /** Sum of squared deviations from the window's mean (not divided by the width). */
    private double variance;

    private boolean changeDetected;
    private long dropped;

    /** An ADWIN with the default parameters (&delta; = {@value #DEFAULT_DELTA}). */
    public Adwin() {
        this(
                DEFAULT_DELTA,
                DEFAULT_CLOCK,
                DEFAULT_MAX_BUCKETS,
                DEFAULT_MIN_WINDOW_LENGTH,
                DEFAULT_GRACE_PERIOD);
    }

    /**
     * An ADWIN with confidence {@code delta} and the other parameters at their defaults.
     *
     * @throws IllegalArgumentException if delta is not in (0, 1)
     */
    public Adwin(double delta) {
        this(
                delta,
                DEFAULT_CLOCK,
                DEFAULT_MAX_BUCKETS,
                DEFAULT_MIN_WINDOW_LENGTH,
                DEFAULT_GRACE_PERIOD);
    }

    private Adwin(double delta, int clock, int maxBuckets, int minWindowLength, int gracePeriod) {
        validate(delta, clock, maxBuckets, minWindowLength, gracePeriod);
        this.delta = delta;
        this.clock = clock;
        this.maxBuckets = maxBuckets;
        this.minWindowLength = minWindowLength;
        this.gracePeriod = gracePeriod;
        this.stride = maxBuckets + 1;
        this.rowCount = new int[INITIAL_ROWS];
        this.bucketTotal = new double[INITIAL_ROWS * stride];
        this.bucketVariance = new double[INITIAL_ROWS * stride];
    }

    /** A builder starting from the default parameters. */
    public static Builder builder() {
        return new Builder();
    }

    private static void validate(
            double delta, int clock, int maxBuckets, int minWindowLength, int gracePeriod) {
        if (!(delta > 0.0 && delta < 1.0)) {
            throw new IllegalArgumentException("delta must be in (0, 1), but is " + delta);
        }
        if (clock < 1) {
            throw new IllegalArgumentException("clock must be at least 1, but is " + clock);
        }
        if (maxBuckets < 2 || maxBuckets > MAX_BUCKETS_LIMIT) {
            throw new IllegalArgumentException(
                    "maxBuckets must be in [2, "
                            + MAX_BUCKETS_LIMIT
                            + "] (a row merges its two oldest buckets when it holds maxBuckets"
                            + " + 1), but is "
                            + maxBuckets);
        }
        if (minWindowLength < 1) {
            throw new IllegalArgumentException(
                    "minWindowLength must be at least 1, but is " + minWindowLength);
        }
        if (gracePeriod < 0) {
            throw new IllegalArgumentException(
                    "gracePeriod must not be negative, but is " + gracePeriod);
        }
    }

    // ---- ChangeDetector ----

    @Override
    public boolean update(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    "ADWIN reads finite values only, but value #" + count + " is " + value);
        }
        count++;
        insert(value);
        dropped = 0;
        if (++sinceCheck == clock) {
            sinceCheck = 0;
            changeDetected = width > gracePeriod && shrinkWhileCutFound();
        } else {
            changeDetected = false;
        }
        return changeDetected;
    }

    @Override
    public boolean changeDetected() {
        return changeDetected;
    }

    @Override
    public long count() {
        return count;
    }

    /**
     * After a detection, the index of the oldest value left in the window: the window's newer part
     * is what ADWIN judged to be the new regime. Its precision is that of the bucket boundaries.
     */
    @Override
    public OptionalLong changePoint() {
        return changeDetected ? OptionalLong.of(count - width) : OptionalLong.empty();
    }

    @Override
    public void reset() {
        rows = 0;
        Arrays.fill(rowCount, 0);
        count = 0;
        sinceCheck = 0;
        width = 0;
        total = 0.0;
        variance = 0.0;
        changeDetected = false;
        dropped = 0;
    }

    @Override
    public State snapshot() {
        int buckets = bucketCount();
        int[] counts = Arrays.copyOf(rowCount, rows);
        double[] totals = new double[buckets];
        double[] variances = new double[buckets];
        int next = 0;
        for (int r = 0; r < rows; r++) {
            System.arraycopy(bucketTotal, r * stride, totals, next, counts[r]);
            System.arraycopy(bucketVariance, r * stride, variances, next, counts[r]);
            next += counts[r];
        }
        return new State(
                count, total, variance, counts, totals, variances, changeDetected, dropped);
    }

    @Override
    public void restore(ChangeDetector.State state) {
        Objects.requireNonNull(state, "state");
        if (!(state instanceof State s)) {
            throw new IllegalArgumentException(
                    "an ADWIN restores from an Adwin.State, not from a "
                            + state.getClass().getName());
        }
        long restoredWidth = s.width();
        for (int r = 0; r < s.rowCounts.length; r++) {
            if (s.rowCounts[r] > maxBuckets) {
                throw new IllegalArgumentException(
                        "state has "
                                + s.rowCounts[r]
                                + " buckets in row "
                                + r
                                + " but this ADWIN allows maxBuckets = "
                                + maxBuckets);
            }
        }
        if (restoredWidth > s.count) {
            throw new IllegalArgumentException(
                    "state's window of " + restoredWidth + " values exceeds its count " + s.count);
        }
        if (s.dropped > 0 && !s.changeDetected) {
            throw new IllegalArgumentException("state dropped values without detecting a change");
        }
        int capacity = Math.max(INITIAL_ROWS, s.rowCounts.length);
        rowCount = new int[capacity];
        bucketTotal = new double[capacity * stride];
        bucketVariance = new double[capacity * stride];
        rows = s.rowCounts.length;
        int next = 0;
        for (int r = 0; r < rows; r++) {
            rowCount[r] = s.rowCounts[r];
            System.arraycopy(s.bucketTotals, next, bucketTotal, r * stride, s.rowCounts[r]);
            System.arraycopy(s.bucketVariances, next, bucketVariance, r * stride, s.rowCounts[r]);
            next += s.rowCounts[r];
        }
        count = s.count;
        sinceCheck = (int) (s.count % clock);
        width = restoredWidth;
        total = s.total;
        variance = s.variance;
        changeDetected = s.changeDetected;
        dropped = s.dropped;
    }

    // ---- window statistics ----

    /** Number of values in the current window, |W|. */
    public long width() {
        return width;
    }

    /** Mean of the values in the current window; NaN when the window is empty. */
    public double mean() {
        return width == 0 ? Double.NaN : total / width;
    }

    /**
     * Population variance of the values in the current window (squared deviations from the window's
     * mean, divided by |W|), as the cut test uses it; NaN when the window is empty.
     */
    public double variance() {
        return width == 0 ? Double.NaN : Math.max(0.0, variance) / width;
    }

    /**
     * Number of values the last update dropped from the old end of the window: positive exactly
     * when it detected a change.
     */
    public long dropped() {
        return dropped;
    }

    /** Number of buckets the exponential histogram holds now (its memory, in buckets). */
    public int bucketCount() {
        int buckets = 0;
        for (int r = 0; r < rows; r++) {
            buckets += rowCount[r];
        }
        return buckets;
    }

    /** Confidence &delta;. */
    public double delta() {
        return delta;
    }

    /** Number of values between two tests of the splits. */
    public int clock() {
        return clock;
    }

    /** Buckets per row of the exponential histogram, M. */
    public int maxBuckets() {
        return maxBuckets;
    }

    /** Smallest number of values in either part of a tested split. */
    public int minWindowLength() {
        return minWindowLength;
    }

    /** Number of values the window must exceed before any split is tested. */
    public int gracePeriod() {
        return gracePeriod;
    }

    // ---- exponential histogram ----

    private void insert(double value) {
        if (rows == 0) {
            rows = 1;
        }
        int c = rowCount[0];
        bucketTotal[c] = value;
        bucketVariance[c] = 0.0;
        rowCount[0] = c + 1;

        width++;
        if (width > 1) {
            // Welford-style update of the window's sum of squared deviations.
            double previous = width - 1.0;
            double deviation = value - total / previous;
            variance += previous * deviation * deviation / width;
        }
        total += value;
        mergeFullRows();
    }

    /** Merges the two oldest buckets of each row that holds maxBuckets + 1, carrying upwards. */
    private void mergeFullRows() {
        for (int r = 0; rowCount[r] == maxBuckets + 1; r++) {
            if (r + 1 == rows) {
                addRow();
            }
            int base = r * stride;
            double size = (double) (1L << r);
            double total0 = bucketTotal[base];
            double total1 = bucketTotal[base + 1];
            double mean0 = total0 / size;
            double mean1 = total1 / size;
            // n0 n1 / (n0 + n1) = size / 2 for two buckets of the same size.
            double between = size * 0.5 * (mean0 - mean1) * (mean0 - mean1);
            double mergedVariance = bucketVariance[base] + bucketVariance[base + 1] + between;

            int next = (r + 1) * stride + rowCount[r + 1];
            bucketTotal[next] = total0 + total1;
            bucketVariance[next] = mergedVariance;
            rowCount[r + 1]++;

            int left = rowCount[r] - 2;
            System.arraycopy(bucketTotal, base + 2, bucketTotal, base, left);
            System.arraycopy(bucketVariance, base + 2, bucketVariance, base, left);
            rowCount[r] = left;
        }
    }

    private void addRow() {
        if (rows == rowCount.length) {
            int capacity = Math.min(MAX_ROWS + 1, 2 * rowCount.length);
            rowCount = Arrays.copyOf(rowCount, capacity);
            bucketTotal = Arrays.copyOf(bucketTotal, capacity * stride);
            bucketVariance = Arrays.copyOf(bucketVariance, capacity * stride);
        }
        rowCount[rows] = 0;
        rows++;
    }

    /** Drops the oldest bucket; returns its number of values. */
    private long dropOldestBucket() {
        int r = rows - 1;
        int base = r * stride;
        long size = 1L << r;
        double n = size;
        double bucketSum = bucketTotal[base];
        double bucketMean = bucketSum / n;
        width -= size;
        total -= bucketSum;
        double w = width;
        double windowMean = total / w;
        variance -=
                bucketVariance[base]
                        + n * w * (bucketMean - windowMean) * (bucketMean - windowMean) / (n + w);

        int left = rowCount[r] - 1;
        System.arraycopy(bucketTotal, base + 1, bucketTotal, base, left);
        System.arraycopy(bucketVariance, base + 1, bucketVariance, base, left);
        rowCount[r] = left;
        if (left == 0) {
            rows--;
        }
        return size;
    }

    // ---- cut test ----

    /**
     * Tests the splits from the oldest bucket boundary to the newest; on the first significant one,
     * drops the oldest bucket and starts again. Returns whether anything was dropped.
     */
    private boolean shrinkWhileCutFound() {
        boolean shrunk = false;
        boolean cutFound = true;
        while (cutFound) {
            cutFound = false;
            double w = width;
            double d = Math.log(2 * Math.log(w) / delta);
            double windowVariance = Math.max(0.0, variance) / w;
            double n0 = 0.0;
            double n1 = w;
            double u0 = 0.0;
            double u1 = total;
            scan:
            for (int r = rows - 1; r >= 0; r--) {
                double size = (double) (1L << r);
                int base = r * stride;
                int buckets = rowCount[r];
                for (int k = 0; k < buckets; k++) {
                    double bucketSum = bucketTotal[base + k];
                    n0 += size;
                    n1 -= size;
                    u0 += bucketSum;
                    u1 -= bucketSum;
                    if (r == 0 && k == buckets - 1) {
                        break scan; // W1 would be empty
                    }
                    if (n1 >= minWindowLength
                            && n0 >= minWindowLength
                            && significant(n0, n1, u0 / n0 - u1 / n1, d, windowVariance)) {
                        dropped += dropOldestBucket();
                        shrunk = true;
                        cutFound = true;
                        break scan;
                    }
                }
            }
        }
        return shrunk;
    }

    private boolean significant(
            double n0, double n1, double meanDifference, double d, double windowVariance) {
        double mInverse = 1.0 / (n0 - minWindowLength + 1) + 1.0 / (n1 - minWindowLength + 1);
        double epsilon = Math.sqrt(2 * mInverse * windowVariance * d) + 2.0 / 3.0 * d * mInverse;
        return Math.abs(meanDifference) > epsilon;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "Adwin[delta=%s, clock=%d, maxBuckets=%d, minWindowLength=%d, gracePeriod=%d;"
                        + " count=%d, width=%d, mean=%s, buckets=%d]",
                delta,
                clock,
                maxBuckets,
                minWindowLength,
                gracePeriod,
                count,
                width,
                mean(),
                bucketCount());
    }

    // ---- serialization: parameters + State through a validating proxy ----

    private Object writeReplace() {
        return new SerializedForm(
                delta, clock, maxBuckets, minWindowLength, gracePeriod, snapshot());
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("Adwin is read through its serialized form");
    }

    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;

        private final double delta;
        private final int clock;
        private final int maxBuckets;
        private final int minWindowLength;
        private final int gracePeriod;
        private final State state;

        SerializedForm(
                double delta,
                int clock,
                int maxBuckets,
                int minWindowLength,
                int gracePeriod,
                State state) {
            this.delta = delta;
            this.clock = clock;
            this.maxBuckets = maxBuckets;
            this.minWindowLength = minWindowLength;
            this.gracePeriod = gracePeriod;
            this.state = state;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                Adwin adwin = new Adwin(delta, clock, maxBuckets, minWindowLength, gracePeriod);
                adwin.restore(state);
                return adwin;
            } catch (IllegalArgumentException | NullPointerException e) {
                InvalidObjectException invalid =
                        new InvalidObjectException("invalid Adwin: " + e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }

    /**
     * The state of an {@link Adwin}: its exponential histogram and counters, without parameters.
     * Buckets are listed row by row from row 0 (single values, the newest) upwards, oldest first
     * within a row. Arrays are copied in and out, so a state never changes.
     *
     * @param count values read since construction or reset
     * @param total sum of the window's values
     * @param variance sum of squared deviations from the window's mean
     * @param rowCounts buckets per row; none zero
     * @param bucketTotals each bucket's sum of values
     * @param bucketVariances each bucket's sum of squared deviations from its own mean
     * @param changeDetected whether the last update detected a change
     * @param dropped values the last update dropped from the window
     */
    public record State(
            long count,
            double total,
            double variance,
            int[] rowCounts,
            double[] bucketTotals,
            double[] bucketVariances,
            boolean changeDetected,
            long dropped)
            implements ChangeDetector.State {

        private static final long serialVersionUID = 1L;

        /** Copies the arrays and checks the structure; see the record's description. */
        public State {
            Objects.requireNonNull(rowCounts, "rowCounts");
            Objects.requireNonNull(bucketTotals, "bucketTotals");
            Objects.requireNonNull(bucketVariances, "bucketVariances");
            rowCounts = rowCounts.clone();
            bucketTotals = bucketTotals.clone();
            bucketVariances = bucketVariances.clone();
            if (count < 0 || dropped < 0) {
                throw new IllegalArgumentException("count and dropped must not be negative");
            }
            if (rowCounts.length > MAX_ROWS) {
                throw new IllegalArgumentException(
                        "at most " + MAX_ROWS + " rows, but state has " + rowCounts.length);
            }
            long buckets = 0;
            for (int r = 0; r < rowCounts.length; r++) {
                if (rowCounts[r] < 1) {
                    throw new IllegalArgumentException(
                            "row "
                                    + r
                                    + " must hold at least one bucket, but holds "
                                    + rowCounts[r]);
                }
                buckets += rowCounts[r];
            }
            if (bucketTotals.length != buckets || bucketVariances.length != buckets) {
                throw new IllegalArgumentException(
                        "rows hold "
                                + buckets
                                + " buckets but there are "
                                + bucketTotals.length
                                + " totals and "
                                + bucketVariances.length
                                + " variances");
            }
            try {
                widthOf(rowCounts);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("rows describe more values than a long counts");
            }
            if (!Double.isFinite(total) || !Double.isFinite(variance)) {
                throw new IllegalArgumentException("total and variance must be finite");
            }
            for (int i = 0; i < buckets; i++) {
                if (!Double.isFinite(bucketTotals[i]) || !Double.isFinite(bucketVariances[i])) {
                    throw new IllegalArgumentException("bucket " + i + " is not finite");
                }
            }
        }

        /** Number of values in the window these buckets describe. */
        public long width() {
            return widthOf(rowCounts);
        }

        /** Sum of rowCounts[r] 2^r; throws ArithmeticException beyond a long. */
        private static long widthOf(int[] rowCounts) {
            long width = 0;
            for (int r = 0; r < rowCounts.length; r++) {
                width = Math.addExact(width, Math.multiplyExact((long) rowCounts[r], 1L << r));
            }
            return width;
        }

        @Override
        public int[] rowCounts() {
            return rowCounts.clone();
        }

        @Override
        public double[] bucketTotals() {
            return bucketTotals.clone();
        }

        @Override
        public double[] bucketVariances() {
            return bucketVariances.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State other
                    && count == other.count
                    && Double.compare(total, other.total) == 0
                    && Double.compare(variance, other.variance) == 0
                    && Arrays.equals(rowCounts, other.rowCounts)
                    && Arrays.equals(bucketTotals, other.bucketTotals)
                    && Arrays.equals(bucketVariances, other.bucketVariances)
                    && changeDetected == other.changeDetected
                    && dropped == other.dropped;
        }

        @Override
        public int hashCode() {
            int h = Long.hashCode(count);
            h = 31 * h + Double.hashCode(total);
            h = 31 * h + Double.hashCode(variance);
            h = 31 * h + Arrays.hashCode(rowCounts);
            h = 31 * h + Arrays.hashCode(bucketTotals);
            h = 31 * h + Arrays.hashCode(bucketVariances);
            h = 31 * h + Boolean.hashCode(changeDetected);
            return 31 * h + Long.hashCode(dropped);
        }

        @Override
        public String toString() {
            return "Adwin.State[count="
                    + count
                    + ", width="
                    + width()
                    + ", rows="
                    + rowCounts.length
                    + ", buckets="
                    + bucketTotals.length
                    + ", changeDetected="
                    + changeDetected
                    + "]";
        }
    }

    /**
     * Builds an {@link Adwin}; every parameter starts at its default. {@link #build()} validates.
     *
     * <pre>{@code
     * Adwin adwin = Adwin.builder().delta(0.001).clock(16).build();
     * }</pre>
     */
    public static final class Builder {
        private double delta = DEFAULT_DELTA;
        private int clock = DEFAULT_CLOCK;
        private int maxBuckets = DEFAULT_MAX_BUCKETS;
        private int minWindowLength = DEFAULT_MIN_WINDOW_LENGTH;
        private int gracePeriod = DEFAULT_GRACE_PERIOD;

        private Builder() {}

        /** Confidence &delta; in (0, 1). */
        public Builder delta(double delta) {
            this.delta = delta;
            return this;
        }

        /** Test the splits at every clock-th value; at least 1. */
        public Builder clock(int clock) {
            this.clock = clock;
            return this;
        }

        /** Buckets per row of the exponential histogram, M &ge; 2. */
        public Builder maxBuckets(int maxBuckets) {
            this.maxBuckets = maxBuckets;
            return this;
        }

        /** Fewest values either part of a tested split must hold; at least 1. */
        public Builder minWindowLength(int minWindowLength) {
            this.minWindowLength = minWindowLength;
            return this;
        }

        /** No split is tested while the window holds this many values or fewer; at least 0. */
        public Builder gracePeriod(int gracePeriod) {
            this.gracePeriod = gracePeriod;
            return this;
        }

        /**
         * A new ADWIN with these parameters.
         *
         * @throws IllegalArgumentException naming the first invalid parameter
         */
        public Adwin build() {
            return new Adwin(delta, clock, maxBuckets, minWindowLength, gracePeriod);
        }
    }
}
