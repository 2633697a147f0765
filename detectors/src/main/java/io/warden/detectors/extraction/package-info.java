/**
 * Per-client model-extraction detection. {@link io.warden.detectors.extraction.PradaDetector} is
 * PRADA (Juuti, Szyller, Marchal &amp; Asokan, EuroS&amp;P 2019): the Shapiro-Wilk test ({@link
 * io.warden.detectors.extraction.ShapiroWilk}, Royston's AS R94) of the minimum distances between a
 * client's queries. {@link io.warden.detectors.extraction.QueryRate}, {@link
 * io.warden.detectors.extraction.ClassCoverage} and {@link
 * io.warden.detectors.extraction.NearBoundaryShare} are small extra signals; {@link
 * io.warden.detectors.extraction.ExtractionMonitor} runs all four and returns an {@link
 * io.warden.detectors.extraction.ExtractionAssessment}. Detectors are immutable and shared; each
 * client's data lives in a bounded, serializable state object meant for keyed state with TTL.
 */
package io.warden.detectors.extraction;
