package io.itinera.journeys.condition;

import java.util.Map;

/**
 * What a condition sees of the customer as {@code customer}.
 *
 * @param stage the customer's current stage in this journey, "" before entry
 * @param counters how many times each touchpoint was seen, by touchpoint name
 */
public record CustomerFacts(Map<String, Object> traits, String stage, Map<String, Long> counters) {}
