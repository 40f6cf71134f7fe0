package io.itinera.journeys.condition;

import java.time.Instant;
import java.util.Map;

/**
 * What a condition sees of the customer as {@code customer}.
 *
 * @param stage the customer's current stage in this journey, "" before entry
 * @param counters how many times each touchpoint was seen, by touchpoint name
 * @param groupId the customer's current group ({@code customer.group.id}), "" when in none
 * @param groupTraits that group's traits ({@code customer.group.traits}), empty when in none
 * @param groups every group the customer is in, by id, with its traits ({@code customer.groups})
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
    String groupId,
    Map<String, Object> groupTraits,
    Map<String, Map<String, Object>> groups,
    Instant lastSeen,
    Instant now,
    Map<String, Object> entryData) {

  public CustomerFacts {
    groupId = groupId == null ? "" : groupId;
    groupTraits = groupTraits == null ? Map.of() : groupTraits;
    groups = groups == null ? Map.of() : groups;
    entryData = entryData == null ? Map.of() : entryData;
  }

  /** A customer in no group, outside an entry run, who entered with no data. */
  public CustomerFacts(Map<String, Object> traits, String stage, Map<String, Long> counters) {
    this(traits, stage, counters, "", Map.of(), Map.of(), null, null, Map.of());
  }
}
