/**
 * The journey model the engine consumes: immutable records and sealed interfaces, made only of
 * strings, numbers, {@link java.time.Duration}, lists and enums-like records so that journal events
 * can reference its names and nothing from the parser leaks in. Absent optional values are {@code
 * null}; lists are never null.
 */
package io.itinera.journeys.model;
