package io.itinera.journeys.condition;

import java.util.Map;

/**
 * What a condition sees of the customer as {@code customer}.
 *
 * @param stage the customer's current stage in this journey, "" before entry
 * @param counters how many times each touchpoint was seen, by touchpoint name
 * @param groupId the customer's current group ({@code customer.group.id}), "" when in none
 * @param groupTraits that group's traits ({@code customer.group.traits}), empty when in none
 * @param groups every group the customer is in, by id, with its traits ({@code customer.groups})
 */
public record CustomerFacts(
    Map<String, Object> traits,
    String stage,
    Map<String, Long> counters,
    String groupId,
    Map<String, Object> groupTraits,
    Map<String, Map<String, Object>> groups) {

  public CustomerFacts {
    groupId = groupId == null ? "" : groupId;
    groupTraits = groupTraits == null ? Map.of() : groupTraits;
    groups = groups == null ? Map.of() : groups;
  }

  /** A customer in no group. */
  public CustomerFacts(Map<String, Object> traits, String stage, Map<String, Long> counters) {
    this(traits, stage, counters, "", Map.of(), Map.of());
  }
}
