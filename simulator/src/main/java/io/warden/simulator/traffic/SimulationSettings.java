package io.warden.simulator.traffic;

import io.warden.simulator.model.ServedModel;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link Simulator} generates.
 *
 * @param model the served model the traffic goes to
 * @param seed seeds everything random: the same settings give the same traffic
 * @param start event time of the timeline's start
 * @param benignRequests requests of the benign clients; they set the timeline's length
 * @param benignClients number of benign clients
 * @param rate benign requests per second of event time (the attackers' come on top)
 * @param drift the shift of the drift segment, {@link DriftKind#NONE} for none
 * @param attacks which attacks run
 * @param evasionPerEpsilon evasion requests per attacker client and epsilon
 * @param queryAttackRows rows the decision-based attacker attacks one after the other
 * @param queryBudget its queries per row
 * @param extractionAugmentations Jacobian augmentation rounds (each doubles the queries)
 */
public record SimulationSettings(
        ServedModel model,
        long seed,
        Instant start,
        int benignRequests,
        int benignClients,
        double rate,
        DriftKind drift,
        Set<Attack> attacks,
        int evasionPerEpsilon,
        int queryAttackRows,
        int queryBudget,
        int extractionAugmentations) {

    /** The attacks a simulation can include. */
    public enum Attack {
        /** FGSM and PGD (L-inf, L2) at several epsilons, from three attacker clients. */
        EVASION,
        /** HopSkipJump, label-only, every query logged. */
        QUERY,
        /** Random-query and Jacobian-augmentation extraction, every query logged. */
        EXTRACTION,
        /** A label flipper and a backdoor poisoner among honest labellers. */
        POISONING
    }

    /** The start of the default timeline: {@value}. */
    public static final String DEFAULT_START = "2026-01-01T00:00:00Z";

    /** Checks the settings. */
    public SimulationSettings {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(drift, "drift");
        attacks = attacks.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(attacks));
        if (benignRequests < 1 || benignClients < 1) {
            throw new IllegalArgumentException("need at least 1 benign request and client");
        }
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be positive, but is " + rate);
        }
        if (evasionPerEpsilon < 1
                || queryAttackRows < 1
                || queryBudget < 1
                || extractionAugmentations < 0) {
            throw new IllegalArgumentException("attack budgets must be positive");
        }
    }

    /**
     * Every attack, a noise drift segment, 5,000 benign requests from 50 clients at 10 per second,
     * 10 evasion requests per client and epsilon, HopSkipJump on 3 rows with 2,500 queries each, 4
     * rounds of Jacobian augmentation.
     */
    public static SimulationSettings defaults(ServedModel model, long seed) {
        return new SimulationSettings(
                model,
                seed,
                Instant.parse(DEFAULT_START),
                5_000,
                50,
                10,
                DriftKind.NOISE,
                EnumSet.allOf(Attack.class),
                10,
                3,
                2_500,
                4);
    }

    /** These settings with another timeline, drift, attacks and query budget. */
    public SimulationSettings with(
            Instant otherStart,
            int otherBenignRequests,
            int otherBenignClients,
            double otherRate,
            DriftKind otherDrift,
            Set<Attack> otherAttacks,
            int otherQueryBudget) {
        return new SimulationSettings(
                model,
                seed,
                otherStart,
                otherBenignRequests,
                otherBenignClients,
                otherRate,
                otherDrift,
                otherAttacks,
                evasionPerEpsilon,
                queryAttackRows,
                otherQueryBudget,
                extractionAugmentations);
    }

    /** The timeline's length in milliseconds: benign requests over the rate. */
    public long durationMillis() {
        return (long) Math.ceil(benignRequests / rate * 1000);
    }
}
