/**
 * Per-client attack detection in the monitor job: keyed state per model version and client, with
 * event-time expiry of idle clients, around the detectors of {@code
 * io.warden.detectors.extraction}.
 */
package io.warden.jobs.clients;
