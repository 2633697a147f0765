/**
 * warden's detector library: statistics, reference profiles and detectors over plain Java values
 * (feature vectors, probability vectors, ids, timestamps). Nothing here knows Flink, Kafka or the
 * generated Avro classes, so every detector is testable in milliseconds and reusable outside Flink.
 */
package io.warden.detectors;
