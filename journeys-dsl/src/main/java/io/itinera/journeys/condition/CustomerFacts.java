package io.itinera.journeys.condition;

import java.time.Instant;
import java.util.Map;

/**
 * What a condition sees of the customer as {@code customer}.
 *
 * @param stage the customer's current stage in this journey, "" before entry
 * @param counters how many times each touchpoint was seen, by touchpoint name
 * @param lastSeen the customer's latest touchpoint, for an entry segment ({@code
 *     customer.lastSeen}); null elsewhere
 * @param now the instant of the run evaluating a segment ({@code now}); null elsewhere
 * @param entryData the data the customer entered this journey with through the entries API ({@code
 *     entry.data}); empty when none
 */
public record CustomerFacts(
    Map<String, Object> traits,
    String stage,
    Map<String, Long> counters,
    Instant lastSeen,
    Instant now,
    Map<String, Object> entryData) {

  public CustomerFacts {
    entryData = entryData == null ? Map.of() : entryData;
  }

  public CustomerFacts(Map<String, Object> traits, String stage, Map<String, Long> counters) {
    this(traits, stage, counters, null, null, Map.of());
  }
}
