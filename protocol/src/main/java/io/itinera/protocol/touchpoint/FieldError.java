package io.itinera.protocol.touchpoint;

/**
 * What is wrong with one part of a request body.
 *
 * @param pointer where, as a JSON Pointer (RFC 6901) into the request body, e.g. {@code
 *     /batch/3/userId}
 * @param detail what is wrong and what is expected, in a sentence
 */
public record FieldError(String pointer, String detail) {}
