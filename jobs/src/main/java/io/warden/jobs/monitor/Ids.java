package io.warden.jobs.monitor;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic ids: derived from content (model, kind, subject, window), so a restart or a replay
 * re-emits the same id for the same finding and consumers can de-duplicate.
 */
public final class Ids {
    private Ids() {}

    /**
     * A name-based (version 3) UUID of the parts, separated so that {@code ("ab","c")} and {@code
     * ("a","bc")} differ. Null parts are allowed.
     */
    public static String of(String... parts) {
        StringBuilder sb = new StringBuilder("warden");
        for (String p : parts) {
            sb.append('\u0000').append(p == null ? "\u0001null" : p);
        }
        return UUID.nameUUIDFromBytes(sb.toString().getBytes(StandardCharsets.UTF_8)).toString();
    }
}
