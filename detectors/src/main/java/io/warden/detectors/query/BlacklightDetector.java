package io.warden.detectors.query;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Detects query-based black-box attacks (HopSkipJump, Boundary attack, NES, Square attack) by the
 * near-duplicates they send, after Li, Shan, Wenger, Zhang, Zheng &amp; Zhao, "Blacklight: Scalable
 * Defense for Neural Networks against Query-Based Black-Box Attacks", USENIX Security 2022. To
 * estimate gradients or walk along the decision boundary, such attacks submit long runs of queries
 * that differ from earlier ones in few values and by little; benign traffic almost never does.
 *
 * <p><b>Fingerprint.</b> Each query is {@linkplain Quantizer quantized} (small perturbations vanish
 * inside a bin), a window of {@code windowSize} values slides over the flattened quantized input by
 * {@code windowStep}, and each window's content is hashed: SHA-256 of the window's levels (two
 * bytes each, big-endian), truncated to its first 64 bits. Windows are hashed by content only, not
 * by position, as in the paper. The query's fingerprint is the {@code fingerprintSize} (N) largest
 * distinct hashes, compared as signed 64-bit values: a min-hash-like sample, so two queries that
 * share most windows share most of their fingerprints. SHA-256 is the paper's hash, and a fast
 * enough one: a window of up to 27 values fits one 64-byte block, and hashing the 53 windows of a
 * 64-value input took about 6 &micro;s once JIT-compiled (a whole query with a full store of
 * 250,000 hashes, under 30 &micro;s; measured on a 2-core x86 container, not asserted); a faster
 * non-cryptographic hash would save little. 64 bits make accidental collisions negligible: a
 * query's 50 hashes meet one of 250,000 stored ones by chance with probability under
 * 10<sup>&minus;12</sup>. The hash is unkeyed, as in the paper, so an attacker who knows this
 * configuration can compute which windows make a query's top N.
 *
 * <p><b>Hash store and verdict.</b> One store for all clients (an attack spread over many client
 * ids is caught all the same): for a new query it counts how many of the query's fingerprint hashes
 * it has seen within the {@code horizonMillis} before the latest event time it has read, and flags
 * the query when that count reaches {@code matchThreshold}. Then it remembers the query's hashes,
 * flagged or not, with the query's event time and client. Each stored hash remembers the last
 * {@code maxClientsPerHash} distinct clients that produced it, most recent first, so a detection is
 * attributed to the clients whose earlier queries matched ({@link
 * BlacklightVerdict#matchedClients()}, which may include the querying client itself).
 *
 * <p><b>Memory.</b> Two bounds, applied after every query:
 *
 * <ul>
 *   <li><b>Horizon.</b> The store's clock is the largest event time it has read; a hash last seen
 *       more than {@code horizonMillis} before it no longer matches, and is dropped when it is the
 *       oldest entry. A query that is itself that late is matched but not remembered.
 *   <li><b>Cap.</b> At most {@code maxEntries} hashes: beyond it the least recently seen hashes are
 *       evicted, oldest first. Entries are kept in the order they were last produced, which is
 *       event-time order when events arrive in order; with out-of-order events an entry is evicted
 *       by arrival, and an entry past the horizon that is not the oldest waits (never matching)
 *       until it is, or until the cap removes it.
 * </ul>
 *
 * Under heavy traffic the cap is the binding bound: the store then remembers at least the last
 * {@code maxEntries / N} queries (more when queries share hashes). An entry costs about 120 bytes
 * of heap on a 64-bit JVM with compressed references (hash-map node, boxed key, entry with its time
 * and a small array of client references; the client id strings are shared; 121 bytes measured), so
 * the default cap of {@value #DEFAULT_MAX_ENTRIES} entries is about 30 MB, and a {@link State} of
 * it about 8 MB with Java serialization (31 bytes an entry measured). {@link #size()}, {@link
 * #expiredEntries()} and {@link #evictedEntries()} are meant for metrics: a store that evicts by
 * cap long before its horizon is too small for its traffic.
 *
 * <p><b>Parameters</b> (defaults are the paper's image settings where they carry over: windows of
 * 20 values sliding by 1, N = 50, threshold 25):
 *
 * <ul>
 *   <li>{@code quantizer}: the bins; required. The paper divides 0&ndash;255 pixel values by a
 *       quantization step of 50; levels over each feature's reference range generalise that.
 *   <li>{@code windowSize}, default {@value #DEFAULT_WINDOW_SIZE}: values per hashed window; at
 *       most the input's width. Larger windows are more specific (fewer benign matches) and more
 *       fragile (one changed bin changes more windows).
 *   <li>{@code windowStep}, default {@value #DEFAULT_WINDOW_STEP}: the slide between windows.
 *   <li>{@code fingerprintSize} N, default {@value #DEFAULT_FINGERPRINT_SIZE}: hashes kept per
 *       query.
 *   <li>{@code matchThreshold}, default {@value #DEFAULT_MATCH_THRESHOLD}: matches that flag a
 *       query, at most N. A query whose input has fewer distinct windows than this (a constant
 *       input, say) cannot be flagged; that is a data-quality matter.
 *   <li>{@code horizonMillis}, default {@value #DEFAULT_HORIZON_MILLIS} (one day): how long a hash
 *       is remembered, in the event times' unit.
 *   <li>{@code maxEntries}, default {@value #DEFAULT_MAX_ENTRIES}: the cap; at least N.
 *   <li>{@code maxClientsPerHash}, default {@value #DEFAULT_MAX_CLIENTS_PER_HASH}: clients
 *       remembered per hash, most recent first.
 * </ul>
 *
 * <p><b>Deviations from the paper.</b> The paper keeps hashes for all time or a period of its
 * choice and names no cap; here both are explicit. It rejects detected queries; here the verdict is
 * reported and the policy decides. Per-hash client attribution is an addition.
 *
 * <p><b>State.</b> {@link #snapshot()} and {@link #restore(State)} move the store and counters (not
 * the parameters) as one immutable {@link State}, in eviction order, so that a restored detector
 * makes exactly the verdicts the original would have made; the detector is also {@link
 * Serializable} itself (parameters and state, validated on reading). It does not shard: run it at
 * parallelism one or keyed by model. Not thread-safe.
 *
 * <pre>{@code
 * BlacklightDetector blacklight =
 *         BlacklightDetector.builder(Quantizer.perFeature(lows, highs, 50))
 *                 .windowSize(8)
 *                 .horizonMillis(Duration.ofHours(6).toMillis())
 *                 .build();
 * BlacklightVerdict verdict = blacklight.observe(clientId, eventTimeMillis, features);
 * if (verdict.flagged()) {
 *     alert(verdict.toDetectorResult(), verdict.matchedClients());
 * }
 * }</pre>
 */
public final class BlacklightDetector implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The detector id in {@link io.warden.detectors.core.DetectorResult}s: {@value}. */
    public static final String DETECTOR = "query.blacklight";

    /** Default number of values per hashed window: {@value}. */
    public static final int DEFAULT_WINDOW_SIZE = 20;

    /** Default slide between windows: {@value}. */
    public static final int DEFAULT_WINDOW_STEP = 1;

    /** Default number of hashes per fingerprint, N: {@value} (the paper's). */
    public static final int DEFAULT_FINGERPRINT_SIZE = 50;

    /** Default number of matching hashes that flags a query: {@value} (the paper's). */
    public static final int DEFAULT_MATCH_THRESHOLD = 25;

    /** Default time a hash is remembered: one day in milliseconds, {@value}. */
    public static final long DEFAULT_HORIZON_MILLIS = 24L * 60 * 60 * 1000;

    /** Default cap on stored hashes: {@value}. */
    public static final int DEFAULT_MAX_ENTRIES = 250_000;

    /** Default number of clients remembered per hash: {@value}. */
    public static final int DEFAULT_MAX_CLIENTS_PER_HASH = 4;

    private static final int HASH_BYTES = 32;

    private final Parameters parameters;

    /** Hash to entry, least recently produced first: a produced hash is removed and put again. */
    private final LinkedHashMap<Long, Entry> store = new LinkedHashMap<>();

    private long clock;
    private long queries;
    private long flaggedQueries;
    private long expiredEntries;
    private long evictedEntries;

    private transient MessageDigest sha256;
    private transient byte[] digest;

    private BlacklightDetector(Parameters parameters) {
        this.parameters = parameters;
    }

    /** A builder with the default parameters and this quantizer. */
    public static Builder builder(Quantizer quantizer) {
        return new Builder(quantizer);
    }

    // ---- fingerprints ----

    /**
     * The query's fingerprint: its N largest distinct window hashes, largest first. Pure: the store
     * is neither read nor changed.
     *
     * @throws IllegalArgumentException if the input's width is not the quantizer's or a value is
     *     not finite
     */
    public long[] fingerprint(double[] features) {
        return fingerprintOf(parameters.quantizer.quantize(features));
    }

    /** As {@link #fingerprint(double[])}, for single-precision inputs. */
    public long[] fingerprint(float[] features) {
        return fingerprintOf(parameters.quantizer.quantize(features));
    }

    private long[] fingerprintOf(int[] bins) {
        byte[] bytes = new byte[2 * bins.length];
        for (int i = 0; i < bins.length; i++) {
            bytes[2 * i] = (byte) (bins[i] >>> 8);
            bytes[2 * i + 1] = (byte) bins[i];
        }
        int windowSize = parameters.windowSize;
        int windowStep = parameters.windowStep;
        int windows = (bins.length - windowSize) / windowStep + 1;
        long[] hashes = new long[windows];
        for (int w = 0; w < windows; w++) {
            hashes[w] = hash(bytes, 2 * w * windowStep, 2 * windowSize);
        }
        Arrays.sort(hashes);
        long[] top = new long[Math.min(parameters.fingerprintSize, windows)];
        int kept = 0;
        for (int i = windows - 1; i >= 0 && kept < top.length; i--) {
            if (kept == 0 || hashes[i] != top[kept - 1]) {
                top[kept++] = hashes[i];
            }
        }
        return kept == top.length ? top : Arrays.copyOf(top, kept);
    }

    /** The first 64 bits, big-endian, of SHA-256 over {@code length} bytes from {@code offset}. */
    private long hash(byte[] bytes, int offset, int length) {
        if (sha256 == null) {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform provides SHA-256", e);
            }
            digest = new byte[HASH_BYTES];
        }
        sha256.update(bytes, offset, length);
        try {
            sha256.digest(digest, 0, HASH_BYTES);
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-256 digest takes 32 bytes", e);
        }
        long h = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            h = (h << 8) | (digest[i] & 0xFF);
        }
        return h;
    }

    // ---- queries ----

    /**
     * Reads one query: counts its fingerprint's matches in the store, then remembers its hashes for
     * this client.
     *
     * @param clientId the client that sent it; not null
     * @param eventTimeMillis its event time, in the unit of the horizon
     * @param features the input, of the quantizer's width; copied as needed, never kept
     * @throws IllegalArgumentException if the input's width is not the quantizer's or a value is
     *     not finite; the store is then unchanged
     */
    public BlacklightVerdict observe(String clientId, long eventTimeMillis, double[] features) {
        Objects.requireNonNull(clientId, "clientId");
        return observe(clientId, eventTimeMillis, fingerprint(features));
    }

    /** As {@link #observe(String, long, double[])}, for single-precision inputs. */
    public BlacklightVerdict observe(String clientId, long eventTimeMillis, float[] features) {
        Objects.requireNonNull(clientId, "clientId");
        return observe(clientId, eventTimeMillis, fingerprint(features));
    }

    private BlacklightVerdict observe(String clientId, long eventTime, long[] fingerprint) {
        if (queries == 0 || eventTime > clock) {
            clock = eventTime;
        }
        queries++;
        long cutoff = cutoff();
        expireOldest(cutoff);
        boolean remember = eventTime >= cutoff;
        int matches = 0;
        Map<String, Integer> byClient = new HashMap<>();
        for (long hash : fingerprint) {
            Entry entry = store.get(hash);
            boolean live = entry != null && entry.lastSeen >= cutoff;
            if (live) {
                matches++;
                for (String client : entry.clients) {
                    byClient.merge(client, 1, Integer::sum);
                }
            }
            if (!remember) {
                continue;
            }
            if (entry != null) {
                store.remove(hash);
            }
            store.put(
                    hash,
                    live
                            ? new Entry(
                                    Math.max(entry.lastSeen, eventTime),
                                    withClient(entry.clients, clientId))
                            : new Entry(eventTime, new String[] {clientId}));
        }
        evictOverCap();
        boolean flagged = matches >= parameters.matchThreshold;
        if (flagged) {
            flaggedQueries++;
        }
        List<ClientMatch> matchedClients = new ArrayList<>(byClient.size());
        byClient.forEach((client, count) -> matchedClients.add(new ClientMatch(client, count)));
        matchedClients.sort(
                Comparator.comparingInt(ClientMatch::matches)
                        .reversed()
                        .thenComparing(ClientMatch::clientId));
        return new BlacklightVerdict(
                clientId,
                eventTime,
                matches,
                fingerprint.length,
                parameters.matchThreshold,
                flagged,
                matchedClients);
    }

    /** The oldest last-seen time that still matches; saturates instead of overflowing. */
    private long cutoff() {
        long cutoff = clock - parameters.horizonMillis;
        return cutoff > clock ? Long.MIN_VALUE : cutoff;
    }

    private void expireOldest(long cutoff) {
        Iterator<Entry> oldestFirst = store.values().iterator();
        while (oldestFirst.hasNext() && oldestFirst.next().lastSeen < cutoff) {
            oldestFirst.remove();
            expiredEntries++;
        }
    }

    private void evictOverCap() {
        Iterator<Entry> oldestFirst = store.values().iterator();
        while (store.size() > parameters.maxEntries) {
            oldestFirst.next();
            oldestFirst.remove();
            evictedEntries++;
        }
    }

    /** The clients with {@code client} first, then the others in order, at most the bound. */
    private String[] withClient(String[] clients, String client) {
        if (clients[0].equals(client)) {
            return clients;
        }
        int length = Math.min(clients.length + 1, parameters.maxClientsPerHash);
        for (String known : clients) {
            if (known.equals(client)) {
                length = clients.length;
                break;
            }
        }
        String[] updated = new String[length];
        updated[0] = client;
        int next = 1;
        for (int i = 0; i < clients.length && next < length; i++) {
            if (!clients[i].equals(client)) {
                updated[next++] = clients[i];
            }
        }
        return updated;
    }

    // ---- counters ----

    /** Number of hashes stored now; never above {@code maxEntries} between queries. */
    public int size() {
        return store.size();
    }

    /** Queries read since construction or the last {@link #reset()}. */
    public long queries() {
        return queries;
    }

    /** Queries flagged since construction or the last {@link #reset()}. */
    public long flaggedQueries() {
        return flaggedQueries;
    }

    /** Hashes dropped because they were older than the horizon. */
    public long expiredEntries() {
        return expiredEntries;
    }

    /** Hashes dropped because the store was full. */
    public long evictedEntries() {
        return evictedEntries;
    }

    /** Forgets every query: the detector is then as if newly built with its parameters. */
    public void reset() {
        store.clear();
        clock = 0;
        queries = 0;
        flaggedQueries = 0;
        expiredEntries = 0;
        evictedEntries = 0;
    }

    // ---- state ----

    /** An immutable copy of the store and counters, without the parameters. */
    public State snapshot() {
        int size = store.size();
        long[] hashes = new long[size];
        long[] lastSeen = new long[size];
        String[][] clients = new String[size][];
        int i = 0;
        for (Map.Entry<Long, Entry> e : store.entrySet()) {
            hashes[i] = e.getKey();
            lastSeen[i] = e.getValue().lastSeen;
            clients[i] = e.getValue().clients;
            i++;
        }
        return new State(
                clock,
                queries,
                flaggedQueries,
                expiredEntries,
                evictedEntries,
                hashes,
                lastSeen,
                clients);
    }

    /**
     * Replaces the store and counters with a snapshot. Parameters are not part of a snapshot:
     * restore into a detector built with the same ones.
     *
     * @throws IllegalArgumentException if the snapshot holds more entries than {@code maxEntries}
     *     or more clients per hash than {@code maxClientsPerHash}; the state is then unchanged
     */
    public void restore(State state) {
        Objects.requireNonNull(state, "state");
        if (state.size() > parameters.maxEntries) {
            throw new IllegalArgumentException(
                    "snapshot holds "
                            + state.size()
                            + " hashes, more than maxEntries "
                            + parameters.maxEntries);
        }
        for (String[] clients : state.clients) {
            if (clients.length > parameters.maxClientsPerHash) {
                throw new IllegalArgumentException(
                        "snapshot remembers "
                                + clients.length
                                + " clients for a hash, more than maxClientsPerHash "
                                + parameters.maxClientsPerHash);
            }
        }
        store.clear();
        for (int i = 0; i < state.hashes.length; i++) {
            store.put(state.hashes[i], new Entry(state.lastSeen[i], state.clients[i].clone()));
        }
        clock = state.clock;
        queries = state.queries;
        flaggedQueries = state.flaggedQueries;
        expiredEntries = state.expiredEntries;
        evictedEntries = state.evictedEntries;
    }

    /** One stored hash: when it was last produced, and by which clients (most recent first). */
    private static final class Entry {
        final long lastSeen;
        final String[] clients;

        Entry(long lastSeen, String[] clients) {
            this.lastSeen = lastSeen;
            this.clients = clients;
        }
    }

    /**
     * The state of a {@link BlacklightDetector}: its store, oldest entry first (the eviction
     * order), and its counters. Arrays are copied in and out, so a state never changes.
     *
     * @param clock the largest event time read; meaningless while {@code queries} is 0
     * @param queries queries read
     * @param flaggedQueries queries flagged
     * @param expiredEntries hashes dropped past the horizon
     * @param evictedEntries hashes dropped by the cap
     * @param hashes the stored hashes, distinct, oldest first
     * @param lastSeen each hash's last event time
     * @param clients each hash's clients, most recent first: non-empty, distinct, no nulls
     */
    public record State(
            long clock,
            long queries,
            long flaggedQueries,
            long expiredEntries,
            long evictedEntries,
            long[] hashes,
            long[] lastSeen,
            String[][] clients)
            implements Serializable {

        private static final long serialVersionUID = 1L;

        /** Copies the arrays and checks them; see the record's description. */
        public State {
            Objects.requireNonNull(hashes, "hashes");
            Objects.requireNonNull(lastSeen, "lastSeen");
            Objects.requireNonNull(clients, "clients");
            if (queries < 0
                    || flaggedQueries < 0
                    || flaggedQueries > queries
                    || expiredEntries < 0
                    || evictedEntries < 0) {
                throw new IllegalArgumentException(
                        "counters must not be negative, nor flagged queries above queries");
            }
            if (hashes.length != lastSeen.length || hashes.length != clients.length) {
                throw new IllegalArgumentException(
                        "need one last-seen time and one client list per hash; have "
                                + hashes.length
                                + " hashes, "
                                + lastSeen.length
                                + " times and "
                                + clients.length
                                + " client lists");
            }
            hashes = hashes.clone();
            lastSeen = lastSeen.clone();
            clients = deepCopy(clients);
            long[] sorted = hashes.clone();
            Arrays.sort(sorted);
            for (int i = 1; i < sorted.length; i++) {
                if (sorted[i] == sorted[i - 1]) {
                    throw new IllegalArgumentException("hash " + sorted[i] + " is stored twice");
                }
            }
            for (int i = 0; i < clients.length; i++) {
                String[] forHash = clients[i];
                if (forHash == null || forHash.length == 0) {
                    throw new IllegalArgumentException("hash #" + i + " remembers no client");
                }
                for (int j = 0; j < forHash.length; j++) {
                    Objects.requireNonNull(forHash[j], "client of hash #" + i);
                    for (int k = 0; k < j; k++) {
                        if (forHash[k].equals(forHash[j])) {
                            throw new IllegalArgumentException(
                                    "hash #" + i + " remembers client " + forHash[j] + " twice");
                        }
                    }
                }
            }
        }

        private static String[][] deepCopy(String[][] clients) {
            String[][] copy = new String[clients.length][];
            for (int i = 0; i < clients.length; i++) {
                copy[i] = clients[i] == null ? null : clients[i].clone();
            }
            return copy;
        }

        /** Number of stored hashes. */
        public int size() {
            return hashes.length;
        }

        @Override
        public long[] hashes() {
            return hashes.clone();
        }

        @Override
        public long[] lastSeen() {
            return lastSeen.clone();
        }

        @Override
        public String[][] clients() {
            return deepCopy(clients);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State other
                    && clock == other.clock
                    && queries == other.queries
                    && flaggedQueries == other.flaggedQueries
                    && expiredEntries == other.expiredEntries
                    && evictedEntries == other.evictedEntries
                    && Arrays.equals(hashes, other.hashes)
                    && Arrays.equals(lastSeen, other.lastSeen)
                    && Arrays.deepEquals(clients, other.clients);
        }

        @Override
        public int hashCode() {
            int h = Long.hashCode(clock);
            h = 31 * h + Long.hashCode(queries);
            h = 31 * h + Long.hashCode(flaggedQueries);
            h = 31 * h + Long.hashCode(expiredEntries);
            h = 31 * h + Long.hashCode(evictedEntries);
            h = 31 * h + Arrays.hashCode(hashes);
            h = 31 * h + Arrays.hashCode(lastSeen);
            return 31 * h + Arrays.deepHashCode(clients);
        }

        @Override
        public String toString() {
            return "BlacklightDetector.State[queries="
                    + queries
                    + ", flaggedQueries="
                    + flaggedQueries
                    + ", hashes="
                    + hashes.length
                    + ", clock="
                    + clock
                    + "]";
        }
    }

    // ---- parameters and serialization ----

    /** The validated parameters; a record so the serialized form is small and re-validated. */
    private record Parameters(
            Quantizer quantizer,
            int windowSize,
            int windowStep,
            int fingerprintSize,
            int matchThreshold,
            long horizonMillis,
            int maxEntries,
            int maxClientsPerHash)
            implements Serializable {

        Parameters {
            Objects.requireNonNull(quantizer, "quantizer");
            if (windowSize < 1 || windowSize > quantizer.width()) {
                throw new IllegalArgumentException(
                        "windowSize must be in [1, "
                                + quantizer.width()
                                + "] (the input's width), but is "
                                + windowSize);
            }
            if (windowStep < 1) {
                throw new IllegalArgumentException(
                        "windowStep must be at least 1, but is " + windowStep);
            }
            if (fingerprintSize < 1) {
                throw new IllegalArgumentException(
                        "fingerprintSize must be at least 1, but is " + fingerprintSize);
            }
            if (matchThreshold < 1 || matchThreshold > fingerprintSize) {
                throw new IllegalArgumentException(
                        "matchThreshold must be in [1, fingerprintSize "
                                + fingerprintSize
                                + "], but is "
                                + matchThreshold);
            }
            if (horizonMillis < 1) {
                throw new IllegalArgumentException(
                        "horizonMillis must be positive, but is " + horizonMillis);
            }
            if (maxEntries < fingerprintSize) {
                throw new IllegalArgumentException(
                        "maxEntries must hold at least one fingerprint ("
                                + fingerprintSize
                                + "), but is "
                                + maxEntries);
            }
            if (maxClientsPerHash < 1) {
                throw new IllegalArgumentException(
                        "maxClientsPerHash must be at least 1, but is " + maxClientsPerHash);
            }
        }
    }

    private Object writeReplace() {
        return new SerializedForm(parameters, snapshot());
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("BlacklightDetector is read through its serialized form");
    }

    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;

        private final Parameters parameters;
        private final State state;

        SerializedForm(Parameters parameters, State state) {
            this.parameters = parameters;
            this.state = state;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                BlacklightDetector detector = new BlacklightDetector(parameters);
                detector.restore(state);
                return detector;
            } catch (IllegalArgumentException | NullPointerException e) {
                throw InvalidState.of("BlacklightDetector", e);
            }
        }
    }

    /**
     * Builds a {@link BlacklightDetector}; every parameter but the quantizer starts at its default.
     * {@link #build()} validates.
     */
    public static final class Builder {
        private final Quantizer quantizer;
        private int windowSize = DEFAULT_WINDOW_SIZE;
        private int windowStep = DEFAULT_WINDOW_STEP;
        private int fingerprintSize = DEFAULT_FINGERPRINT_SIZE;
        private int matchThreshold = DEFAULT_MATCH_THRESHOLD;
        private long horizonMillis = DEFAULT_HORIZON_MILLIS;
        private int maxEntries = DEFAULT_MAX_ENTRIES;
        private int maxClientsPerHash = DEFAULT_MAX_CLIENTS_PER_HASH;

        private Builder(Quantizer quantizer) {
            this.quantizer = Objects.requireNonNull(quantizer, "quantizer");
        }

        /** Values per hashed window, in [1, width]. */
        public Builder windowSize(int windowSize) {
            this.windowSize = windowSize;
            return this;
        }

        /** Slide between windows, at least 1. */
        public Builder windowStep(int windowStep) {
            this.windowStep = windowStep;
            return this;
        }

        /** Hashes per fingerprint N, at least 1. */
        public Builder fingerprintSize(int fingerprintSize) {
            this.fingerprintSize = fingerprintSize;
            return this;
        }

        /** Matches that flag a query, in [1, N]. */
        public Builder matchThreshold(int matchThreshold) {
            this.matchThreshold = matchThreshold;
            return this;
        }

        /** How long a hash is remembered, in the event times' unit; positive. */
        public Builder horizonMillis(long horizonMillis) {
            this.horizonMillis = horizonMillis;
            return this;
        }

        /** Cap on stored hashes, at least N. */
        public Builder maxEntries(int maxEntries) {
            this.maxEntries = maxEntries;
            return this;
        }

        /** Clients remembered per hash, at least 1. */
        public Builder maxClientsPerHash(int maxClientsPerHash) {
            this.maxClientsPerHash = maxClientsPerHash;
            return this;
        }

        /**
         * A new, empty detector with these parameters.
         *
         * @throws IllegalArgumentException naming the first invalid parameter
         */
        public BlacklightDetector build() {
            return new BlacklightDetector(
                    new Parameters(
                            quantizer,
                            windowSize,
                            windowStep,
                            fingerprintSize,
                            matchThreshold,
                            horizonMillis,
                            maxEntries,
                            maxClientsPerHash));
        }
    }
}
