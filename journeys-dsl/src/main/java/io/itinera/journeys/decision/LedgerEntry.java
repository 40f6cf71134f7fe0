package io.itinera.journeys.decision;

import io.itinera.protocol.CborSerializable;
import java.time.Instant;

/** An action that went out to the customer, as caps and offer cooldowns count it. */
public record LedgerEntry(String actionId, String journey, String channel, String offer, Instant at)
    implements CborSerializable {}
