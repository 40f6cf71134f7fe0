package io.itinera.journeys.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.simulate.Replay.Outcome;
import io.itinera.journeys.simulate.Replay.Recorded;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayOverHistoryTest {

  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  static final String CART =
      """
      journey: cart
      version: %d
      entry:
        event: Product Added
      stages:
        carted:
          on:
            - event: Order Completed
              goto: bought
            - absence:
                event: Order Completed
                within: %s
              do:
                - {channel: web, type: show, template: come-back}
        bought:
          on:
            - event: Review Written
              do:
                - {channel: email, type: send, template: thanks}
      """;

  static LoadedJourney cart(int version, String within) {
    LoadResult result =
        new JourneyLoader().load("cart.journey.yaml", CART.formatted(version, within));
    assertTrue(result.ok(), result.problems().toString());
    return result.loaded();
  }

  static Touchpoint track(String customer, String event, Duration after) {
    return TouchpointBuilder.track(event).userId(customer).at(T0.plus(after)).build();
  }

  /** Ana buys after 20 minutes and reviews; Ben never buys. */
  static final List<Recorded> HISTORY =
      List.of(
          new Recorded(
              "ana",
              List.of(
                  track("ana", "Product Added", Duration.ZERO),
                  track("ana", "Order Completed", Duration.ofMinutes(20)),
                  track("ana", "Review Written", Duration.ofMinutes(30)))),
          new Recorded("ben", List.of(track("ben", "Product Added", Duration.ZERO))));

  @Test
  void timersFireBetweenTouchpointsOnTheRecordedClock() {
    Outcome fifteen = Replay.run(cart(1, "15m"), HISTORY, T0.plus(Duration.ofDays(1)));
    assertEquals(Map.of("carted", 2L, "bought", 1L), fifteen.entered());
    assertEquals(Map.of("web/come-back", 2L), fifteen.actions(), "ana's 20 minutes is too late");
    assertEquals(Map.of("NO_CONSENT", 1L), fifteen.suppressed(), "no e-mail opt-in was recorded");
    assertEquals(List.of("carted", "bought"), fifteen.paths().get("ana"));
    assertEquals(List.of("carted"), fifteen.paths().get("ben"));

    Outcome hour = Replay.run(cart(2, "1h"), HISTORY, T0.plus(Duration.ofDays(1)));
    assertEquals(Map.of("web/come-back", 1L), hour.actions(), "only ben's timer fires");
  }

  @Test
  void timersDueAfterTheEndDoNotFire() {
    Outcome early =
        Replay.run(cart(1, "15m"), HISTORY.subList(1, 2), T0.plus(Duration.ofMinutes(10)));
    assertEquals(Map.of(), early.actions());
  }
}
