package io.itinera.protocol;

/**
 * Marker for every message and event that Pekko serializes (commands between nodes, journal events,
 * snapshots). It is bound once to Jackson CBOR in the engine's {@code serialization.conf}; it lives
 * here, free of Pekko, so that pure modules can define persisted types too.
 */
public interface CborSerializable {}
