/**
 * Codecs for warden's data contracts.
 *
 * <ul>
 *   <li>{@link io.warden.schemas.codec.AvroCodec}: Avro single-object encoding, the format on
 *       warden's topics; resolves older (and registered newer) writer schemas by fingerprint.
 *   <li>{@link io.warden.schemas.codec.JsonCodec}: plain JSON in the shape of the records, for
 *       model servers that log JSON and for people.
 *   <li>{@link io.warden.schemas.codec.OpenInferenceProtocolCodec}: the Open Inference Protocol v2
 *       (KServe V2) JSON of Triton, KServe and MLServer.
 *   <li>{@link io.warden.schemas.codec.InboundDecoder}: the one entry point for input topic values,
 *       choosing among the three per topic or per record.
 * </ul>
 *
 * <p>Every decode call either returns a complete record or throws {@link
 * io.warden.schemas.codec.CodecException} with a message naming the field path and the problem; no
 * other exception escapes for bad input.
 */
package io.warden.schemas.codec;
