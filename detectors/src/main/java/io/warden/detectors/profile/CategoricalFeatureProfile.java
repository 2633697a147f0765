package io.warden.detectors.profile;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The reference frequencies of one categorical feature, bounded: the {@code topCategories} most
 * frequent values with their counts, and one "other" count for the rest.
 *
 * <p>Counting uses DataSketches' frequent items sketch (Misra-Gries with the improvements of
 * Anderson, Bevan, Lang, Liberty, Rhodes &amp; Thaler, "A High-Performance Algorithm for
 * Identifying Frequent Items in Data Streams", IMC 2017), which is mergeable and holds at most
 * {@code categoryMapSize} values. While the feature has no more than 0.75 &times; that many
 * distinct values, every count is exact ({@link #isExact()}); beyond, each listed count is a lower
 * bound at most {@link #maxError()} (&le; 3.5 / mapSize of the rows) below the true count, values
 * rarer than that may be missing from the list, and "other" absorbs the difference, so the listed
 * counts and "other" always sum to {@link #count()}.
 *
 * <p>A missing value is a null (absent) one; the empty string is a value. Instances are immutable
 * and thread-safe.
 */
public final class CategoricalFeatureProfile implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

    /** Most frequent first; equal counts by value. */
    private static final Comparator<CategoryCount> ORDER =
            Comparator.comparingLong(CategoryCount::count)
                    .reversed()
                    .thenComparing(CategoryCount::value);

    private final String name;
    private final int index;
    private final long count;
    private final long missing;
    private final List<CategoryCount> top;
    private final long other;
    private final long maxError;
    private final byte[] sketchBytes;
    private final transient Map<String, Long> counts;

    private CategoricalFeatureProfile(
            String name,
            int index,
            long count,
            long missing,
            List<CategoryCount> top,
            long other,
            long maxError,
            byte[] sketchBytes) {
        this.name = name;
        this.index = index;
        this.count = count;
        this.missing = missing;
        this.top = top;
        this.other = other;
        this.maxError = maxError;
        this.sketchBytes = sketchBytes;
        Map<String, Long> map = new HashMap<>(top.size() * 2);
        for (CategoryCount c : top) {
            map.put(c.value(), c.count());
        }
        this.counts = map;
    }

    /**
     * A profile from its parts, e.g. read from a file; checked against the sketch.
     *
     * @param top the listed values, most frequent first (equal counts ordered by value)
     * @param sketchBytes a serialized frequent items sketch of strings ({@code
     *     ItemsSketch.toByteArray(new ArrayOfStringsSerDe())}), copied
     * @throws IllegalArgumentException naming the part that is inconsistent
     */
    public static CategoricalFeatureProfile of(
            String name,
            int index,
            long count,
            long missing,
            List<CategoryCount> top,
            long other,
            long maxError,
            byte[] sketchBytes) {
        Objects.requireNonNull(name, "name");
        List<CategoryCount> listed = List.copyOf(Objects.requireNonNull(top, "top"));
        Objects.requireNonNull(sketchBytes, "sketch");
        if (name.isBlank() || index < 0 || count < 0 || missing < 0 || other < 0 || maxError < 0) {
            throw new IllegalArgumentException(
                    "need a name, and a non-negative index, count, missing, other and maxError");
        }
        byte[] bytes = sketchBytes.clone();
        ItemsSketch<String> sketch = parse(bytes);
        if (sketch.getStreamLength() != count) {
            throw new IllegalArgumentException(
                    "frequentItems: counted "
                            + sketch.getStreamLength()
                            + " values, but count is "
                            + count);
        }
        if (sketch.getMaximumError() != maxError) {
            throw new IllegalArgumentException(
                    "maxError: is "
                            + maxError
                            + ", but the sketch's maximum error is "
                            + sketch.getMaximumError());
        }
        Set<String> values = new HashSet<>();
        long sum = other;
        for (int i = 0; i < listed.size(); i++) {
            CategoryCount c = listed.get(i);
            if (!values.add(c.value())) {
                throw new IllegalArgumentException(
                        "top: value '" + c.value() + "' is listed twice");
            }
            if (i > 0 && ORDER.compare(listed.get(i - 1), c) > 0) {
                throw new IllegalArgumentException(
                        "top: must be ordered by count (descending), then value, at index " + i);
            }
            sum += c.count();
        }
        if (sum != count) {
            throw new IllegalArgumentException(
                    "top and other: sum to " + sum + ", but count is " + count);
        }
        return new CategoricalFeatureProfile(
                name, index, count, missing, listed, other, maxError, bytes);
    }

    /** The profile of a finished sketch, listing at most {@code topCategories} values. */
    static CategoricalFeatureProfile fromSketch(
            String name, int index, long missing, ItemsSketch<String> sketch, int topCategories) {
        List<CategoryCount> all = new ArrayList<>();
        for (ItemsSketch.Row<String> row : sketch.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
            if (row.getLowerBound() > 0) {
                all.add(new CategoryCount(row.getItem(), row.getLowerBound()));
            }
        }
        all.sort(ORDER);
        List<CategoryCount> top = List.copyOf(all.subList(0, Math.min(topCategories, all.size())));
        long listed = 0;
        for (CategoryCount c : top) {
            listed += c.count();
        }
        long count = sketch.getStreamLength();
        return new CategoricalFeatureProfile(
                name,
                index,
                count,
                missing,
                top,
                count - listed,
                sketch.getMaximumError(),
                sketch.toByteArray(SERDE));
    }

    static ItemsSketch<String> parse(byte[] bytes) {
        try {
            return ItemsSketch.getInstance(Memory.wrap(bytes), SERDE);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "frequentItems: not a serialized frequent items sketch of strings ("
                            + e.getMessage()
                            + ")",
                    e);
        }
    }

    /** The feature's name. */
    public String name() {
        return name;
    }

    /** The feature's position among the categorical features. */
    public int index() {
        return index;
    }

    /** Number of non-missing values. */
    public long count() {
        return count;
    }

    /** Number of missing (null) values. */
    public long missing() {
        return missing;
    }

    /** Number of rows, count + missing. */
    public long rows() {
        return count + missing;
    }

    /** The share of rows with a missing value; 0 without rows. */
    public double missingRate() {
        long rows = rows();
        return rows == 0 ? 0.0 : (double) missing / rows;
    }

    /** The listed values, most frequent first. */
    public List<CategoryCount> top() {
        return top;
    }

    /** The count of values not listed. */
    public long other() {
        return other;
    }

    /** The largest amount by which a listed count may fall short of the true count; 0 if exact. */
    public long maxError() {
        return maxError;
    }

    /** Whether the listed counts are exact (the sketch never had to purge values). */
    public boolean isExact() {
        return maxError == 0;
    }

    /** The listed count of a value, 0 if it is not listed. */
    public long count(String value) {
        return counts.getOrDefault(value, 0L);
    }

    /** The listed count of a value as a share of the non-missing values; 0 without values. */
    public double share(String value) {
        return count == 0 ? 0.0 : (double) count(value) / count;
    }

    /** A copy of the serialized frequent items sketch. */
    public byte[] sketchBytes() {
        return sketchBytes.clone();
    }

    /** A new, updatable copy of the frequent items sketch, e.g. to merge. */
    public ItemsSketch<String> frequentItems() {
        return parse(sketchBytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CategoricalFeatureProfile other
                && name.equals(other.name)
                && index == other.index
                && count == other.count
                && missing == other.missing
                && top.equals(other.top)
                && this.other == other.other
                && maxError == other.maxError
                && Arrays.equals(sketchBytes, other.sketchBytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, index, count, missing, top, other, maxError);
    }

    @Override
    public String toString() {
        return "CategoricalFeatureProfile["
                + name
                + " #"
                + index
                + ", n="
                + count
                + ", missing="
                + missing
                + ", top="
                + top.size()
                + ", other="
                + other
                + (isExact() ? ", exact]" : ", maxError=" + maxError + "]");
    }

    private Object writeReplace() {
        return new SerializedForm(this);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException(
                "CategoricalFeatureProfile is read through its serialized form");
    }

    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String name;
        private final int index;
        private final long count;
        private final long missing;
        private final List<CategoryCount> top;
        private final long other;
        private final long maxError;
        private final byte[] sketchBytes;

        SerializedForm(CategoricalFeatureProfile p) {
            name = p.name;
            index = p.index;
            count = p.count;
            missing = p.missing;
            top = p.top;
            other = p.other;
            maxError = p.maxError;
            sketchBytes = p.sketchBytes;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                return of(name, index, count, missing, top, other, maxError, sketchBytes);
            } catch (IllegalArgumentException | NullPointerException e) {
                InvalidObjectException invalid =
                        new InvalidObjectException(
                                "invalid CategoricalFeatureProfile: " + e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }
}
