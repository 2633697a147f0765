/**
 * The simulator's vendored data sets: {@link io.warden.simulator.data.Datasets} loads the 8x8
 * handwritten digits and the Wisconsin diagnostic breast-cancer set from the class path (each file
 * pinned by SHA-256) into {@link io.warden.simulator.data.Dataset}s and splits them, stratified and
 * seeded; {@link io.warden.simulator.data.FeatureBox} is the box of valid feature values attacks
 * stay inside.
 */
package io.warden.simulator.data;
