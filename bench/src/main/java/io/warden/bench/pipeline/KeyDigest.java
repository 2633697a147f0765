package io.warden.bench.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An order-independent fingerprint of a multiset of Kafka record keys: how many there are and the
 * sum (modulo 2<sup>64</sup>) of a 64-bit hash of each. Two digests are equal when the multisets
 * are, and differ, with overwhelming probability, when a key is missing, duplicated or replaced;
 * unlike a set of keys it needs no memory, so it checks a million output records as cheaply as it
 * counts them. Not thread-safe.
 */
final class KeyDigest {
    private long count;
    private long sum;

    void add(String key) {
        add(key.getBytes(StandardCharsets.UTF_8));
    }

    void add(byte[] key) {
        count++;
        sum += hash(key);
    }

    long count() {
        return count;
    }

    /** FNV-1a over the bytes, then MurmurHash3's 64-bit finalizer to spread the bits. */
    static long hash(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyDigest d && d.count == count && d.sum == sum;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count * 31 + sum);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%,d keys (digest %016x)", count, sum);
    }
}
