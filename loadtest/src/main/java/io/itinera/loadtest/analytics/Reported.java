package io.itinera.loadtest.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The figures the harness compares from {@code GET /v1/journeys/{name}/analytics}. It was written
 * before that route landed, against the engine's statistics records as Jackson writes them, found
 * anywhere in the answer so that the route's layout around them does not matter:
 *
 * <ul>
 *   <li>the lift: the first object with {@code pis}, {@code verdict}, {@code treated} and {@code
 *       holdout} (a {@code LiftEstimate}: {@code treated}/{@code holdout} are {@code {arm,
 *       customers, converted}}, intervals {@code {low, high}});
 *   <li>the arms: objects with an {@code outcome} {@code {arm, customers, converted}}, a {@code
 *       rate} and an {@code interval} (an {@code ArmResult}), keyed by arm name.
 * </ul>
 */
record Reported(JsonNode lift, Map<String, JsonNode> arms, JsonNode whole) {

  static Optional<Reported> from(JsonNode answer) {
    JsonNode lift = null;
    Map<String, JsonNode> arms = new LinkedHashMap<>();
    Deque<JsonNode> pending = new ArrayDeque<>();
    pending.add(answer);
    while (!pending.isEmpty()) {
      JsonNode node = pending.poll();
      if (lift == null && node.has("pis") && node.has("verdict") && node.has("treated")) {
        lift = node;
      }
      if (node.path("outcome").has("arm") && node.has("rate") && node.has("interval")) {
        arms.putIfAbsent(node.path("outcome").path("arm").asText(), node);
      }
      node.forEach(pending::add);
    }
    return lift == null ? Optional.empty() : Optional.of(new Reported(lift, arms, answer));
  }

  long customers(String side) {
    return lift.path(side).path("customers").asLong(-1);
  }

  long converted(String side) {
    return lift.path(side).path("converted").asLong(-1);
  }

  /** Whether the answer counts exactly the customers and conversions that were played. */
  boolean counts(Tally treated, Tally holdout) {
    return customers("treated") == treated.customers()
        && converted("treated") == treated.converted()
        && customers("holdout") == holdout.customers()
        && converted("holdout") == holdout.converted();
  }
}
