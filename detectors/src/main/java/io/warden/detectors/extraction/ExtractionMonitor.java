package io.warden.detectors.extraction;

import io.warden.detectors.confidence.Confidence;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * All per-client model-extraction signals of the catalogue in one place: {@link PradaDetector}
 * (Juuti et al., EuroS&amp;P 2019), {@link QueryRate}, {@link ClassCoverage} and {@link
 * NearBoundaryShare}. Immutable and shared by all clients; each client has an {@link
 * ExtractionState} (one keyed-state entry). Each query gives an {@link ExtractionAssessment}.
 *
 * <pre>{@code
 * ExtractionMonitor monitor = new ExtractionMonitor(
 *         PradaDetector.builder(64, 10).featureScales(referenceStd).build(),
 *         new QueryRate(60_000, 5.0),
 *         new ClassCoverage(10, 200, 0.95),
 *         new NearBoundaryShare(0.1, 500, 100, 0.3));
 * ExtractionState state = monitor.newState();   // per client
 * ExtractionAssessment a = monitor.assess(state, eventTimeMillis, features, probabilities);
 * }</pre>
 */
public final class ExtractionMonitor implements Serializable {

    private static final long serialVersionUID = 1L;

    private final PradaDetector prada;
    private final QueryRate queryRate;
    private final ClassCoverage classCoverage;
    private final NearBoundaryShare nearBoundary;

    /**
     * @param prada the PRADA detector; its class count must be the coverage signal's
     * @param queryRate the query-rate signal
     * @param classCoverage the class-coverage signal
     * @param nearBoundary the near-boundary signal
     */
    public ExtractionMonitor(
            PradaDetector prada,
            QueryRate queryRate,
            ClassCoverage classCoverage,
            NearBoundaryShare nearBoundary) {
        this.prada = Objects.requireNonNull(prada, "prada");
        this.queryRate = Objects.requireNonNull(queryRate, "queryRate");
        this.classCoverage = Objects.requireNonNull(classCoverage, "classCoverage");
        this.nearBoundary = Objects.requireNonNull(nearBoundary, "nearBoundary");
        if (prada.classCount() != classCoverage.classCount()) {
            throw new IllegalArgumentException(
                    "PRADA has "
                            + prada.classCount()
                            + " classes, class coverage "
                            + classCoverage.classCount());
        }
    }

    /** A fresh state for a new client. */
    public ExtractionState newState() {
        return new ExtractionState(
                prada.newState(),
                new QueryRate.State(),
                classCoverage.newState(),
                nearBoundary.newState());
    }

    /**
     * Reads one query of a client.
     *
     * @param state the client's state, updated in place
     * @param eventTimeMillis the query's event time
     * @param features the query's features
     * @param probabilities the model's class probabilities for it (summing to 1); the predicted
     *     class is their argmax, the margin their top-1 minus top-2
     */
    public ExtractionAssessment assess(
            ExtractionState state,
            long eventTimeMillis,
            double[] features,
            double[] probabilities) {
        Confidence confidence = Confidence.ofProbabilities(probabilities);
        return assess(
                state, eventTimeMillis, features, confidence.predictedClass(), confidence.margin());
    }

    /**
     * Reads one query of a client whose predicted class and margin are already known (as the
     * monitor job's observations carry them).
     *
     * @param state the client's state, updated in place
     * @param eventTimeMillis the query's event time
     * @param features the query's features
     * @param predictedClass the index of the predicted class
     * @param margin the top-1 minus top-2 probability
     */
    public ExtractionAssessment assess(
            ExtractionState state,
            long eventTimeMillis,
            double[] features,
            int predictedClass,
            double margin) {
        Objects.requireNonNull(state, "state");
        PradaVerdict verdict = prada.update(state.prada, features, predictedClass);
        SignalReading pradaReading =
                new SignalReading(
                        ExtractionSignal.PRADA,
                        verdict.w(),
                        verdict.delta(),
                        verdict.flagged(),
                        verdict.firstFlaggedAtQuery());
        return new ExtractionAssessment(
                verdict.queries(),
                verdict,
                List.of(
                        pradaReading,
                        queryRate.update(state.queryRate, eventTimeMillis),
                        classCoverage.update(state.classCoverage, predictedClass),
                        nearBoundary.update(state.nearBoundary, margin)));
    }

    /** The PRADA detector. */
    public PradaDetector prada() {
        return prada;
    }
}
