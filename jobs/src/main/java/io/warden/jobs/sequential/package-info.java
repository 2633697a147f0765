/**
 * Fast sequential alarms in the monitor job: ADWIN (Bifet &amp; Gavaldà, SDM 2007) or Page-Hinkley
 * over per-request signals of each model version, raising a DRIFT alert within a few hundred rows
 * of an abrupt change, before a drift window closes.
 *
 * <ul>
 *   <li>{@link io.warden.jobs.sequential.Signal}: every signal on [0, 1] (msp and margin as they
 *       are, entropy / ln K, features through the reference profile's CDF).
 *   <li>{@link io.warden.jobs.sequential.SequentialDetection}: the keyed operator; rows in
 *       event-time order (deterministic at any parallelism, at a latency of the join timeout plus
 *       the watermark's out-of-orderness), one alarm per change, state in Flink POJOs.
 *   <li>{@link io.warden.jobs.sequential.SequentialAlerts}: the alerts, with deterministic ids.
 *   <li>{@link io.warden.jobs.sequential.SequentialStage}: the wiring into the monitor graph.
 * </ul>
 */
package io.warden.jobs.sequential;
