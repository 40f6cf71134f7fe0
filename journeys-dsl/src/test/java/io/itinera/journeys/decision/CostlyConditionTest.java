package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.decision.JourneyEvent.ConditionOverLimit;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.simulate.Trace;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A condition that stops at the iteration limit counts as false, and the decision says so once, so
 * a support agent reading it sees why the customer did not move.
 */
class CostlyConditionTest {

  static final LoadedJourney PAIRS =
      Timeline.load(
          """
      journey: pairs
      entry:
        event: Cart Viewed
        when: "event.properties.items.all(a, event.properties.items.all(b, a != b || a == b))"
      stages:
        looking:
          on: [{event: Order Completed, goto: bought}]
        bought: {}
      """);

  /** Two thousand items: four million pairs. */
  static final List<Integer> ITEMS = IntStream.range(0, 2_000).boxed().toList();

  @Test
  void aConditionOverTheLimitCountsAsFalseWithAWarning() {
    Timeline customer = new Timeline("ann", PAIRS);
    Decision decision = customer.track("Cart Viewed", "web", Map.of("items", ITEMS));
    assertNull(customer.stage("pairs"));
    ConditionOverLimit warning = (ConditionOverLimit) decision.events().get(0);
    assertEquals(1, decision.events().size());
    assertEquals("pairs", warning.journey());
    // Which limit it meets first depends on the machine: the loop is simple enough for either.
    assertTrue(warning.limit().matches("10000 loop iterations|100 ms"), warning::toString);
    assertEquals(
        List.of(
            "warning: pairs condition 'event.properties.items.all(a, event.properties.items.all(b,"
                + " a != b || a == b))' stopped at its limit of "
                + warning.limit()
                + " and counted as false"),
        decision.events().stream().flatMap(e -> Trace.line(e).stream()).toList());
    assertEquals(CustomerJourneys.EMPTY, customer.state());
  }

  @Test
  void aConditionWithinTheLimitDecidesAsUsual() {
    Timeline customer = new Timeline("ann", PAIRS);
    customer.track("Cart Viewed", "web", Map.of("items", List.of(1, 2, 3)));
    assertEquals("looking", customer.stage("pairs"));
  }

  @Test
  void aLongConditionIsCutInTheWarning() {
    ConditionOverLimit warning =
        new ConditionOverLimit("j", "x".repeat(1_000), "10 ms", Timeline.MONDAY);
    assertEquals(ConditionOverLimit.MAX_SOURCE + 3, warning.condition().length());
  }
}
