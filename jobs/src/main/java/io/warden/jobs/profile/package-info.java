/**
 * Building a model's reference profile from reference data: what {@code warden profile} does.
 *
 * <p>A {@link io.warden.jobs.profile.ReferenceInput} hands over the records of a reference file
 * (JSON Lines or Avro container file of inference events or requests, or a CSV with a column per
 * feature) or of an event-time range of a topic ({@link io.warden.jobs.profile.ReferenceInputs});
 * {@link io.warden.jobs.profile.ReferenceProfiler} validates each as the monitor job does, for the
 * model a {@link io.warden.jobs.profile.ProfileTarget} picks from the config, and adds the valid
 * rows to a {@link io.warden.detectors.profile.ProfileBuilder}, counting the rest by reason. The
 * same data and settings give the same profile, byte for byte.
 */
package io.warden.jobs.profile;
