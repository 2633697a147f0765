package io.warden.detectors.core;

/**
 * Which tail of a score's distribution is anomalous.
 *
 * <p>A detector that ranks a score against reference data needs to know whether unusually high or
 * unusually low values are the suspicious ones: a high entropy is anomalous, a low max softmax
 * probability is.
 */
public enum Direction {
    /** Large scores are anomalous: the p-value counts reference values at least as large. */
    HIGH_IS_ANOMALOUS,
    /** Small scores are anomalous: the p-value counts reference values at most as large. */
    LOW_IS_ANOMALOUS
}
