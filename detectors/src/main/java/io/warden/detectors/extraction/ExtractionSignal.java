package io.warden.detectors.extraction;

/** The signals of an {@link ExtractionAssessment}, with their detector ids. */
public enum ExtractionSignal {
    /** PRADA's Shapiro-Wilk test of minimum query distances; value W, fires below the threshold. */
    PRADA(PradaDetector.ID),
    /** Queries per second over a decaying event-time window; fires above the threshold. */
    QUERY_RATE("extraction.query_rate"),
    /** Normalised entropy of the predicted classes; fires at or above the threshold. */
    CLASS_COVERAGE("extraction.class_coverage"),
    /** Share of recent queries with a small top-1/top-2 margin; fires above the threshold. */
    NEAR_BOUNDARY("extraction.near_boundary");

    private final String id;

    ExtractionSignal(String id) {
        this.id = id;
    }

    /** The detector id used in results and alerts. */
    public String id() {
        return id;
    }
}
