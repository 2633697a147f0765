package io.warden.detectors.poisoning;

import java.io.Serializable;

/**
 * A hit count over a halving window: each observation adds 1 to the weight (and to the hits when it
 * is a hit); when the weight reaches the window, both are halved. The rate hits / weight is
 * therefore a geometrically weighted rate over roughly the last {@code window} observations (the
 * newest half at full weight, the half before at 1/2, and so on), and the weight stays in [window /
 * 2, window) once the window has filled. Three numbers.
 */
final class WindowedRate implements Serializable {

    private static final long serialVersionUID = 1L;

    private double weight;
    private double hits;
    private long observations;

    /**
     * Adds one observation.
     *
     * @return whether the window was halved by it
     */
    boolean add(boolean hit, double window) {
        observations++;
        weight += 1.0;
        if (hit) {
            hits += 1.0;
        }
        if (weight >= window) {
            weight *= 0.5;
            hits *= 0.5;
            return true;
        }
        return false;
    }

    /** Adds another window's counts (e.g. a parallel instance's partial population). */
    void merge(WindowedRate other) {
        weight += other.weight;
        hits += other.hits;
        observations += other.observations;
    }

    double weight() {
        return weight;
    }

    double hits() {
        return hits;
    }

    long observations() {
        return observations;
    }

    /** hits / weight, NaN before the first observation. */
    double rate() {
        return weight > 0.0 ? hits / weight : Double.NaN;
    }
}
