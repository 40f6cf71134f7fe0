package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.load.LoadedJourney;
import io.itinera.protocol.touchpoint.TouchpointBuilder;
import io.itinera.protocol.touchpoint.TouchpointType;
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

  @Test
  void whatWasSentToTheVisitorCountsTowardsTheKnownCustomersCaps() {
    LoadedJourney promo =
        Timeline.load(
            """
            journey: promo
            entry: {event: Promo Viewed}
            stages:
              offered:
                enter:
                  - {channel: email, type: send, template: promo}
                on:
                  - {event: Promo Used, goto: offered}
            """);
    LoadedJourney digest =
        Timeline.load(
            """
            journey: digest
            entry: {event: Digest Due}
            caps:
              perChannel:
                - {channel: email, max: 1, per: 7d}
            stages:
              sent:
                enter:
                  - {channel: email, type: send, template: digest}
                on:
                  - {event: Digest Read, goto: sent}
            """);
    Timeline visitor = new Timeline("anon-3", promo, digest);
    visitor.identify(Map.of("consent", Map.of("email", true)));
    visitor.track("Promo Viewed", "web");
    assertEquals(List.of("email promo"), visitor.sent());
    Timeline known = new Timeline("cy", promo, digest);
    known.identify(Map.of("consent", Map.of("email", true)));

    CustomerJourneys merged = known.state().absorb(visitor.state());
    assertEquals(1, merged.ledger().size());
    Decision digestDue =
        JourneyDecider.decide(
            merged,
            known.customer(),
            new Input.TouchpointArrived(
                TouchpointBuilder.touchpoint(TouchpointType.TRACK)
                    .event("Digest Due")
                    .messageId("cy-digest")
                    .userId("cy")
                    .channel("server")
                    .at(known.now().plus(Duration.ofHours(1)))
                    .build()),
            List.of(promo, digest),
            known.now().plus(Duration.ofHours(1)));
    assertEquals(List.of(), digestDue.actions(), "the visitor's promo e-mail filled the cap");
    assertTrue(
        digestDue.events().stream()
            .anyMatch(
                e ->
                    e instanceof JourneyEvent.ActionSuppressed suppressed
                        && suppressed.reason() == SuppressionReason.CHANNEL_CAP),
        digestDue.toString());
  }
}
