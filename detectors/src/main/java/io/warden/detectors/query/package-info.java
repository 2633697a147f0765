/**
 * Stateful detection of query-based black-box attacks (HopSkipJump, Boundary attack, NES, Square
 * attack), which send long runs of near-identical queries: {@link
 * io.warden.detectors.query.BlacklightDetector} hashes quantized inputs into probabilistic
 * fingerprints and matches them in one store shared by all clients, so it also catches an attack
 * spread over many client ids and attributes it to them (Li et al., USENIX Security 2022); {@link
 * io.warden.detectors.query.NearestNeighbourQueryDetector} flags a client whose query lies too
 * close to its k nearest earlier queries (Chen, Carlini &amp; Wagner, SPAI 2020), with per-client
 * state in a {@link io.warden.detectors.query.QueryHistory}. Time is always passed in as event
 * time; there is no wall clock.
 */
package io.warden.detectors.query;
