package io.itinera.journeys.entry;

import java.time.Instant;
import java.util.Map;

/**
 * A customer as a run over the customer index sees them: what a segment can read, and which
 * journeys they are in (so a run skips those without asking their entity).
 *
 * @param journeys the journeys they are in, each with the cause that entered them (a run's {@code
 *     run:<id>}, a touchpoint's message id; "" when unknown)
 */
public record IndexedCustomer(
    String customerId,
    Map<String, Object> traits,
    Map<String, Long> counters,
    Instant lastSeen,
    Map<String, String> journeys) {

  public IndexedCustomer {
    traits = traits == null ? Map.of() : traits;
    counters = counters == null ? Map.of() : counters;
    journeys = journeys == null ? Map.of() : journeys;
  }
}
