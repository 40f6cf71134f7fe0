package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Merging an anonymous visitor's journeys into the identified customer's. */
class AbsorbTest {

  private static final Map<String, Object> RUNNING = RunningShoesTest.RUNNING;

  @Test
  void aJourneyOnlyTheVisitorIsInCarriesOverWithItsPendingTimerAndFiresOnce() {
    Timeline visitor = new Timeline("anon-1", RunningShoesTest.SHOES);
    visitor.identify(Map.of("consent", Map.of("email", true)));
    visitor.track("Product Viewed", "web", RUNNING);
    visitor.track("Product Viewed", "web", RUNNING);
    visitor.track("Product Added", "web");
    Timeline known = new Timeline("ana", RunningShoesTest.SHOES);
    known.identify(Map.of("name", "Ana"));

    CustomerJourneys merged = known.state().absorb(visitor.state());
    assertEquals("decision", merged.journeys().get("running-shoes").stage());
    assertEquals(visitor.state().timers(), merged.timers());
    assertEquals(Boolean.TRUE, merged.consent().get("email"));

    Decision fired =
        JourneyDecider.decide(
            merged,
            known.customer(),
            new Input.TimerDue(merged.timers().get(0).id()),
            List.of(RunningShoesTest.SHOES),
            visitor.now().plus(Duration.ofMinutes(15)));
    assertEquals(
        List.of("cart-reminder"), fired.actions().stream().map(PlannedAction::template).toList());
    assertTrue(fired.applyTo(merged).timers().isEmpty(), "the timer fired once and is gone");
  }

  @Test
  void theKnownCustomersOwnJourneyConsentAndLedgerWinAndTheLedgersJoinWithoutDuplicates() {
    Timeline visitor = new Timeline("anon-2", RunningShoesTest.SHOES);
    visitor.identify(Map.of("consent", Map.of("email", false)));
    visitor.track("Product Viewed", "web", RUNNING);
    Timeline known = new Timeline("ben", RunningShoesTest.SHOES);
    known.identify(Map.of("consent", Map.of("email", true)));
    known.track("Product Viewed", "web", RUNNING);
    known.after(Duration.ofMinutes(1)).track("Product Viewed", "web", RUNNING);
    known.after(Duration.ofMinutes(1)).track("Product Viewed", "web", RUNNING);

    CustomerJourneys merged = known.state().absorb(visitor.state());
    assertEquals(known.state().journeys(), merged.journeys());
    assertEquals(Boolean.TRUE, merged.consent().get("email"));
    assertEquals(known.state().ledger(), merged.ledger());
    assertEquals(
        merged, merged.absorb(visitor.state()), "absorbing the same profile twice changes nothing");
  }
}
