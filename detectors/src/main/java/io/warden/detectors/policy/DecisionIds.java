package io.warden.detectors.policy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Content-derived decision ids: name-based (version 3) UUIDs of a stable string in which every part
 * is prefixed by its length, so no two different part lists give the same string.
 */
final class DecisionIds {

    private DecisionIds() {}

    /** The id of the decision a rule takes on a target with an action from a time. */
    static String act(String ruleName, PolicyTarget target, PolicyAction action, long from) {
        return uuid(
                "ACT",
                ruleName,
                target.type().name(),
                target.id(),
                action.name(),
                Long.toString(from));
    }

    /** The id of the release of the decision with the given id. */
    static String release(String actId) {
        return uuid("RELEASE", actId);
    }

    private static String uuid(String... parts) {
        StringBuilder text = new StringBuilder("warden.policy");
        for (String part : parts) {
            text.append('/').append(part.length()).append(':').append(part);
        }
        return UUID.nameUUIDFromBytes(text.toString().getBytes(StandardCharsets.UTF_8)).toString();
    }
}
