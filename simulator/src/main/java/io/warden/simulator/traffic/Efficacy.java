package io.warden.simulator.traffic;

import java.util.Locale;
import java.util.Objects;

/**
 * How well one attack of a simulation did against the served model, as measured while it ran.
 *
 * @param attack the attack ({@code evasion}, {@code query-attack}, {@code extraction}, {@code
 *     label-flip}, {@code backdoor}), as in the ground truth
 * @param method how ({@code pgd-linf}, {@code hopskipjump}, {@code jacobian-augmentation}, ...)
 * @param measure what {@link #hits()} counts, e.g. {@code fooled at epsilon 2 px}
 * @param hits how many of {@link #total()} succeeded
 * @param total how many were tried or measured
 * @param queries requests the attack sent to the served model (0 for none)
 * @param note further figures, e.g. distances; empty for none
 */
public record Efficacy(
        String attack,
        String method,
        String measure,
        long hits,
        long total,
        long queries,
        String note) {

    /** Checks the counts. */
    public Efficacy {
        Objects.requireNonNull(attack, "attack");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(measure, "measure");
        Objects.requireNonNull(note, "note");
        if (hits < 0 || hits > total || queries < 0) {
            throw new IllegalArgumentException(
                    "need 0 <= hits <= total and queries >= 0: " + hits + ", " + total);
        }
    }

    /** {@code hits / total}, 0 when nothing was measured. */
    public double rate() {
        return total == 0 ? 0 : (double) hits / total;
    }

    /** One line for a summary, e.g. {@code evasion pgd-linf fooled at 2 px: 0.900 (45 / 50)}. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%-13s %-22s %-40s %.3f (%d / %d)%s%s",
                attack,
                method,
                measure,
                rate(),
                hits,
                total,
                queries > 0 ? ", " + queries + " queries" : "",
                note.isEmpty() ? "" : "; " + note);
    }
}
