package io.warden.detectors.extraction;

import java.io.Serializable;
import java.util.Objects;

/**
 * Everything an {@link ExtractionMonitor} keeps about one client, in one {@link Serializable}
 * object for one keyed-state entry: the PRADA state and the three small signals' states.
 */
public final class ExtractionState implements Serializable {

    private static final long serialVersionUID = 1L;

    final PradaState prada;
    final QueryRate.State queryRate;
    final ClassCoverage.State classCoverage;
    final NearBoundaryShare.State nearBoundary;

    ExtractionState(
            PradaState prada,
            QueryRate.State queryRate,
            ClassCoverage.State classCoverage,
            NearBoundaryShare.State nearBoundary) {
        this.prada = Objects.requireNonNull(prada, "prada");
        this.queryRate = Objects.requireNonNull(queryRate, "queryRate");
        this.classCoverage = Objects.requireNonNull(classCoverage, "classCoverage");
        this.nearBoundary = Objects.requireNonNull(nearBoundary, "nearBoundary");
    }

    /** The PRADA part, e.g. to read its stored-query count. */
    public PradaState prada() {
        return prada;
    }

    /** Queries seen from this client. */
    public long queries() {
        return prada.queries();
    }
}
