package io.itinera.loadtest.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The figures the harness compares from {@code GET /v1/journeys/{name}/analytics}. It was written
 * while that route was built on another branch, so it looks for the figures anywhere in the answer
 * rather than at fixed paths:
 *
 * <ul>
 *   <li>the lift: the first object with {@code treatedRate} and {@code holdoutRate} (the engine's
 *       {@code LiftEstimate}: {@code pis}, left out while it is null, intervals as {@code {low,
 *       high}}, {@code pValue}, {@code verdict});
 *   <li>an arm's counts: the lift's {@code treated}/{@code holdout} {@code {arm, customers,
 *       converted}}, or else an object with {@code arm}, {@code customers} and {@code converted};
 *   <li>an experiment arm: an object with {@code outcome} {@code {arm, customers, converted}} (an
 *       {@code ArmResult}) or with {@code split}, {@code arm} and {@code assigned}, keyed by arm.
 * </ul>
 */
record Reported(
    JsonNode lift, Map<String, JsonNode> sides, Map<String, JsonNode> arms, JsonNode whole) {

  static Optional<Reported> from(JsonNode answer) {
    JsonNode lift = null;
    Map<String, JsonNode> sides = new LinkedHashMap<>();
    Map<String, JsonNode> arms = new LinkedHashMap<>();
    Deque<JsonNode> pending = new ArrayDeque<>();
    pending.add(answer);
    while (!pending.isEmpty()) {
      JsonNode node = pending.poll();
      if (lift == null && node.has("treatedRate") && node.has("holdoutRate")) {
        lift = node;
      }
      if (node.has("arm") && node.has("customers") && node.has("converted")) {
        sides.putIfAbsent(node.path("arm").asText(), node);
      }
      if (node.path("outcome").has("arm")) {
        arms.putIfAbsent(node.path("outcome").path("arm").asText(), node);
      } else if (node.has("split") && node.has("arm") && node.has("assigned")) {
        arms.putIfAbsent(node.path("arm").asText(), node);
      }
      node.forEach(pending::add);
    }
    if (lift == null) {
      return Optional.empty();
    }
    for (String side : new String[] {SyntheticPopulation.TREATED, SyntheticPopulation.HOLDOUT}) {
      if (lift.path(side).has("customers")) {
        sides.put(side, lift.path(side));
      }
    }
    return Optional.of(new Reported(lift, sides, arms, answer));
  }

  long customers(String side) {
    return sides.getOrDefault(side, MissingNode.getInstance()).path("customers").asLong(-1);
  }

  long converted(String side) {
    return sides.getOrDefault(side, MissingNode.getInstance()).path("converted").asLong(-1);
  }

  /** Whether the answer counts exactly the customers and conversions that were played. */
  boolean counts(Tally treated, Tally holdout) {
    return customers(SyntheticPopulation.TREATED) == treated.customers()
        && converted(SyntheticPopulation.TREATED) == treated.converted()
        && customers(SyntheticPopulation.HOLDOUT) == holdout.customers()
        && converted(SyntheticPopulation.HOLDOUT) == holdout.converted();
  }

  /** An experiment arm's customers: an ArmResult's outcome, or a split row's assignments. */
  static long armCustomers(JsonNode arm) {
    return arm.has("outcome")
        ? arm.path("outcome").path("customers").asLong(-1)
        : arm.path("assigned").asLong(-1);
  }
}
