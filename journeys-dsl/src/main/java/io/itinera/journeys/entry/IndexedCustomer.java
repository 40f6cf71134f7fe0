package io.itinera.journeys.entry;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A customer as a run over the customer index sees them: what a segment can read, and which
 * journeys they are in (so a run skips those without asking their entity).
 */
public record IndexedCustomer(
    String customerId,
    Map<String, Object> traits,
    Map<String, Long> counters,
    Instant lastSeen,
    Set<String> journeys) {

  public IndexedCustomer {
    traits = traits == null ? Map.of() : traits;
    counters = counters == null ? Map.of() : counters;
    journeys = journeys == null ? Set.of() : journeys;
  }
}
