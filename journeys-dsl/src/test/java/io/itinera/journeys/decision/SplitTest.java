package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.decision.JourneyEvent.ArmAssigned;
import io.itinera.journeys.decision.JourneyEvent.JourneyEntered;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Split;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointBuilder;
import io.itinera.protocol.touchpoint.TouchpointType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Experiments: each customer gets one arm, kept and replayed; a bandit learns the best arm. */
class SplitTest {

  static final LoadedJourney CART_TEST = Timeline.sample("cart-offer-test");

  /** A split on a trigger that fires on every page view, so it is asked for its arm often. */
  static final LoadedJourney BANNERS =
      Timeline.load(
          """
          journey: banners
          entry: {event: Signed In}
          goal: {event: Order Completed}
          stages:
            browsing:
              on:
                - event: Home Viewed
                  split:
                    name: hero
                    strategy: bandit
                    warmUp: 0
                    arms:
                      - {name: red, weight: 50, do: [{channel: web, type: show, template: red}]}
                      - {name: blue, weight: 50, do: [{channel: web, type: show, template: blue}]}
          """);

  @Test
  void aFixedArmDependsOnlyOnCustomerJourneyAndSplitAndFollowsTheWeights() {
    Split split = CART_TEST.journey().stages().get(0).on().get(1).split();
    Map<String, Integer> shares = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      String id = "customer-" + i;
      Split.Arm arm =
          Bandit.byWeight(split, Bandit.bucket(id, "cart-offer-test", "cart-follow-up"));
      assertEquals(
          arm, Bandit.byWeight(split, Bandit.bucket(id, "cart-offer-test", "cart-follow-up")));
      shares.merge(arm.name(), 1, Integer::sum);
    }
    assertTrue(Math.abs(shares.get("ten-percent") - 4000) < 250, shares.toString());
    assertTrue(Math.abs(shares.get("free-shipping") - 4000) < 250, shares.toString());
    assertTrue(Math.abs(shares.get("support-call") - 2000) < 250, shares.toString());
  }

  @Test
  void eachArmDoesItsOwnActionsAndGoesToItsOwnStage() {
    Timeline ada = abandon("ada");
    assertEquals(
        List.of(
            new ArmAssigned(
                "cart-offer-test",
                "cart-follow-up",
                "ten-percent",
                "carted",
                Timeline.MONDAY.plus(Duration.ofHours(1)))),
        ada.events(ArmAssigned.class));
    assertEquals(List.of("email cart-reminder"), ada.sent());
    assertEquals("cart-10-off", ada.emitted().get(0).action().offer());
    assertEquals(List.of("reminded"), ada.stages("cart-offer-test"));

    Timeline bo = abandon("bo");
    assertEquals("support-call", bo.events(ArmAssigned.class).get(0).arm());
    assertEquals(List.of("support call-about-cart"), bo.sent());
    assertEquals(List.of("assisted"), bo.stages("cart-offer-test"));
    assertEquals(
        Map.of("cart-follow-up", "support-call"),
        bo.state().journeys().get("cart-offer-test").arms());
  }

  @Test
  void theArmIsDrawnOnceKeptInTheStateAndReplayed() {
    AtomicInteger draws = new AtomicInteger();
    SplittableRandom random = new SplittableRandom(7);
    Experiments counting =
        new Experiments(
            ArmStatistics.NONE,
            () -> {
              draws.incrementAndGet();
              return random.nextLong();
            });
    CustomerJourneys state = CustomerJourneys.EMPTY;
    CustomerContext customer = CustomerContext.of("lin");
    List<JourneyEvent> journal = new ArrayList<>();
    List<Integer> drawsSoFar = new ArrayList<>();
    for (String event : List.of("Signed In", "Home Viewed", "Home Viewed", "Home Viewed")) {
      Touchpoint touchpoint =
          TouchpointBuilder.touchpoint(TouchpointType.TRACK)
              .event(event)
              .messageId("m-" + journal.size())
              .userId("lin")
              .channel("web")
              .at(Timeline.MONDAY)
              .build();
      Decision decision =
          JourneyDecider.decide(
              state,
              customer,
              new Input.TouchpointArrived(touchpoint),
              JourneySet.of(List.of(BANNERS)),
              counting,
              Timeline.MONDAY);
      journal.addAll(decision.events());
      state = decision.applyTo(state);
      drawsSoFar.add(draws.get());
    }
    List<ArmAssigned> assigned =
        journal.stream()
            .filter(ArmAssigned.class::isInstance)
            .map(ArmAssigned.class::cast)
            .toList();
    assertEquals(1, assigned.size());
    String arm = assigned.get(0).arm();
    assertEquals(Map.of("hero", arm), state.journeys().get("banners").arms());
    assertEquals(
        List.of(arm, arm, arm),
        journal.stream()
            .filter(JourneyEvent.ActionEmitted.class::isInstance)
            .map(e -> ((JourneyEvent.ActionEmitted) e).action().template())
            .toList());
    // Drawn at the first view; the later views take the kept arm without drawing again.
    int first = drawsSoFar.get(1);
    assertTrue(first > 0);
    assertEquals(List.of(0, first, first, first), drawsSoFar);
    assertEquals(state, CustomerJourneys.EMPTY.applyAll(journal));
  }

  @Test
  void aHeldOutCustomerFollowsTheFixedArmButIsNotAssigned() {
    Timeline hal = abandon("hal");
    assertTrue(hal.events(JourneyEntered.class).get(0).holdout());
    assertEquals(List.of(), hal.events(ArmAssigned.class));
    assertEquals(List.of("cart-reminder HOLDOUT"), hal.suppressed());
    assertEquals(List.of("reminded"), hal.stages("cart-offer-test"));
  }

  @Test
  void theSegmentsMatchedAtEntryAreRecordedWithIt() {
    assertEquals(List.of("gold"), abandon("ada").events(JourneyEntered.class).get(0).segments());
    Timeline bo = new Timeline("bo", CART_TEST);
    bo.track("Order Completed", "pos");
    bo.after(Duration.ofDays(1)).track("Product Added", "web");
    assertEquals(List.of("returning"), bo.events(JourneyEntered.class).get(0).segments());
  }

  @Test
  void aBanditWarmsUpByWeightBeforeItLearns() {
    Split bandit = banditOf(50, 5, 1000);
    Map<String, ArmCounts> lopsided =
        Map.of("a", new ArmCounts(999, 900), "b", new ArmCounts(999, 0));
    for (int bucket : List.of(0, 4999, 5000, 9999)) {
      assertEquals(
          Bandit.byWeight(bandit, bucket),
          Bandit.choose(bandit, bucket, lopsided, new SplittableRandom(1)::nextLong));
    }
  }

  /**
   * The test, as a pure simulation: planted goal rates of 5%, 10% and 15%; the counts the
   * bandit sees are refreshed every 250 assignments, as the engine's are every few seconds.
   */
  @Test
  void aThreeArmBanditSendsMostOfTheLastHalfToTheBestArm() {
    Split bandit =
        new Split(
            "offer",
            Split.Strategy.BANDIT,
            List.of(
                new Split.Arm("five", 34, List.of(), null),
                new Split.Arm("ten", 33, List.of(), null),
                new Split.Arm("fifteen", 33, List.of(), null)),
            5,
            100);
    Map<String, Double> planted = Map.of("five", 0.05, "ten", 0.10, "fifteen", 0.15);
    SplittableRandom draws = new SplittableRandom(17);
    SplittableRandom outcomes = new SplittableRandom(42);
    Map<String, long[]> live = new HashMap<>();
    Map<String, ArmCounts> seen = Map.of();
    int customers = 10_000;
    int bestInLastHalf = 0;
    for (int i = 0; i < customers; i++) {
      if (i % 250 == 0) {
        Map<String, ArmCounts> snapshot = new HashMap<>();
        live.forEach((arm, c) -> snapshot.put(arm, new ArmCounts(c[0], c[1])));
        seen = snapshot;
      }
      String arm =
          Bandit.choose(bandit, Bandit.bucket("c" + i, "j", "offer"), seen, draws::nextLong).name();
      long[] counts = live.computeIfAbsent(arm, a -> new long[2]);
      counts[0]++;
      if (outcomes.nextDouble() < planted.get(arm)) {
        counts[1]++;
      }
      if (i >= customers / 2 && arm.equals("fifteen")) {
        bestInLastHalf++;
      }
    }
    double share = bestInLastHalf / (customers / 2.0);
    assertTrue(share >= 0.70, "the best arm got " + share + " of the last half");
    // Every arm keeps its minimum share, however badly it does.
    assertTrue(live.get("five")[0] >= customers * 0.05 / 3 * 2, "five: " + live.get("five")[0]);
  }

  private static Split banditOf(int weightA, double minShare, int warmUp) {
    return new Split(
        "s",
        Split.Strategy.BANDIT,
        List.of(
            new Split.Arm("a", weightA, List.of(), null),
            new Split.Arm("b", 100 - weightA, List.of(), null)),
        minShare,
        warmUp);
  }

  /** A customer adds to the cart and does not buy within the hour. */
  private static Timeline abandon(String customerId) {
    Timeline life = new Timeline(customerId, CART_TEST);
    life.identify(
        customerId.equals("ada")
            ? Map.of("tier", "gold", "consent", Map.of("email", true))
            : Map.of("consent", Map.of("email", true)));
    life.track("Product Added", "web");
    life.after(Duration.ofHours(2));
    return life;
  }
}
