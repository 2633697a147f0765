package io.warden.detectors.query;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.OptionalLong;

/**
 * One client's state for a {@link NearestNeighbourQueryDetector}: a ring of its last queries
 * (normalised, in single precision) and its counters. A plain mutable, {@link Serializable} object
 * (validated on reading), meant to live in a streaming job's keyed state with a time-to-live; get a
 * new one from {@link NearestNeighbourQueryDetector#newHistory()}.
 *
 * <p><b>Memory.</b> The ring grows by doubling as queries arrive, up to {@code bufferSize} rows of
 * {@code width} floats: at most 4 &middot; bufferSize &middot; width bytes (51 kB for 200 queries
 * of 64 features), and much less for the many clients that send few queries. Not thread-safe.
 */
public final class QueryHistory implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final int INITIAL_ROWS = 8;

    private final int width;
    private final int capacity;

    /** Rows of {@code width} normalised features; grows up to {@code capacity} rows. */
    private float[] rows;

    private int size;

    /** Row the next query is written to; equals {@code size} until the ring is full. */
    private int next;

    private long queries;
    private long detections;

    /** The 1-based query number of the first detection, 0 for none yet. */
    private long firstDetectionQuery;

    private long firstDetectionTime;

    QueryHistory(int width, int capacity) {
        this.width = width;
        this.capacity = capacity;
        this.rows = new float[Math.min(INITIAL_ROWS, capacity) * width];
    }

    /** Number of features per query. */
    public int width() {
        return width;
    }

    /** Most queries the ring holds. */
    public int capacity() {
        return capacity;
    }

    /** Queries in the ring now. */
    public int size() {
        return size;
    }

    /** Queries this client has sent. */
    public long queries() {
        return queries;
    }

    /** Queries of this client that were flagged. */
    public long detections() {
        return detections;
    }

    /**
     * The client's query count at its first flagged query (1 for the first query); empty if none.
     */
    public OptionalLong queriesToDetection() {
        return firstDetectionQuery == 0
                ? OptionalLong.empty()
                : OptionalLong.of(firstDetectionQuery);
    }

    /** The event time of the client's first flagged query; empty if none. */
    public OptionalLong firstDetectionTime() {
        return firstDetectionQuery == 0
                ? OptionalLong.empty()
                : OptionalLong.of(firstDetectionTime);
    }

    /** The stored rows; row r occupies [r &middot; width, (r + 1) &middot; width). */
    float[] rows() {
        return rows;
    }

    /** Appends a normalised query, overwriting the oldest when the ring is full. */
    void append(float[] query) {
        if (next * width == rows.length && rows.length < capacity * width) {
            float[] grown = new float[Math.min(2 * (rows.length / width), capacity) * width];
            System.arraycopy(rows, 0, grown, 0, rows.length);
            rows = grown;
        }
        System.arraycopy(query, 0, rows, next * width, width);
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    /** Counts a query; {@code flagged} records a detection at this query. */
    void count(boolean flagged, long eventTime) {
        queries++;
        if (flagged) {
            detections++;
            if (firstDetectionQuery == 0) {
                firstDetectionQuery = queries;
                firstDetectionTime = eventTime;
            }
        }
    }

    /** Empties the ring; the counters and the allocated rows stay. */
    void clear() {
        size = 0;
        next = 0;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        boolean valid =
                width >= 1
                        && capacity >= 1
                        && rows != null
                        && rows.length % width == 0
                        && rows.length / width <= capacity
                        && size >= 0
                        && size <= rows.length / width
                        && next >= 0
                        && next < capacity
                        && next <= rows.length / width
                        && (size == capacity || next == size)
                        && queries >= 0
                        && detections >= 0
                        && detections <= queries
                        && firstDetectionQuery >= 0
                        && firstDetectionQuery <= queries
                        && (firstDetectionQuery == 0) == (detections == 0);
        if (!valid) {
            throw new InvalidObjectException("invalid QueryHistory: inconsistent ring or counters");
        }
    }
}
