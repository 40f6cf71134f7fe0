package io.itinera.journeys.condition;

import java.time.Instant;
import java.util.Map;

/** What a condition sees of the touchpoint as {@code event}. */
public record EventFacts(
    String name, String channel, Map<String, Object> properties, Instant timestamp) {}
